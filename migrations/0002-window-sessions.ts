/**
 * 0002-window-sessions: pharmacy-window sessions (receipt, dispense, return), the business rows a completed
 * session hands to the insurance relay (3503/3505/3506), and the audit trail of refusals, overrides and
 * withdrawals. The rules of 0001-foundation hold (forward only, every key named, identifiers ≤ 30
 * characters, ISO-8601 timestamps in varchar(30)).
 *
 * A session is stored whole as a JSON document (`doc`); the columns beside it are copies of the fields the
 * store filters on, written from the document on every save. `version` guards every write.
 */
import type { Knex } from 'knex';
import { storeDialectOf, type StoreDialect } from '../adapters/store/knex-config.js';
import { columnsFor, oracleSerialSql, tableOptions } from './columns.js';

const SESSION_ID = 64;
const TRACE_CODE = 100;
const TIMESTAMP = 30;
const ACTOR = 64;
/** Prescription and visit numbers as the HIS sends them. */
const HIS_NUMBER = 64;
/** fixmedins_bchno is ≤ 30 characters at the insurance interface; the column leaves room for other relays. */
const BUSINESS_KEY = 64;

export function windowSessionsSchema(schema: Knex.SchemaBuilder, dialect: StoreDialect): Knex.SchemaBuilder {
  const c = columnsFor(dialect);
  let chain = schema
    .createTable('tg_sessions', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'id', SESSION_ID).notNullable();
      c.ascii(t, 'kind', 20).notNullable();
      c.ascii(t, 'state', 20).notNullable();
      c.ascii(t, 'prescription_no', HIS_NUMBER);
      c.ascii(t, 'visit_no', HIS_NUMBER);
      c.text(t, 'location', 100);
      c.ascii(t, 'created_at', TIMESTAMP).notNullable();
      c.text(t, 'created_by', ACTOR).notNullable();
      c.ascii(t, 'completed_at', TIMESTAMP);
      c.int(t, 'version').notNullable();
      c.json(t, 'doc').notNullable();
      t.primary(['id'], 'tg_sessions_pk');
      // A return finds its original sale by prescription or visit; the window lists open sessions by age.
      t.index(['kind', 'prescription_no'], 'tg_sessions_rx_idx');
      t.index(['kind', 'visit_no'], 'tg_sessions_visit_idx');
      t.index(['kind', 'state', 'created_at'], 'tg_sessions_state_idx');
    })
    .createTable('tg_business_rows', (t) => {
      tableOptions(t, dialect);
      // The relay will add its own columns (attempts, response, sent_at…) in a later migration.
      c.serial(t, 'id');
      c.ascii(t, 'infno', 10).notNullable();
      c.ascii(t, 'business_key', BUSINESS_KEY).notNullable();
      c.ascii(t, 'session_id', SESSION_ID).notNullable();
      c.json(t, 'payload').notNullable();
      c.ascii(t, 'created_at', TIMESTAMP).notNullable();
      c.ascii(t, 'state', 20).notNullable().defaultTo('pending', { constraintName: 'tg_business_rows_state_df' });
      t.primary(['id'], 'tg_business_rows_pk');
      // Each business line is uploaded once: the database refuses a second row with the same fixmedins_bchno.
      t.unique(['business_key'], { indexName: 'tg_business_rows_key_uq' });
      t.index(['session_id'], 'tg_business_rows_session_idx');
    })
    .createTable('tg_audit', (t) => {
      tableOptions(t, dialect);
      c.serial(t, 'id');
      c.ascii(t, 'at', TIMESTAMP).notNullable();
      c.text(t, 'actor', ACTOR).notNullable();
      c.text(t, 'role', 32);
      c.ascii(t, 'action', 30).notNullable();
      c.ascii(t, 'session_id', SESSION_ID);
      // A raw scan can be a long QR payload; a reason can list every missing line. Nullable because Oracle
      // stores '' as NULL.
      c.longText(t, 'raw');
      c.ascii(t, 'trace_code', TRACE_CODE);
      c.ascii(t, 'code', 64);
      c.longText(t, 'reason');
      t.primary(['id'], 'tg_audit_pk');
      t.index(['session_id'], 'tg_audit_session_idx');
      t.index(['trace_code'], 'tg_audit_trace_idx');
    });
  if (dialect === 'oracle') {
    for (const sql of [...oracleSerialSql('tg_business_rows', 'id'), ...oracleSerialSql('tg_audit', 'id')]) {
      chain = chain.raw(sql);
    }
  }
  return chain;
}

export async function up(db: Knex): Promise<void> {
  await windowSessionsSchema(db.schema, storeDialectOf(db));
}
