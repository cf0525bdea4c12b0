/**
 * 0006-anomalies: what the anomaly rules (PRODUCT.md rule 8) query and what they keep. The rules of 0001-foundation
 * hold (forward only, every key named, identifiers ≤ 30 characters, indexed varchar columns ≤ 191 characters,
 * ISO-8601 timestamps in varchar(30)).
 *
 * - tg_sessions gets copies of the dispense fields the rules filter on: the patient's name, the agent's contact
 *   (normalised phone or name, see core/anomalies/contact-key.ts) and the largest line in boxes. Rows written before
 *   this migration keep NULL there (no agent was recorded then); sessions saved afterwards fill them.
 * - The ledger's events and the audit trail are read through the indexes 0005-reconciliation adds:
 *   tg_pack_events_at_idx (occurred_at, action, trace_code) for sales in a period, tg_pack_events_impl_idx (partial,
 *   PostgreSQL/SQLite) for implicit receipts, tg_audit_code_idx (code, at) for refused scans by code. None is added
 *   here, so receipt ingest maintains no further index for anomalies.
 * - tg_anomaly_runs: each run (daily or on demand); run_key is unique, so one daily run per hospital day even with
 *   several instances.
 * - tg_anomalies: findings, unique per (type, subject_key) so a re-run updates instead of adding.
 * - tg_dup_notices: the platform's duplicate-code notices (追溯码重复通知), unique per notice_key.
 */
import type { Knex } from 'knex';
import { storeDialectOf, type StoreDialect } from '../adapters/store/knex-config.js';
import { columnsFor, tableOptions } from './columns.js';

const TIMESTAMP = 30;
const TRACE_CODE = 100;
const HIS_DRUG_CODE = 64;
const ACTOR = 64;
/** tracegate's ids (IdSource): ≤ 24 characters. */
const ID = 24;
/** `tel:` + digits or `name:` + a name (core/anomalies/contact-key.ts). */
const CONTACT = 64;
/** A trace code, a drug code, a session id or a contact: ≤ 150, and indexable on MySQL (≤ 191). */
const SUBJECT = 150;
/** A notice field as the platform's list gives it (its fields are ≤ 50; names and regions longer). */
const NOTICE_FIELD = 200;

export function anomaliesSchema(schema: Knex.SchemaBuilder, dialect: StoreDialect): Knex.SchemaBuilder {
  const c = columnsFor(dialect);
  return schema
    .alterTable('tg_sessions', (t) => {
      c.text(t, 'patient_name', 100);
      c.text(t, 'contact', CONTACT);
      c.int(t, 'max_boxes');
      // The agent rule: one contact's dispenses in a period.
      t.index(['kind', 'contact', 'created_at'], 'tg_sessions_contact_idx');
    })
    .createTable('tg_anomaly_runs', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'id', ID).notNullable();
      c.ascii(t, 'run_key', 64).notNullable();
      c.ascii(t, 'trigger_kind', 10).notNullable();
      c.text(t, 'actor', ACTOR).notNullable();
      c.ascii(t, 'started_at', TIMESTAMP).notNullable();
      c.ascii(t, 'finished_at', TIMESTAMP);
      c.ascii(t, 'period_from', TIMESTAMP).notNullable();
      c.ascii(t, 'period_to', TIMESTAMP).notNullable();
      c.json(t, 'params');
      c.json(t, 'counts');
      c.ascii(t, 'state', 10).notNullable();
      c.longText(t, 'error');
      t.primary(['id'], 'tg_anomaly_runs_pk');
      // One daily run per hospital day across instances: the second insert of `daily:<date>` fails.
      t.unique(['run_key'], { indexName: 'tg_anomaly_runs_key_uq' });
      t.index(['started_at'], 'tg_anomaly_runs_start_idx');
    })
    .createTable('tg_anomalies', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'id', ID).notNullable();
      c.ascii(t, 'type', 30).notNullable();
      c.text(t, 'subject_key', SUBJECT).notNullable();
      c.ascii(t, 'risk', 10).notNullable();
      c.ascii(t, 'his_drug_code', HIS_DRUG_CODE);
      c.json(t, 'trace_codes').notNullable();
      c.json(t, 'evidence').notNullable();
      c.text(t, 'summary', 500).notNullable();
      c.ascii(t, 'occurred_at', TIMESTAMP).notNullable();
      c.ascii(t, 'first_seen_at', TIMESTAMP).notNullable();
      c.ascii(t, 'last_seen_at', TIMESTAMP).notNullable();
      c.ascii(t, 'run_id', ID).notNullable();
      c.ascii(t, 'status', 16).notNullable();
      c.text(t, 'note', 500);
      c.text(t, 'status_by', ACTOR);
      c.ascii(t, 'status_at', TIMESTAMP);
      t.primary(['id'], 'tg_anomalies_pk');
      // A re-run finds the same subject again and updates it.
      t.unique(['type', 'subject_key'], { indexName: 'tg_anomalies_subject_uq' });
      t.index(['occurred_at'], 'tg_anomalies_occurred_idx');
      t.index(['his_drug_code'], 'tg_anomalies_drug_idx');
    })
    .createTable('tg_dup_notices', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'id', ID).notNullable();
      // sha256 of the notice's key (core/anomalies/duplicate-notice.ts noticeKeyOf), hex.
      c.ascii(t, 'notice_key', 64).notNullable();
      c.ascii(t, 'kind', 16).notNullable();
      c.ascii(t, 'trace_code', TRACE_CODE).notNullable();
      for (const field of [
        'trac_sn',
        'fixmedins_code',
        'fixmedins_name',
        'medins_list_codg',
        'med_list_codg',
        'fixmedins_bchno',
        'sale_serial_no',
        'mdtrt_id',
        'mdtrt_setl_type',
        'bkkp_sn',
        'trdn_flag',
        'psn_no',
        'psn_name',
        'sale_time',
        'region',
      ]) {
        c.text(t, field, NOTICE_FIELD);
      }
      c.ascii(t, 'imported_at', TIMESTAMP).notNullable();
      c.text(t, 'imported_by', ACTOR).notNullable();
      c.text(t, 'source', NOTICE_FIELD).notNullable();
      c.json(t, 'extra');
      t.primary(['id'], 'tg_dup_notices_pk');
      t.unique(['notice_key'], { indexName: 'tg_dup_notices_key_uq' });
      t.index(['trace_code'], 'tg_dup_notices_code_idx');
      t.index(['imported_at'], 'tg_dup_notices_imp_idx');
    });
}

export async function up(db: Knex): Promise<void> {
  await anomaliesSchema(db.schema, storeDialectOf(db));
}
