/** tg_book_stock: the HIS's book stock per drug and day, replaced by a later figure for the same day. */
import type { Knex } from 'knex';
import type { BookStock, BookStockSource } from '../../core/reports/reconciliation/book-stock.js';
import { batchLimits, chunks } from './batching.js';
import { bulkInsert } from './bulk-insert.js';
import type { StoreDialect } from './knex-config.js';
import type { Row } from './row-mappers.js';
import { BOOK_STOCK_COLUMNS, columnNames, TABLES } from './tables.js';

/**
 * Delete-then-insert per day in one transaction: the same on all five dialects (no MERGE/ON CONFLICT dialect zoo). A
 * concurrent save of the same key fails on the primary key instead of losing a figure.
 */
export async function saveBookStock(db: Knex, dialect: StoreDialect, rows: readonly BookStock[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const byDay = new Map<string, BookStock[]>();
  for (const r of rows) {
    byDay.set(r.asOf, [...(byDay.get(r.asOf) ?? []), r]);
  }
  await db.transaction(async (trx) => {
    for (const [asOf, dayRows] of byDay) {
      for (const codes of chunks(
        dayRows.map((r) => r.hisDrugCode),
        batchLimits[dialect].inList
      )) {
        await trx(TABLES.bookStock).where('as_of', asOf).whereIn('his_drug_code', codes).delete();
      }
    }
    await bulkInsert(trx, dialect, TABLES.bookStock, BOOK_STOCK_COLUMNS, rows.map(bookStockValues));
  });
}

export function bookStockValues(b: BookStock): unknown[] {
  return [b.hisDrugCode, b.asOf, b.quantity, b.units, b.source, b.recordedAt, b.recordedBy];
}

/** Each drug's latest figure dated on or before `asOfDate` (a range scan of the primary key per drug). */
export function latestBookStockQuery(db: Knex, asOfDate: string, hisDrugCode?: string): Knex.QueryBuilder {
  const latest = db(TABLES.bookStock)
    .select('his_drug_code')
    .max({ as_of: 'as_of' })
    .where('as_of', '<=', asOfDate)
    .groupBy('his_drug_code');
  if (hisDrugCode !== undefined) {
    latest.where('his_drug_code', hisDrugCode);
  }
  return db(`${TABLES.bookStock} as s`)
    .join(latest.as('m'), function () {
      this.on('m.his_drug_code', '=', 's.his_drug_code').andOn('m.as_of', '=', 's.as_of');
    })
    .select(columnNames(BOOK_STOCK_COLUMNS).map((c) => `s.${c}`))
    .orderBy('s.his_drug_code');
}

export async function latestBookStock(db: Knex, asOfDate: string, hisDrugCode?: string): Promise<BookStock[]> {
  const rows: Row[] = await latestBookStockQuery(db, asOfDate, hisDrugCode);
  return rows.map(rowToBookStock);
}

export function rowToBookStock(r: Row): BookStock {
  return {
    hisDrugCode: String(r.his_drug_code),
    asOf: String(r.as_of),
    quantity: Number(r.quantity),
    units: r.units === null || r.units === undefined ? null : Number(r.units),
    source: String(r.source) as BookStockSource,
    recordedAt: String(r.recorded_at),
    recordedBy: String(r.recorded_by),
  };
}
