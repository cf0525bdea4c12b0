/**
 * The rows the sandbox platform holds now: added by 3501–3506, removed by 3507. In 'accept' mode one key can hold
 * several rows, so lookups return lists.
 */
import type { DataType, RecordedRow, RowKey } from './recorded-row.js';
import { rowKeyString, traceCodesOf } from './recorded-row.js';

export interface RowFilter {
  fixmedinsCode?: string;
  dataTypes?: readonly DataType[];
  /** 3505, or 3505A (the same rows). */
  infno?: string;
  bchno?: string;
  medListCodg?: string;
  traceCode?: string;
  /** yyyy-MM-dd, inclusive, against the row's business date. */
  fromDate?: string;
  toDate?: string;
}

/** The business time each row type carries; a row without one is dated by its receipt. */
const BUSINESS_TIME_FIELDS = ['sel_retn_time', 'inv_chg_time', 'purc_retn_stoin_time', 'invdate'] as const;

export class RecordedRows {
  private rows: RecordedRow[] = [];
  /** Rows per key, so the duplicate check of every upload stays constant-time in a long load test. */
  private perKey = new Map<string, number>();
  private nextRid = 1;

  add(row: Omit<RecordedRow, 'rid'>): RecordedRow {
    const recorded = { ...row, rid: this.nextRid++ };
    this.rows.push(recorded);
    const key = rowKeyString(recorded);
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    return recorded;
  }

  has(key: RowKey): boolean {
    return (this.perKey.get(rowKeyString(key)) ?? 0) > 0;
  }

  /** Removes every row under the key; how many there were. */
  remove(key: RowKey): number {
    const wanted = rowKeyString(key);
    const count = this.perKey.get(wanted) ?? 0;
    if (count > 0) {
      this.rows = this.rows.filter((r) => rowKeyString(r) !== wanted);
      this.perKey.delete(wanted);
    }
    return count;
  }

  /** Live rows in arrival order. */
  find(filter: RowFilter = {}): RecordedRow[] {
    return this.rows.filter((r) => matches(r, filter));
  }

  get size(): number {
    return this.rows.length;
  }

  clear(): void {
    this.rows = [];
    this.perKey.clear();
  }
}

function matches(row: RecordedRow, f: RowFilter): boolean {
  const date = businessDate(row);
  return (
    (f.fixmedinsCode === undefined || row.fixmedinsCode === f.fixmedinsCode) &&
    (f.dataTypes === undefined || f.dataTypes.includes(row.dataType)) &&
    (f.infno === undefined || row.infno === f.infno.replace(/A$/, '')) &&
    (f.bchno === undefined || row.bchno === f.bchno) &&
    (f.medListCodg === undefined || row.fields.med_list_codg === f.medListCodg) &&
    (f.traceCode === undefined || traceCodesOf(row).includes(f.traceCode)) &&
    (f.fromDate === undefined || date >= f.fromDate) &&
    (f.toDate === undefined || date <= f.toDate)
  );
}

export function businessDate(row: RecordedRow): string {
  for (const name of BUSINESS_TIME_FIELDS) {
    const value = row.fields[name];
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) {
      return value.slice(0, 10);
    }
  }
  return row.crteTime.slice(0, 10);
}
