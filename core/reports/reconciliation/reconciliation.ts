/**
 * The reconciliation (药帐核对) of one drug as of a day, and of all drugs: HIS book stock, the ledger's packs by state,
 * the last inventory count (3501), what was uploaded, the variance and its explanation by category. These are the
 * exact JSON shapes of GET /api/v1/reports/reconciliation (the pages build against them).
 */
import type { BookStockSource } from './book-stock.js';
import type { Effect, ReconciliationCategory } from './reconciliation-categories.js';

export interface LedgerCounts {
  /** Whole packs in stock (在库整盒). Opened packs are not among them. */
  inStock: number;
  /** Opened packs with units left (拆零在用), and those units. */
  opened: number;
  openedUnitsLeft: number;
  quarantined: number;
  scrapped: number;
  transferredOut: number;
  dispensed: number;
}

export interface UploadTally {
  delivered: number;
  /** pending, sending, or ambiguous (sent, answer unknown). */
  pending: number;
  /** dead: refused by the platform or given up. */
  failed: number;
  /** held: not for tracegate to send (the HIS uploads it). */
  held: number;
}

export interface BookFigure {
  quantity: number;
  units: number | null;
  /** The day of the HIS's figure: the latest on or before the report's day. */
  asOf: string;
  source: BookStockSource;
  recordedAt: string;
  recordedBy: string;
}

/**
 * Window categories count from `from` (inclusive, yyyy-MM-dd) to `to`: from a given date ('since'), from the day
 * after the drug's last inventory count ('last-count'), or from the beginning ('all', from null).
 */
export interface ReconciliationWindow {
  from: string | null;
  to: string;
  basis: 'since' | 'last-count' | 'all';
}

export interface CategoryLine {
  category: ReconciliationCategory;
  label: string;
  effect: Effect;
  /** Codes (packs) in the category; for `unexplained` the remainder in packs (may be negative). */
  count: number;
  /** The first codes in code order (the full list: …/codes?category=). */
  codes: string[];
  /** More codes than listed. */
  more: boolean;
}

export interface DrugReconciliation {
  hisDrugCode: string;
  /** From the catalog; null for a drug the catalog does not (or no longer) know. */
  name: string | null;
  spec: string | null;
  unitsPerPack: number | null;
  unitName: string | null;
  book: BookFigure | null;
  ledger: LedgerCounts;
  lastCount: { date: string; packs: number } | null;
  uploads: { sales: UploadTally; returns: UploadTally };
  window: ReconciliationWindow;
  /** book.quantity − ledger.inStock (whole packs); null without a book figure. */
  variance: number | null;
  /** book.units − ledger.openedUnitsLeft, when the HIS books loose units apart. */
  unitsVariance: number | null;
  /** Σ effect × count over the categories. */
  explained: number | null;
  /** variance − explained. */
  unexplained: number | null;
  categories: CategoryLine[];
}

export interface ReconciliationTotals {
  drugs: number;
  withBook: number;
  /** Drugs whose variance is not 0. */
  withVariance: number;
  /** Drugs whose unexplained remainder is not 0. */
  withUnexplained: number;
  bookQuantity: number;
  ledger: LedgerCounts;
  variance: number;
  explained: number;
  unexplained: number;
  /** Count per category over all drugs. */
  categories: Record<ReconciliationCategory, number>;
}

export interface ReconciliationReport {
  /** The day reconciled (yyyy-MM-dd, hospital-local). */
  asOf: string;
  /** current: packs as they are now (asOf is today); end-of-day: rebuilt from the events up to the end of asOf. */
  basis: 'current' | 'end-of-day';
  /** The window start given by the caller, or null (each drug from its last inventory count). */
  since: string | null;
  generatedAt: string;
  drugs: DrugReconciliation[];
  totals: ReconciliationTotals;
}

/** What an opened pack counts as, said once for pages, exports and the OpenAPI description. */
export const OPENED_PACKS_RULE =
  '拆零在用的药盒不计入在库整盒（ledger.inStock）；其剩余数量为 ledger.openedUnitsLeft，与 HIS 的拆零数量（book.units）比较。';
