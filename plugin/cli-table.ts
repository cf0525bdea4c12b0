/** Plain-text tables for the CLI, aligned for Chinese text too. */

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]): string => cells.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - width(c))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Display width: CJK characters take two columns in a terminal. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) {
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
      ? 2
      : 1;
  }
  return w;
}

/** Who acts from the command line, for audit trails. */
export function cliActor(): string {
  return `cli:${process.env.USER ?? 'unknown'}`;
}
