/**
 * What a reconciliation (药帐核对) and the daily trend report ask of the store: aggregates computed in the database
 * (GROUP BY over tg_packs and ranges of tg_pack_events), code lists for one drug and category on demand, and the
 * HIS's book stock. Nothing here loads the ledger's packs into memory. The knex adapter answers with SQL for the five
 * dialects; the memory twin with loops over MemoryStore.snapshot().
 */
import type { UploadState } from '../insurance/upload.js';
import type { PackState } from '../ledger/pack.js';
import type { BookStock } from '../reports/reconciliation/book-stock.js';
import type { CodeListCategory, WindowCategory } from '../reports/reconciliation/reconciliation-categories.js';

/** Which ledger: as it is now (`until` null, the fast path), or as of an instant (events before `until` only). */
export interface LedgerScope {
  /** Exclusive: the first instant after the as-of day. */
  until: string | null;
  /** One drug, or every drug. */
  hisDrugCode?: string;
}

export interface WindowScope extends LedgerScope {
  from: string | null;
  byHour: boolean;
}

export interface StateCountRow {
  hisDrugCode: string;
  state: PackState;
  packs: number;
  /** Units left in the opened packs of this row (0 for other states). */
  unitsLeft: number;
}

/** Events of the window categories per drug (and UTC hour, when the drugs' windows differ). */
export interface WindowEventRow {
  hisDrugCode: string;
  category: WindowCategory;
  /** UTC hour `yyyy-MM-ddTHH`; null when asked without hours (every drug has the same window). */
  hour: string | null;
  /**
   * For the audit categories (received twice, returns not matching): the refused code, so a box refused again and
   * again counts once; null for ledger events (one event per pack).
   */
  traceCode: string | null;
  count: number;
}

export interface UploadCountRow {
  hisDrugCode: string;
  infno: '3505' | '3506';
  /** The state as of the scope: a row delivered (or given up) after `until` was still waiting then. */
  state: UploadState;
  rows: number;
}

/** The packs of a drug on its latest 3501 inventory count on or before a date. */
export interface InventoryCountRow {
  hisDrugCode: string;
  /** invdate, yyyy-MM-dd. */
  date: string;
  packs: number;
}

export interface CodeQuery {
  hisDrugCode: string;
  category: CodeListCategory;
  until: string | null;
  /** Inclusive start of the window (window categories only); null = from the beginning. */
  from: string | null;
  limit: number;
  offset: number;
}

/** One code of a category and the facts that put it there (the core words them for people). */
export interface CodeFact {
  traceCode: string;
  /** When it got there: the event, the (last) refusal, or the upload's creation. */
  at: string | null;
  /** Business reference: prescription, delivery note, session. */
  ref: string | null;
  /** The pack's state as of the scope (null when the ledger does not know the code). */
  state: PackState | null;
  unitsLeft: number | null;
  /** Audit categories: the refusal code and how often it was refused. */
  refusalCode: string | null;
  refusals: number | null;
  /** sold_not_uploaded: the 3505 upload. */
  uploadId: number | null;
  uploadState: UploadState | null;
}

export const DailyMetrics = [
  'received',
  'implicit_received',
  'dispensed',
  'split_dispensed',
  'returned',
  'refused_scans',
  'uploads_delivered',
  'uploads_failed',
] as const;
export type DailyMetric = (typeof DailyMetrics)[number];

export interface HourCountRow {
  /** UTC hour `yyyy-MM-ddTHH`. */
  hour: string;
  metric: DailyMetric;
  count: number;
}

export interface ReconciliationStore {
  /** Packs per drug and state, and units left in opened packs, as of the scope. */
  stateCounts(scope: LedgerScope): Promise<StateCountRow[]>;
  /**
   * Window-category events from `from` (inclusive; null = all) until the scope's end; per UTC hour with `byHour`
   * (each drug then counts from its own window start), else one row per drug and category (fewer rows).
   */
  windowEvents(scope: WindowScope): Promise<WindowEventRow[]>;
  /** Distinct codes per drug on 3505 uploads not delivered as of the scope (pending, sending, ambiguous, dead). */
  unuploadedSales(scope: LedgerScope): Promise<{ hisDrugCode: string; codes: number }[]>;
  /** 3505 / 3506 upload rows per drug and state, as of the scope. */
  uploadCounts(scope: LedgerScope): Promise<UploadCountRow[]>;
  /** Each drug's latest 3501 count dated on or before `asOfDate` (yyyy-MM-dd), packs summed over its lots. */
  lastCounts(asOfDate: string, hisDrugCode?: string): Promise<InventoryCountRow[]>;
  /** One page of the codes of one drug and category, in code order. */
  codes(query: CodeQuery): Promise<CodeFact[]>;
  /** Inserts or replaces (same drug and day) every row, atomically. */
  saveBookStock(rows: BookStock[]): Promise<void>;
  /** Each drug's latest book stock dated on or before `asOfDate`. */
  bookStock(asOfDate: string, hisDrugCode?: string): Promise<BookStock[]>;
  /** Counts per UTC hour and metric, for instants in [from, until). */
  hourlyCounts(from: string, until: string): Promise<HourCountRow[]>;
}
