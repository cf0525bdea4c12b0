/**
 * 0005-reconciliation: the HIS's book stock (账面库存) and the indexes that let a reconciliation (药帐核对) and the
 * daily trend report aggregate in the database over a ledger of 10 M codes. The rules of 0001-foundation hold
 * (forward only, every key named, identifiers ≤ 30 characters, indexed varchar columns ≤ 191 characters).
 *
 * - tg_book_stock: one row per HIS drug and date, in whole packs of the smallest coded level plus loose units (拆零).
 * - tg_pack_events (occurred_at, action, trace_code): what happened after a date (the packs whose state as of that
 *   day differs from now) and per-hour counts by action, both as range scans proportional to the activity in the
 *   range, never to the ledger's size.
 * - tg_pack_events implicit receipts (发药未入库): a partial index where the dialect has one (PostgreSQL, SQLite), so
 *   counting them reads only them; elsewhere it is a scan of receipt events.
 * - tg_audit (code, at) and (at): refused receipts and returns by code; refusals per hour.
 * - tg_business_rows (infno, created_at) and (delivered_at): the 3501 counts; uploads delivered per hour and rows
 *   delivered after a date.
 * - tg_business_rows.his_drug_code: the payload's fixmedins_hilist_id, written with each row (row-mappers.ts
 *   businessRowValues) and backfilled here for rows already stored, so uploads count per drug and state from the
 *   index (infno, his_drug_code, state) instead of reading every payload's JSON.
 */
import type { Knex } from 'knex';
import { storeDialectOf, type StoreDialect } from '../adapters/store/knex-config.js';
import { columnsFor, tableOptions } from './columns.js';

const HIS_DRUG_CODE = 64;
const TIMESTAMP = 30;
const ACTOR = 64;

/** The marker an implicit receipt's details carry (JSON.stringify writes no spaces); the queries repeat it verbatim. */
export const IMPLICIT_RECEIPT_LIKE = '%"implicit":true%';

/** A partial index where the dialect can filter with LIKE; none on MySQL, SQL Server (no LIKE in a filter), Oracle. */
export function implicitReceiptIndexSql(dialect: StoreDialect): string | null {
  switch (dialect) {
    case 'postgres':
    case 'sqlite':
      return (
        'create index "tg_pack_events_impl_idx" on "tg_pack_events" ("occurred_at", "trace_code") ' +
        `where "action" = 'receive' and "details" like '${IMPLICIT_RECEIPT_LIKE}'`
      );
    case 'mysql':
    case 'mssql':
    case 'oracle':
      return null;
  }
}

export function reconciliationSchema(schema: Knex.SchemaBuilder, dialect: StoreDialect): Knex.SchemaBuilder {
  const c = columnsFor(dialect);
  let chain = schema
    .createTable('tg_book_stock', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'his_drug_code', HIS_DRUG_CODE).notNullable();
      // yyyy-MM-dd, hospital-local: the day the HIS's figure is for.
      c.ascii(t, 'as_of', 10).notNullable();
      // Whole packs of the smallest coded level; an HIS book can be negative (sold before it was booked in).
      c.int(t, 'quantity').notNullable();
      // Loose units of opened packs (拆零), when the HIS books them apart.
      c.int(t, 'units');
      c.ascii(t, 'source', 10).notNullable();
      c.ascii(t, 'recorded_at', TIMESTAMP).notNullable();
      c.text(t, 'recorded_by', ACTOR).notNullable();
      // Drug first: "the latest figure on or before a date" for one drug is a range scan of the key.
      t.primary(['his_drug_code', 'as_of'], 'tg_book_stock_pk');
    })
    .alterTable('tg_pack_events', (t) => {
      t.index(['occurred_at', 'action', 'trace_code'], 'tg_pack_events_at_idx');
    })
    .alterTable('tg_audit', (t) => {
      t.index(['code', 'at'], 'tg_audit_code_idx');
      t.index(['at'], 'tg_audit_at_idx');
    })
    .alterTable('tg_business_rows', (t) => {
      c.ascii(t, 'his_drug_code', HIS_DRUG_CODE);
      t.index(['infno', 'created_at'], 'tg_business_rows_infno_idx');
      t.index(['delivered_at'], 'tg_business_rows_dlv_idx');
      // Uploads per drug and state now (an index-only scan where the dialect has them), one drug's a range of it.
      t.index(['infno', 'his_drug_code', 'state'], 'tg_business_rows_drug_idx');
    });
  const partial = implicitReceiptIndexSql(dialect);
  if (partial) {
    chain = chain.raw(partial);
  }
  return chain;
}

/**
 * The payload's fixmedins_hilist_id as text, spelled here (as reconciliation-sql.ts jsonField does today) so this
 * migration keeps doing what it did when it was written.
 */
function payloadDrugId(db: Knex, dialect: StoreDialect): Knex.Raw {
  switch (dialect) {
    case 'sqlite':
      return db.raw(`json_extract(??, '$.fixmedins_hilist_id')`, ['payload']);
    case 'postgres':
      return db.raw(`(??::json ->> 'fixmedins_hilist_id')`, ['payload']);
    case 'mysql':
      return db.raw(`json_unquote(json_extract(??, '$.fixmedins_hilist_id'))`, ['payload']);
    case 'mssql':
    case 'oracle':
      return db.raw(`json_value(??, '$.fixmedins_hilist_id')`, ['payload']);
  }
}

/**
 * Fills his_drug_code of the rows stored before this migration, as uploadDrugCode (adapters/store/upload-rules.ts)
 * does for new ones: fixmedins_hilist_id as text, NULL when absent, JSON null, empty or longer than the column.
 * One UPDATE reading each payload once (PostgreSQL ->>, SQLite json_extract, MySQL-family JSON_EXTRACT, SQL Server
 * 2016+ and Oracle 12.2+ JSON_VALUE); Oracle stores '' as NULL, so its empty ids need no test. It rewrites every row:
 * on PostgreSQL 3 million rows took 3 minutes (BENCHMARKS.md, issue 6), inside the migration's transaction.
 */
export function backfillUploadDrugSql(db: Knex, dialect: StoreDialect): Knex.Raw {
  const id = payloadDrugId(db, dialect);
  // Characters, not bytes (MySQL's length() counts bytes).
  const length = dialect === 'mssql' ? 'len' : dialect === 'mysql' ? 'char_length' : 'length';
  // MySQL's JSON_UNQUOTE turns a JSON null into the text 'null'.
  const notJsonNull = dialect === 'mysql' ? `json_type(json_extract(??, '$.fixmedins_hilist_id')) <> 'NULL' and ` : '';
  return db.raw(`update ?? set ?? = case when ${notJsonNull}${length}(?) between 1 and ${HIS_DRUG_CODE} then ? end`, [
    'tg_business_rows',
    'his_drug_code',
    ...(dialect === 'mysql' ? ['payload'] : []),
    id,
    id,
  ]);
}

export async function up(db: Knex): Promise<void> {
  const dialect = storeDialectOf(db);
  await reconciliationSchema(db.schema, dialect);
  await backfillUploadDrugSql(db, dialect);
}
