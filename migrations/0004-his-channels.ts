/**
 * 0004-his-channels: what the HIS channels (HL7 v2, FHIR, HIS database events) receive, and where each polling
 * channel stopped reading. The rules of 0001-foundation hold (forward only, every key named, identifiers ≤ 30
 * characters, indexed varchar columns ≤ 191 characters, ISO-8601 timestamps in varchar(30)).
 *
 * - tg_inbound_msgs: every received message, stored before it is decided: its raw bytes as received (never
 *   decoded, so a wrong charset can be fixed and the message re-driven), the decision, and the answer the sender
 *   got (an HL7 ACK, a FHIR OperationOutcome), replayed for a repeated key. (channel, source_key) is unique.
 * - tg_channel_marks: a polling channel's watermark (the last event it read), one row per channel.
 */
import type { Knex } from 'knex';
import { storeDialectOf, type StoreDialect } from '../adapters/store/knex-config.js';
import { columnsFor, tableOptions } from './columns.js';

const TIMESTAMP = 30;
/** tracegate's ids are ≤ 24 characters (IdSource). */
const INBOUND_ID = 24;
const SESSION_ID = 64;
/** The configured channel's name. */
const CHANNEL = 40;
/**
 * The sender's key (MSH-10, FHIR id and version, HIS event id, `redrive:<ms>:<id>`): 191 is the most an indexed
 * utf8mb4 column may hold on MySQL's old row formats (767 bytes).
 */
const SOURCE_KEY = 191;
/** Prescription, visit or sale numbers, as tg_sessions stores them (0002's HIS_NUMBER). */
const HIS_NUMBER = 64;
const MARK = 200;

export function hisChannelsSchema(schema: Knex.SchemaBuilder, dialect: StoreDialect): Knex.SchemaBuilder {
  const c = columnsFor(dialect);
  return schema
    .createTable('tg_inbound_msgs', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'id', INBOUND_ID).notNullable();
      c.ascii(t, 'channel', CHANNEL).notNullable();
      c.ascii(t, 'source_key', SOURCE_KEY).notNullable();
      // dispense / return, once the message could be read.
      c.ascii(t, 'kind', 16);
      c.ascii(t, 'received_at', TIMESTAMP).notNullable();
      // Nullable because Oracle may store empty bytes as NULL (read back as no bytes).
      c.bytes(t, 'raw');
      c.ascii(t, 'state', 16).notNullable();
      c.ascii(t, 'code', 64);
      // A refusal can list every line it refused (as tg_audit.reason): no useful bound.
      c.longText(t, 'message');
      c.ascii(t, 'session_id', SESSION_ID);
      c.longText(t, 'reply');
      c.ascii(t, 'original_id', INBOUND_ID);
      c.ascii(t, 'reference', HIS_NUMBER);
      c.ascii(t, 'updated_at', TIMESTAMP).notNullable();
      t.primary(['id'], 'tg_inbound_msgs_pk');
      // The idempotency key: a second insert of the same sender's key fails, and the stored message answers.
      t.unique(['channel', 'source_key'], { indexName: 'tg_inbound_msgs_key_uq' });
      // Recovery (state received, oldest first) and the operator's lists by state or channel and time.
      t.index(['state', 'received_at'], 'tg_inbound_msgs_state_idx');
      t.index(['channel', 'received_at'], 'tg_inbound_msgs_chan_idx');
      t.index(['reference'], 'tg_inbound_msgs_ref_idx');
      // The re-drives of a message.
      t.index(['original_id'], 'tg_inbound_msgs_orig_idx');
    })
    .createTable('tg_channel_marks', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'channel', CHANNEL).notNullable();
      // Nullable because Oracle stores '' as NULL (a row with a NULL mark reads back as '').
      c.text(t, 'mark', MARK);
      c.ascii(t, 'updated_at', TIMESTAMP).notNullable();
      t.primary(['channel'], 'tg_channel_marks_pk');
    });
}

/** The reverse of hisChannelsSchema: both tables dropped. */
export function dropHisChannelsSchema(schema: Knex.SchemaBuilder): Knex.SchemaBuilder {
  return schema.dropTableIfExists('tg_channel_marks').dropTableIfExists('tg_inbound_msgs');
}

export async function up(db: Knex): Promise<void> {
  await hisChannelsSchema(db.schema, storeDialectOf(db));
}

/**
 * Drops both tables and every message in them. Not what migrations/index.ts registers (the list is forward-only,
 * and a rollback would destroy the stored messages and their answers); kept for a development reset.
 */
export async function down(db: Knex): Promise<void> {
  await dropHisChannelsSchema(db.schema);
}
