import type { HealthCheck, HealthResult } from '../core/ports/health-check.js';

export interface DoctorRow extends HealthResult {
  name: string;
}

export async function runDoctor(checks: HealthCheck[]): Promise<DoctorRow[]> {
  return Promise.all(
    checks.map(async (c) => {
      try {
        return { name: c.name, ...(await c.check()) };
      } catch (e) {
        return { name: c.name, ok: false, detail: e instanceof Error ? e.message : String(e) };
      }
    })
  );
}

/** A plain-text table: one line per check, OK/FAIL, what was seen, and the fix when it failed. */
export function formatDoctorTable(rows: DoctorRow[]): string {
  const w = Math.max(5, ...rows.map((r) => r.name.length));
  const lines = [`${'check'.padEnd(w)}  state  detail`, `${'-'.repeat(w)}  -----  ------`];
  for (const r of rows) {
    lines.push(`${r.name.padEnd(w)}  ${r.ok ? 'OK   ' : 'FAIL '}  ${r.detail}`);
    if (!r.ok && r.fix) {
      lines.push(`${''.padEnd(w)}         fix: ${r.fix}`);
    }
  }
  return lines.join('\n');
}
