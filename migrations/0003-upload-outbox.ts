/**
 * 0003-upload-outbox: the insurance upload outbox and the insurance proxy's records. The rules of
 * 0001-foundation hold (forward only, every key named, identifiers ≤ 30 characters, ISO-8601 timestamps in
 * varchar(30)).
 *
 * - tg_business_rows becomes the outbox: delivery state, attempts, the sender's lease and what the platform
 *   answered are added beside each row (an existing row is a pending window upload).
 * - tg_upload_keys: each upload's order keys (pack codes, `bchno:` keys), in the order given (`key_no`);
 *   uploads sharing a key are sent in id order.
 * - tg_upload_attempts: every request made for an upload, written before it is sent.
 * - tg_proxy_requests: every 35xx request the proxy checked, by the HIS's msgid (a repeat gets the stored answer).
 * - tg_pack_holds: packs of a proxied request whose platform call is in flight.
 *
 * Rows written before this migration get their order keys here (see `backfillUploadKeys`).
 */
import type { Knex } from 'knex';
import { storeDialectOf, type StoreDialect } from '../adapters/store/knex-config.js';
import { columnsFor, oracleSerialSql, tableOptions } from './columns.js';

const TIMESTAMP = 30;
const TRACE_CODE = 100;
const SESSION_ID = 64;
const INSTANCE_ID = 64;
/** `code:` + a 100-character trace code, or `bchno:` + a business key. */
const ORDER_KEY = 120;
/** tracegate's own msgid is 30 characters (§1.2); a HIS's may be longer. */
const MSGID = 30;
const HIS_MSGID = 64;
/** inf_refmsgid is 30 characters at the platform; room for provinces that differ. */
const REFMSGID = 40;

export function uploadOutboxSchema(schema: Knex.SchemaBuilder, dialect: StoreDialect): Knex.SchemaBuilder {
  const c = columnsFor(dialect);
  let chain = schema
    .alterTable('tg_packs', (t) => {
      // 生产日期: every 35xx row of the pack needs it (manu_date); nullable for packs received before.
      c.ascii(t, 'manu_date', 10);
    })
    .alterTable('tg_business_rows', (t) => {
      c.ascii(t, 'source', 16).notNullable().defaultTo('window', { constraintName: 'tg_business_rows_source_df' });
      c.int(t, 'attempts').notNullable().defaultTo(0, { constraintName: 'tg_business_rows_attempts_df' });
      c.ascii(t, 'next_attempt_at', TIMESTAMP);
      c.ascii(t, 'error_class', 16);
      c.longText(t, 'last_error');
      c.ascii(t, 'last_msgid', MSGID);
      c.ascii(t, 'inf_refmsgid', REFMSGID);
      // Nullable: rows of 0002 have none (read as created_at).
      c.ascii(t, 'updated_at', TIMESTAMP);
      c.ascii(t, 'delivered_at', TIMESTAMP);
      c.bigint(t, 'original_id');
      c.ascii(t, 'lease_owner', INSTANCE_ID);
      c.ascii(t, 'lease_until', TIMESTAMP);
      // The sender's question: which rows are due (state, next attempt)?
      t.index(['state', 'next_attempt_at'], 'tg_business_rows_due_idx');
    })
    .createTable('tg_upload_keys', (t) => {
      tableOptions(t, dialect);
      c.bigint(t, 'row_id').notNullable();
      c.ascii(t, 'order_key', ORDER_KEY).notNullable();
      // Position in Upload.orderKeys, so the list reads back as written.
      c.int(t, 'key_no').notNullable();
      // Key first: "the oldest unsettled upload sharing this key" is a range scan of the primary key.
      t.primary(['order_key', 'row_id'], 'tg_upload_keys_pk');
      t.index(['row_id'], 'tg_upload_keys_row_idx');
    })
    .createTable('tg_upload_attempts', (t) => {
      tableOptions(t, dialect);
      c.serial(t, 'id');
      c.bigint(t, 'row_id').notNullable();
      c.int(t, 'attempt').notNullable();
      c.ascii(t, 'infno', 10).notNullable();
      c.ascii(t, 'msgid', MSGID).notNullable();
      c.ascii(t, 'started_at', TIMESTAMP).notNullable();
      c.ascii(t, 'finished_at', TIMESTAMP);
      c.ascii(t, 'outcome', 20);
      c.int(t, 'http_status');
      c.int(t, 'infcode');
      c.longText(t, 'message');
      c.longText(t, 'request');
      c.longText(t, 'response');
      t.primary(['id'], 'tg_upload_attempts_pk');
      // Also serves "the attempts of one upload" (row_id leads), so row_id needs no index of its own.
      t.unique(['row_id', 'attempt'], { indexName: 'tg_upload_attempts_uq' });
    })
    .createTable('tg_proxy_requests', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'msgid', HIS_MSGID).notNullable();
      c.ascii(t, 'infno', 10).notNullable();
      c.ascii(t, 'received_at', TIMESTAMP).notNullable();
      c.ascii(t, 'source_ip', 64).notNullable();
      c.ascii(t, 'session_id', SESSION_ID);
      c.ascii(t, 'mode', 16).notNullable();
      c.ascii(t, 'state', 16).notNullable();
      // The HIS's body as received; nullable because Oracle stores '' as NULL.
      c.longText(t, 'request');
      c.longText(t, 'response');
      c.json(t, 'business_keys').notNullable();
      c.ascii(t, 'updated_at', TIMESTAMP).notNullable();
      // The msgid is the idempotency key: a second insert of the same msgid fails.
      t.primary(['msgid'], 'tg_proxy_requests_pk');
      t.index(['state', 'received_at'], 'tg_proxy_requests_state_idx');
    })
    .createTable('tg_pack_holds', (t) => {
      tableOptions(t, dialect);
      // One holder per pack, enforced by the key: two requests cannot both hold a pack.
      c.ascii(t, 'trace_code', TRACE_CODE).notNullable();
      c.ascii(t, 'holder', HIS_MSGID).notNullable();
      c.ascii(t, 'held_at', TIMESTAMP).notNullable();
      c.ascii(t, 'expires_at', TIMESTAMP).notNullable();
      t.primary(['trace_code'], 'tg_pack_holds_pk');
      t.index(['holder'], 'tg_pack_holds_holder_idx');
    });
  if (dialect === 'oracle') {
    for (const sql of oracleSerialSql('tg_upload_attempts', 'id')) {
      chain = chain.raw(sql);
    }
  }
  return chain;
}

/**
 * Order keys of a 0002 row, computed here rather than by the core's `orderKeysOf` so this migration keeps
 * doing what it did when it was written: the row's pack codes, its own fixmedins_bchno and the sale a
 * return names.
 */
export function legacyOrderKeys(payloadText: unknown): string[] {
  let payload: unknown;
  try {
    payload = typeof payloadText === 'string' ? JSON.parse(payloadText) : null;
  } catch {
    return [];
  }
  if (typeof payload !== 'object' || payload === null) {
    return [];
  }
  const row = payload as Record<string, unknown>;
  const keys = new Set<string>();
  for (const item of Array.isArray(row.drugtracinfo) ? row.drugtracinfo : []) {
    const code = (item as Record<string, unknown> | null)?.drug_trac_codg;
    if (typeof code === 'string' && code !== '') {
      keys.add(`code:${code}`);
    }
  }
  for (const field of ['fixmedins_bchno', 'medins_prod_sel_no']) {
    const value = row[field];
    if (typeof value === 'string' && value !== '') {
      keys.add(`bchno:${value}`);
    }
  }
  return [...keys].filter((k) => k.length <= ORDER_KEY);
}

const BACKFILL_PAGE = 500;
/** 3 columns per row: within SQL Server's 2,100 parameters. */
const BACKFILL_INSERT = 200;

/** Order keys for the business rows written before this migration, page by page in id order. */
export async function backfillUploadKeys(db: Knex): Promise<void> {
  let afterId = 0;
  for (;;) {
    const rows: Array<{ id: unknown; payload: unknown }> = await db('tg_business_rows')
      .select('id', 'payload')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(BACKFILL_PAGE);
    const keys = rows.flatMap((r) =>
      legacyOrderKeys(r.payload).map((orderKey, i) => ({ row_id: Number(r.id), order_key: orderKey, key_no: i }))
    );
    for (let i = 0; i < keys.length; i += BACKFILL_INSERT) {
      await db('tg_upload_keys').insert(keys.slice(i, i + BACKFILL_INSERT));
    }
    if (rows.length < BACKFILL_PAGE) {
      return;
    }
    afterId = Number(rows[rows.length - 1]!.id);
  }
}

export async function up(db: Knex): Promise<void> {
  await uploadOutboxSchema(db.schema, storeDialectOf(db));
  await backfillUploadKeys(db);
}
