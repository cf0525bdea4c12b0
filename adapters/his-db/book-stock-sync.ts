/**
 * The HIS's book stock (账面库存) into tracegate, beside the catalog sync: the stock query's rows for a day (:asOf)
 * become book stock figures. Rows of drugs the catalog does not know (stopped, not synced) are left out and counted;
 * a quantity the HIS keeps in fractional boxes (9.7 盒) becomes whole boxes plus loose units.
 */
import type { Knex } from 'knex';
import type { CatalogIndex } from '../../core/catalog/catalog-index.js';
import type { BookStockDraft } from '../../core/reports/reconciliation/book-stock.js';
import type { BookStockService } from '../../core/reports/reconciliation/book-stock-service.js';
import type { HisDbConfig } from './his-db-config.js';
import { runQuery } from './his-db-queries.js';
import { optionalText, requiredText, valueInvalid, type RowSource } from './row-fields.js';
import type { HisRow } from './row-values.js';

export type BookStockSink = Pick<BookStockService, 'save' | 'today'>;

export interface StockSyncResult {
  asOf: string;
  /** Rows the stock query returned. */
  rows: number;
  saved: number;
  /** Rows of drugs the catalog does not know. */
  skipped: number;
}

export async function syncBookStock(
  db: Knex,
  config: HisDbConfig,
  deps: { bookStock: BookStockSink; catalog: { index(): Promise<CatalogIndex> } },
  actor: string,
  asOf: string = deps.bookStock.today()
): Promise<StockSyncResult> {
  const rows = await runQuery(db, config, 'stockQuery', { asOf });
  const index = await deps.catalog.index();
  const src: RowSource = { statement: 'stockQuery', subject: `账面库存（${asOf}）` };
  const drafts = rows.map((_, i) => stockDraft(src, rows, i, asOf, index));
  const result = await deps.bookStock.save(drafts, 'his-db', actor, { unknownDrugs: 'skip' });
  return { asOf, rows: rows.length, saved: result.saved, skipped: result.skipped };
}

function stockDraft(
  src: RowSource,
  rows: readonly HisRow[],
  i: number,
  asOf: string,
  index: CatalogIndex
): BookStockDraft {
  const hisDrugCode = requiredText(src, rows, i, 'his_drug_code');
  const quantity = numberIn(src, i, 'quantity', requiredText(src, rows, i, 'quantity'));
  const unitsText = optionalText(rows[i], 'units');
  const units = unitsText === null ? null : numberIn(src, i, 'units', unitsText);
  if (units !== null && !(Number.isSafeInteger(units) && units >= 0)) {
    throw valueInvalid(src, i, 'units', units, '不小于 0 的整数');
  }
  if (Number.isSafeInteger(quantity)) {
    return { hisDrugCode, asOf, quantity, units };
  }
  const perPack = index.drug(hisDrugCode)?.unitsPerPack;
  if (units === null && perPack !== undefined) {
    const whole = Math.trunc(quantity);
    return { hisDrugCode, asOf, quantity: whole, units: Math.round((quantity - whole) * perPack) };
  }
  throw valueInvalid(src, i, 'quantity', quantity, '整数盒（拆零部分请查询为 units 列）');
}

function numberIn(src: RowSource, i: number, column: 'quantity' | 'units', text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) {
    throw valueInvalid(src, i, column, text, '数字');
  }
  return n;
}
