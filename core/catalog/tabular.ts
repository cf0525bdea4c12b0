/**
 * What an import file looks like to the core once an adapter has read it (CSV, XLSX…): a header line and
 * rows of text cells keyed by the header as written. The core never reads files itself; the adapter
 * `adapters/import/tabular-file-reader.ts` produces exactly this shape.
 */
import type { RowProblem } from '../errors.js';

export interface TabularRow {
  /** Spreadsheet row number (header = 1), so a user can find the row in Excel. */
  rowNumber: number;
  /** Cell text keyed by header text (trimmed); every header is present, empty cells are ''. */
  values: Record<string, string>;
}

export interface TabularRows {
  headers: string[];
  rows: TabularRow[];
}

/** One documented import column: its canonical English name and the headers a user may write for it. */
export interface ColumnDef<K extends string = string> {
  /** Canonical English column name; also the `field` of every RowProblem about this column. */
  key: K;
  /** The Chinese header an export writes and the docs show first. */
  label: string;
  /** Other accepted headers (Chinese and English); matching ignores case, spaces, `_`, `-` and a `*` marker. */
  aliases: readonly string[];
  /** A file without this column is refused as a whole (one problem at row 1). */
  requiredColumn: boolean;
  /** What the column holds and which values are accepted (Chinese, for the docs and an import UI). */
  description: string;
  /** An example cell value. */
  example: string;
}

/** Maximum number of problems one import reports; the rest are counted but not listed. */
export const MAX_REPORTED_PROBLEMS = 1000;

/**
 * Header text → comparison key: Unicode NFKC (full-width → half-width), lower case, without whitespace,
 * `_`, `-`, `.`, `*` (required-column markers such as `*药品编码`) and `:`/`：`.
 */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.*:]+/g, '');
}

/** The same key without a trailing unit/remark in brackets, e.g. `规格(mg)` → `规格`, `包装数量【盒】` → `包装数量`. */
function headerKeyWithoutSuffix(header: string): string {
  return headerKey(header.normalize('NFKC').replace(/\s*[([【〔][^()[\]【】〔〕]*[)\]】〕]\s*$/u, ''));
}

export interface ResolvedColumns<K extends string> {
  /** Canonical key → the header text (as written in the file) that supplies it. */
  columns: Partial<Record<K, string>>;
  /** Headers that matched no documented column (they are ignored). */
  ignored: string[];
}

/**
 * Map a file's headers onto documented columns. When two headers name the same column, the one whose
 * alias comes first in the definition wins (then the leftmost); the other is ignored.
 */
export function resolveColumns<K extends string>(
  headers: readonly string[],
  defs: readonly ColumnDef<K>[]
): ResolvedColumns<K> {
  const lookup = new Map<string, { key: K; rank: number }>();
  for (const def of defs) {
    [def.key, def.label, ...def.aliases].forEach((alias, rank) => {
      const k = headerKey(alias);
      if (!lookup.has(k)) {
        lookup.set(k, { key: def.key, rank });
      }
    });
  }
  const best = new Map<K, { header: string; rank: number }>();
  const ignored: string[] = [];
  for (const header of headers) {
    const hit = lookup.get(headerKey(header)) ?? lookup.get(headerKeyWithoutSuffix(header));
    if (!hit) {
      ignored.push(header);
      continue;
    }
    const current = best.get(hit.key);
    if (!current || hit.rank < current.rank) {
      if (current) {
        ignored.push(current.header);
      }
      best.set(hit.key, { header, rank: hit.rank });
    } else {
      ignored.push(header);
    }
  }
  const columns: Partial<Record<K, string>> = {};
  for (const [key, { header }] of best) {
    columns[key] = header;
  }
  return { columns, ignored };
}

/** Headers a user may write for a column, for messages: `HIS药品编码/药品编码/his_drug_code`. */
export function columnHeadersHint(def: ColumnDef): string {
  return [def.label, ...def.aliases.slice(0, 2), def.key].filter((v, i, a) => a.indexOf(v) === i).join('/');
}

/**
 * A number that Excel stored as a floating-point number and printed in exponent form (e.g. `8.12345678901235e+19`
 * or `6.9E+12`): its digits are already lost, the cell must be re-entered as text.
 */
export function looksLikeLostPrecision(value: string): boolean {
  return /^\d(\.\d+)?e\+?\d+$/i.test(value);
}

export const LOST_PRECISION_HINT = '（该单元格被 Excel 存成了数字，位数已丢失；请把该列设为「文本」格式后重新录入）';

/** Collects row problems up to MAX_REPORTED_PROBLEMS and counts the rest. */
export class ProblemList {
  readonly problems: RowProblem[] = [];
  private total = 0;
  add(row: number, field: string, message: string): void {
    this.total++;
    if (this.problems.length < MAX_REPORTED_PROBLEMS) {
      this.problems.push({ row, field, message });
    }
  }
  get count(): number {
    return this.total;
  }
  get truncated(): boolean {
    return this.total > this.problems.length;
  }
}

/** Yes/no cells: 是/否, 1/0, Y/N, yes/no, true/false, √/×; '' → undefined (not given); anything else → null. */
export function parseYesNo(value: string): boolean | undefined | null {
  const v = value.normalize('NFKC').trim().toLowerCase();
  if (v === '') {
    return undefined;
  }
  if (['是', '1', 'y', 'yes', 'true', 't', '√', '✓', '有'].includes(v)) {
    return true;
  }
  if (['否', '0', 'n', 'no', 'false', 'f', '×', '✗', '无'].includes(v)) {
    return false;
  }
  return null;
}

/** A positive whole number written as `12`, `12.0` or `１２`; anything else → null. */
export function parsePositiveInteger(value: string): number | null {
  const v = value.normalize('NFKC').trim();
  if (!/^\d+(\.0+)?$/.test(v)) {
    return null;
  }
  const n = Number(v);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Split a list cell on `;`, `,`, `、`, `|`, `/`, whitespace (full-width forms too); empty parts dropped. */
export function splitList(value: string): string[] {
  return value
    .normalize('NFKC')
    .split(/[;,、|/\s]+/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
