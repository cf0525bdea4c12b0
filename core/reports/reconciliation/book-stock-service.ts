/**
 * Book stock in: rows from the API, an import file or the HIS database, checked against the catalog and saved all or
 * nothing (a later figure for the same drug and day replaces the earlier one).
 */
import type { CatalogIndex } from '../../catalog/catalog-index.js';
import { rowsInvalid, type Table } from '../../catalog/import-catalog.js';
import type { Clock } from '../../ports/clock.js';
import type { ReconciliationStore } from '../../ports/reconciliation-store.js';
import { shanghaiDate } from '../../shanghai-time.js';
import { requireDate } from '../shanghai-days.js';
import { bookStockProblems, type BookStock, type BookStockDraft, type BookStockSource } from './book-stock.js';
import { parseBookStockRows } from './parse-book-stock-rows.js';

export interface SaveBookStockOptions {
  /** refuse (API, import): an unknown drug code is a row problem; skip (HIS database): such rows are left out. */
  unknownDrugs?: 'refuse' | 'skip';
}

export interface SaveBookStockResult {
  saved: number;
  /** Rows left out because the catalog does not know their drug (skip mode only). */
  skipped: number;
  /** The days the saved figures are for. */
  dates: string[];
}

export class BookStockService {
  constructor(
    private readonly store: Pick<ReconciliationStore, 'saveBookStock' | 'bookStock'>,
    private readonly catalog: { index(): Promise<CatalogIndex> },
    private readonly clock: Clock
  ) {}

  /** Today in the hospital: the default day of a figure. */
  today(): string {
    return shanghaiDate(this.clock.now().toISOString());
  }

  async save(
    drafts: readonly BookStockDraft[],
    source: BookStockSource,
    actor: string,
    options: SaveBookStockOptions = {},
    rowOf?: (index: number) => number
  ): Promise<SaveBookStockResult> {
    const index = await this.catalog.index();
    const known = options.unknownDrugs === 'skip' ? drafts.filter((d) => index.drug(d.hisDrugCode)) : [...drafts];
    for (const d of known) {
      requireDate(d.asOf, '日期');
    }
    const problems = bookStockProblems(known, (code) => index.drug(code), rowOf);
    if (problems.length > 0) {
      throw rowsInvalid('BOOK_STOCK_ROWS_INVALID', '账面库存', problems, false);
    }
    const recordedAt = this.clock.now().toISOString();
    const rows: BookStock[] = known.map((d) => ({ ...d, source, recordedAt, recordedBy: actor }));
    await this.store.saveBookStock(rows);
    return {
      saved: rows.length,
      skipped: drafts.length - known.length,
      dates: [...new Set(rows.map((r) => r.asOf))].sort(),
    };
  }

  /** A whole import file (CSV/XLSX read by an adapter): every row valid, or nothing saved and every problem listed. */
  async importTable(table: Table, actor: string, defaultAsOf?: string): Promise<{ imported: number; dates: string[] }> {
    const asOf = defaultAsOf === undefined ? this.today() : requireDate(defaultAsOf, 'asOf');
    const parsed = parseBookStockRows(table.rows, table.headers, asOf);
    if (parsed.problems.length > 0) {
      throw rowsInvalid('BOOK_STOCK_ROWS_INVALID', '账面库存', parsed.problems, parsed.truncated);
    }
    const result = await this.save(parsed.drafts, 'import', actor, {}, (i) => parsed.rowNumbers[i] ?? i + 2);
    return { imported: result.saved, dates: result.dates };
  }

  /** Each drug's latest figure on or before `asOf` (default today). */
  list(asOf?: string, hisDrugCode?: string): Promise<BookStock[]> {
    return this.store.bookStock(asOf === undefined ? this.today() : requireDate(asOf, 'asOf'), hisDrugCode);
  }
}
