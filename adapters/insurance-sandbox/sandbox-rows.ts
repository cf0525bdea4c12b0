/** The rows the sandbox holds, as tests and the admin API see them. */
import type { RecordedRow } from './recorded-row.js';
import { traceCodesOf } from './recorded-row.js';
import type { RecordedRows } from './recorded-rows.js';

export interface SandboxRowQuery {
  /** 3505 or 3505A: the same rows. */
  infno?: string;
  bchno?: string;
  /** A trace code in the row's drugtracinfo. */
  code?: string;
  fixmedinsCode?: string;
}

export type SandboxRow = RecordedRow & { traceCodes: string[] };

export function sandboxRows(rows: RecordedRows, query: SandboxRowQuery = {}): SandboxRow[] {
  return rows
    .find({ infno: query.infno, bchno: query.bchno, traceCode: query.code, fixmedinsCode: query.fixmedinsCode })
    .map((row) => ({ ...row, traceCodes: traceCodesOf(row) }));
}
