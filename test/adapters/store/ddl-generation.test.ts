/**
 * The migration DDL and the hot-path SQL compiled offline for all five dialects (knex without a connection),
 * so SQL Server and Oracle are checked on every run even where no such server exists.
 */
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { batchLimits } from '../../../adapters/store/batching.js';
import { bulkInsertStatements } from '../../../adapters/store/bulk-insert.js';
import { knexClientOf, StoreDialects, type StoreDialect } from '../../../adapters/store/knex-config.js';
import { insertInboundQuery, listInboundQuery } from '../../../adapters/store/knex-inbound.js';
import { guardedPackUpdate } from '../../../adapters/store/knex-ledger.js';
import { guardedSessionUpdate } from '../../../adapters/store/knex-sessions.js';
import {
  blockedCandidates,
  dueCandidates,
  guardedClaim,
  guardedUploadUpdate,
} from '../../../adapters/store/knex-upload-claims.js';
import { uploadPatch } from '../../../adapters/store/upload-rules.js';
import {
  attemptValues,
  auditValues,
  businessRowValues,
  eventValues,
  holdValues,
  packValues,
  proxyRequestValues,
  sessionValues,
} from '../../../adapters/store/row-mappers.js';
import {
  AUDIT_COLUMNS,
  BUSINESS_ROW_COLUMNS,
  EVENT_COLUMNS,
  PACK_COLUMNS,
  PACK_HOLD_COLUMNS,
  PROXY_REQUEST_COLUMNS,
  SESSION_COLUMNS,
  TABLES,
  UPLOAD_ATTEMPT_COLUMNS,
  UPLOAD_KEY_COLUMNS,
} from '../../../adapters/store/tables.js';
import { foundationSchema } from '../../../migrations/0001-foundation.js';
import { windowSessionsSchema } from '../../../migrations/0002-window-sessions.js';
import { uploadOutboxSchema } from '../../../migrations/0003-upload-outbox.js';
import { dropHisChannelsSchema, hisChannelsSchema } from '../../../migrations/0004-his-channels.js';
import { implicitReceiptIndexSql, reconciliationSchema } from '../../../migrations/0005-reconciliation.js';
import { anomaliesSchema } from '../../../migrations/0006-anomalies.js';
import { ANOMALY_TABLES } from '../../../adapters/store/anomaly-tables.js';
import { MIGRATION_TABLE, migrations } from '../../../migrations/index.js';
import {
  T0,
  T1,
  auditEntry,
  businessRow,
  dispenseSession,
  move,
  proxyRequest,
  receive,
  traceCode,
  uploadAttempt,
} from '../../contract/store-fixtures.js';
import { inboundMessage } from '../../support/inbound-message.js';

const ORACLE_MAX_IDENTIFIER = 30;

/** The constraint and index names the migrations must create, no more and no fewer. */
const expectedNames = [
  'tg_drugs_pk',
  'tg_drug_prefixes_pk',
  'tg_drug_prefixes_drug_idx',
  'tg_drug_prefixes_drug_fk',
  'tg_drug_gtins_pk',
  'tg_drug_gtins_drug_idx',
  'tg_drug_gtins_drug_fk',
  'tg_drug_versions_pk',
  'tg_drug_versions_drug_fk',
  'tg_relations_pk',
  'tg_relations_parent_idx',
  'tg_packs_pk',
  'tg_packs_drug_state_idx',
  'tg_pack_events_pk',
  // 0002-window-sessions
  'tg_sessions_pk',
  'tg_sessions_rx_idx',
  'tg_sessions_visit_idx',
  'tg_sessions_state_idx',
  'tg_business_rows_pk',
  'tg_business_rows_key_uq',
  'tg_business_rows_session_idx',
  'tg_audit_pk',
  'tg_audit_session_idx',
  'tg_audit_trace_idx',
  // 0003-upload-outbox
  'tg_business_rows_due_idx',
  'tg_upload_keys_pk',
  'tg_upload_keys_row_idx',
  'tg_upload_attempts_pk',
  'tg_upload_attempts_uq',
  'tg_proxy_requests_pk',
  'tg_proxy_requests_state_idx',
  'tg_pack_holds_pk',
  'tg_pack_holds_holder_idx',
  // 0004-his-channels
  'tg_inbound_msgs_pk',
  'tg_inbound_msgs_key_uq',
  'tg_inbound_msgs_state_idx',
  'tg_inbound_msgs_chan_idx',
  'tg_inbound_msgs_ref_idx',
  'tg_inbound_msgs_orig_idx',
  'tg_channel_marks_pk',
  // 0005-reconciliation
  'tg_book_stock_pk',
  'tg_pack_events_at_idx',
  'tg_audit_code_idx',
  'tg_audit_at_idx',
  'tg_business_rows_infno_idx',
  'tg_business_rows_dlv_idx',
  'tg_business_rows_drug_idx',
  // 0006-anomalies
  'tg_sessions_contact_idx',
  'tg_anomaly_runs_pk',
  'tg_anomaly_runs_key_uq',
  'tg_anomaly_runs_start_idx',
  'tg_anomalies_pk',
  'tg_anomalies_subject_uq',
  'tg_anomalies_occurred_idx',
  'tg_anomalies_drug_idx',
  'tg_dup_notices_pk',
  'tg_dup_notices_key_uq',
  'tg_dup_notices_code_idx',
  'tg_dup_notices_imp_idx',
];

/** Defaults SQL Server keeps as named constraints (the other dialects have no such object). */
const mssqlDefaults = ['tg_business_rows_state_df', 'tg_business_rows_source_df', 'tg_business_rows_attempts_df'];

/** SQL Server also names the default constraints of tg_business_rows. */
function expectedNamesFor(dialect: StoreDialect): string[] {
  return [
    ...expectedNames,
    ...(dialect === 'mssql' ? mssqlDefaults : []),
    ...(implicitReceiptIndexSql(dialect) ? ['tg_pack_events_impl_idx'] : []),
  ].sort();
}

/** Bind parameters per statement each server accepts. */
const maxBindings: Record<StoreDialect, number> = {
  sqlite: 32_766,
  postgres: 65_535,
  mysql: 65_535,
  mssql: 2_100,
  oracle: 65_535,
};

/**
 * How each dialect spells the key column, the human-text column, the JSON column, a numbered key and bytes (a
 * multi-MB HIS message: knex's binary() would be a 64 KB BLOB on MySQL).
 */
const expectedTypes: Record<
  StoreDialect,
  { traceCode: string; name: string; details: string; serial: string; bytes: string }
> = {
  sqlite: {
    traceCode: 'varchar(100) not null',
    name: 'varchar(200) not null',
    details: 'text',
    serial: 'integer not null',
    bytes: 'blob',
  },
  postgres: {
    traceCode: 'varchar(100) not null',
    name: 'varchar(200) not null',
    details: 'text',
    serial: 'bigserial not null',
    bytes: 'bytea',
  },
  mysql: {
    traceCode: 'varchar(100) not null',
    name: 'varchar(200) not null',
    details: 'mediumtext',
    serial: 'bigint unsigned auto_increment not null',
    bytes: 'longblob',
  },
  mssql: {
    traceCode: 'nvarchar(100) collate Latin1_General_100_BIN2 not null',
    name: 'nvarchar(200) not null',
    details: 'nvarchar(max)',
    serial: 'bigint identity(1,1) not null',
    bytes: 'varbinary(max)',
  },
  oracle: {
    traceCode: 'varchar2(100 char) not null',
    name: 'varchar2(200 char) not null',
    details: 'clob',
    serial: 'number(19) not null',
    bytes: 'blob',
  },
};

const Q = '[`"\\[]'; // opening quote of an identifier in any dialect
const E = '[`"\\]]'; // closing quote

function offlineKnex(dialect: StoreDialect): Knex {
  return knexFactory({ client: knexClientOf[dialect], useNullAsDefault: true });
}

/** Every migration in order, as one chain. */
function compileDdl(dialect: StoreDialect): string[] {
  const schema = offlineKnex(dialect).schema;
  return anomaliesSchema(
    reconciliationSchema(
      hisChannelsSchema(
        uploadOutboxSchema(windowSessionsSchema(foundationSchema(schema, dialect), dialect), dialect),
        dialect
      ),
      dialect
    ),
    dialect
  )
    .toSQL()
    .map((s) => s.sql);
}

function identifiers(sql: string): string[] {
  return [...sql.matchAll(/`([^`]+)`|"([^"]+)"|\[([^\]]+)\]/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** The column definition text after `name` in the CREATE TABLE of `table`. */
function columnDefinition(ddl: string[], table: string, column: string): string {
  const create = ddl.find((s) => new RegExp(`^create table ${Q}${table}${E}`, 'i').test(s));
  expect(create, `create table ${table}`).to.be.a('string');
  // Commas inside parentheses (identity(1,1)) belong to the definition.
  const m = new RegExp(`${Q}${column}${E} ((?:[^,(]|\\([^)]*\\))+?)(?=, |\\)$)`).exec(create!);
  expect(m, `${table}.${column}`).to.not.equal(null);
  return m![1]!;
}

/** Column name → declared character length (0 for numbers), per table. */
function columnLengths(ddl: string[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const s of ddl) {
    // Columns added later (0003 adds to tg_business_rows) count as the table's too.
    const table = new RegExp(`^(?:create|alter) table ${Q}(\\w+)${E}`, 'i').exec(s)?.[1];
    if (!table) {
      continue;
    }
    const columns = out.get(table) ?? new Map<string, number>();
    for (const m of s.matchAll(new RegExp(`${Q}(\\w+)${E} (\\w+)(?:\\((\\d+)(?: char)?\\))?`, 'g'))) {
      columns.set(m[1]!, m[3] ? Number(m[3]) : 0);
    }
    out.set(table, columns);
  }
  return out;
}

/** Every key (primary key or index) as its table and columns. */
function keys(ddl: string[]): { table: string; columns: string[] }[] {
  const out: { table: string; columns: string[] }[] = [];
  const cols = (list: string) => identifiers(list);
  for (const s of ddl) {
    const table =
      new RegExp(`^(?:create table|alter table) ${Q}(\\w+)${E}`, 'i').exec(s)?.[1] ??
      new RegExp(`^create (?:unique )?index ${Q}\\w+${E} on ${Q}(\\w+)${E}`, 'i').exec(s)?.[1];
    if (!table) {
      continue;
    }
    for (const m of s.matchAll(/primary key \(([^)]*)\)/gi)) {
      out.push({ table, columns: cols(m[1]!) });
    }
    // Unique constraints: `add constraint x unique (…)` (PostgreSQL, Oracle), `add unique x(…)` (MySQL).
    for (const m of s.matchAll(
      new RegExp(`add (?:constraint ${Q}\\w+${E} unique ?|unique ${Q}\\w+${E})\\(([^)]*)\\)`, 'gi')
    )) {
      out.push({ table, columns: cols(m[1]!) });
    }
    for (const m of s.matchAll(
      new RegExp(
        `(?:create (?:unique )?index ${Q}\\w+${E} on ${Q}\\w+${E} ?|add (?:unique )?index ${Q}\\w+${E})\\(([^)]*)\\)`,
        'gi'
      )
    )) {
      out.push({ table, columns: cols(m[1]!) });
    }
  }
  return out;
}

describe('DDL generation (offline, all dialects)', () => {
  it('keeps migration bookkeeping names within Oracle’s 30 characters', () => {
    expect(migrations.map((m) => m.name)).to.deep.equal([
      '0001-foundation',
      '0002-window-sessions',
      '0003-upload-outbox',
      '0004-his-channels',
      '0005-reconciliation',
      '0006-anomalies',
    ]);
    // knex creates these two tables itself (as in knex/lib/migrations/migrate/table-creator.js); on Oracle
    // their auto-increment columns add a sequence and a trigger named after the table.
    // Offline, knex cannot ask the server for its version; 11.2 is the oldest we promise to support.
    const db = knexFactory({ client: 'oracledb', version: '11.2' });
    const sql = db.schema
      .createTable(MIGRATION_TABLE, (t) => {
        t.increments();
        t.string('name');
        t.integer('batch');
        t.timestamp('migration_time');
      })
      .createTable(`${MIGRATION_TABLE}_lock`, (t) => {
        t.increments('index').primary();
        t.integer('is_locked');
      })
      .toSQL()
      .map((s) => s.sql)
      .join('\n');
    expect(sql).to.contain(`${MIGRATION_TABLE}_lock_autoinc_trg`);
    for (const id of identifiers(sql)) {
      expect(id.length, id).to.be.at.most(ORACLE_MAX_IDENTIFIER);
    }
  });

  for (const dialect of StoreDialects) {
    describe(dialect, () => {
      const ddl = compileDdl(dialect);
      const all = ddl.join(';\n');

      it('compiles every migration without a connection', () => {
        expect(ddl.length).to.be.greaterThan(9);
        for (const table of [...Object.values(TABLES), ...Object.values(ANOMALY_TABLES)]) {
          expect(all).to.match(new RegExp(`create table ${Q}${table}${E}`, 'i'));
        }
      });

      it('keeps every identifier within 30 characters', () => {
        for (const id of identifiers(all)) {
          expect(id.length, id).to.be.at.most(ORACLE_MAX_IDENTIFIER);
        }
      });

      it('names every primary key, foreign key and index', () => {
        const count = (re: RegExp) => (all.match(re) ?? []).length;
        expect(count(/primary key/gi)).to.equal(20);
        expect(count(new RegExp(`constraint ${Q}\\w+${E} primary key`, 'gi'))).to.equal(20);
        expect(count(/foreign key/gi)).to.equal(3);
        expect(count(new RegExp(`constraint ${Q}\\w+${E} foreign key`, 'gi'))).to.equal(3);
        // 0005 adds six indexes, and a partial one where the dialect has them.
        // 0006 adds six.
        const indexes = 30 + (implicitReceiptIndexSql(dialect) ? 1 : 0);
        expect(count(/(create|add) index/gi)).to.equal(indexes);
        expect(count(new RegExp(`(create index|add index) ${Q}\\w+${E}`, 'gi'))).to.equal(indexes);
        // Six unique constraints (tg_business_rows.business_key, tg_upload_attempts (row_id, attempt),
        // tg_inbound_msgs (channel, source_key); 0006: tg_anomaly_runs.run_key, tg_anomalies (type, subject_key),
        // tg_dup_notices.notice_key), spelled four ways.
        expect(count(/create unique index|add unique|add constraint \S+ unique/gi)).to.equal(6);
        expect(
          count(new RegExp(`(create unique index|add unique|add constraint) ${Q}\\w+${E}( unique)?`, 'gi'))
        ).to.be.at.least(1);
        // knex turns an options object it does not understand into an alias ("as `constraintName`").
        expect(all).to.not.match(/ as /i);
        const named = [...all.matchAll(new RegExp(`(?:constraint|index|add unique) ${Q}(\\w+)${E}`, 'gi'))].map(
          (m) => m[1]!
        );
        expect([...new Set(named)].sort()).to.deep.equal(expectedNamesFor(dialect));
      });

      it('gives key, text and JSON columns the expected types', () => {
        const types = expectedTypes[dialect];
        expect(columnDefinition(ddl, 'tg_packs', 'trace_code')).to.equal(types.traceCode);
        expect(columnDefinition(ddl, 'tg_pack_events', 'trace_code')).to.equal(types.traceCode);
        expect(columnDefinition(ddl, 'tg_relations', 'child_code')).to.equal(types.traceCode);
        expect(columnDefinition(ddl, 'tg_drugs', 'name')).to.equal(types.name);
        expect(columnDefinition(ddl, 'tg_pack_events', 'details')).to.equal(types.details);
        expect(columnDefinition(ddl, 'tg_pack_events', 'occurred_at')).to.match(/^n?varchar2?\(30( char)?\)/);
        expect(columnDefinition(ddl, 'tg_sessions', 'doc')).to.equal(`${types.details} not null`);
        expect(columnDefinition(ddl, 'tg_business_rows', 'payload')).to.equal(`${types.details} not null`);
        expect(columnDefinition(ddl, 'tg_audit', 'raw')).to.equal(types.details);
        expect(columnDefinition(ddl, 'tg_audit', 'reason')).to.equal(types.details);
        expect(columnDefinition(ddl, 'tg_audit', 'trace_code')).to.equal(types.traceCode.replace(/ not null$/, ''));
        expect(columnDefinition(ddl, 'tg_sessions', 'version')).to.match(/^int(eger)? not null$/);
        expect(columnDefinition(ddl, 'tg_business_rows', 'id')).to.equal(types.serial);
        expect(columnDefinition(ddl, 'tg_audit', 'id')).to.equal(types.serial);
        expect(columnDefinition(ddl, 'tg_business_rows', 'state')).to.match(/default 'pending'/i);
        // 0003-upload-outbox
        expect(columnDefinition(ddl, 'tg_upload_keys', 'order_key')).to.equal(types.traceCode.replace('100', '120'));
        expect(columnDefinition(ddl, 'tg_upload_keys', 'row_id')).to.match(/^(bigint|number\(20, 0\)) not null$/);
        expect(columnDefinition(ddl, 'tg_upload_attempts', 'id')).to.equal(types.serial);
        expect(columnDefinition(ddl, 'tg_upload_attempts', 'request')).to.equal(types.details);
        expect(columnDefinition(ddl, 'tg_proxy_requests', 'business_keys')).to.equal(`${types.details} not null`);
        expect(columnDefinition(ddl, 'tg_pack_holds', 'trace_code')).to.equal(types.traceCode);
        // 0004-his-channels
        expect(columnDefinition(ddl, 'tg_inbound_msgs', 'raw')).to.equal(types.bytes);
        expect(columnDefinition(ddl, 'tg_inbound_msgs', 'id')).to.equal(types.traceCode.replace('100', '24'));
        expect(columnDefinition(ddl, 'tg_inbound_msgs', 'source_key')).to.equal(types.traceCode.replace('100', '191'));
        expect(columnDefinition(ddl, 'tg_inbound_msgs', 'message')).to.equal(types.details);
        expect(columnDefinition(ddl, 'tg_inbound_msgs', 'reply')).to.equal(types.details);
        expect(columnDefinition(ddl, 'tg_inbound_msgs', 'reference')).to.equal(
          types.traceCode.replace('100', '64').replace(/ not null$/, '')
        );
        expect(columnDefinition(ddl, 'tg_channel_marks', 'mark')).to.equal(
          types.name.replace(/ not null$/, '').replace(' collate Latin1_General_100_BIN2', '')
        );
      });

      it('drops both HIS channel tables in 0004’s down', () => {
        // Offline, Oracle's DROP needs the server version (it also drops an increments() sequence, if any).
        const db = dialect === 'oracle' ? knexFactory({ client: 'oracledb', version: '11.2' }) : offlineKnex(dialect);
        const down = dropHisChannelsSchema(db.schema)
          .toSQL()
          .map((s) => s.sql)
          .join('\n');
        for (const table of ['tg_channel_marks', 'tg_inbound_msgs']) {
          expect(down).to.match(new RegExp(`drop table (if exists )?${Q}${table}${E}`, 'i'));
        }
        for (const id of identifiers(down)) {
          expect(id.length, id).to.be.at.most(ORACLE_MAX_IDENTIFIER);
        }
      });

      it('adds the outbox columns to tg_business_rows, NOT NULL ones with a default existing rows take', () => {
        const alter = ddl.filter((x) => new RegExp(`^alter table ${Q}tg_business_rows${E}`, 'i').test(x)).join('\n');
        expect(alter).to.match(
          new RegExp(
            `${Q}source${E} [^,]*not null[^,]*default 'window'|${Q}source${E} [^,]*default 'window' not null`,
            'i'
          )
        );
        expect(alter).to.match(
          new RegExp(`${Q}attempts${E} [^,]*(not null[^,]*default '0'|default '0' not null)`, 'i')
        );
        for (const column of ['next_attempt_at', 'last_error', 'inf_refmsgid', 'lease_until', 'original_id']) {
          expect(alter).to.contain(column);
        }
      });

      it('adds 0005’s drug column to tg_business_rows: nullable, as wide as tg_packs.his_drug_code', () => {
        const alter = ddl.filter((x) => new RegExp(`^alter table ${Q}tg_business_rows${E}`, 'i').test(x)).join('\n');
        const packs = columnDefinition(ddl, 'tg_packs', 'his_drug_code');
        expect(packs).to.match(/ not null$/);
        expect(alter).to.match(
          new RegExp(
            `add (column )?${Q}his_drug_code${E} ${packs.replace(/ not null$/, '').replace(/[()]/g, '\\$&')}$`,
            'im'
          )
        );
      });

      it('adds 0006’s session columns and gives the anomaly tables their key, text and JSON types', () => {
        const alter = ddl.filter((x) => new RegExp(`^alter table ${Q}tg_sessions${E}`, 'i').test(x)).join('\n');
        for (const column of ['patient_name', 'contact', 'max_boxes']) {
          expect(alter).to.contain(column);
        }
        const types = expectedTypes[dialect];
        expect(columnDefinition(ddl, 'tg_anomalies', 'evidence')).to.equal(`${types.details} not null`);
        expect(columnDefinition(ddl, 'tg_anomalies', 'trace_codes')).to.equal(`${types.details} not null`);
        expect(columnDefinition(ddl, 'tg_anomaly_runs', 'counts')).to.equal(types.details);
        expect(columnDefinition(ddl, 'tg_dup_notices', 'trace_code')).to.equal(types.traceCode);
        expect(columnDefinition(ddl, 'tg_dup_notices', 'extra')).to.equal(types.details);
      });

      it('numbers tg_business_rows, tg_audit and tg_upload_attempts without knex’s increments()', () => {
        const oracleSql = ddl.filter((s) => /^create (sequence|or replace trigger)/.test(s));
        if (dialect !== 'oracle') {
          expect(oracleSql).to.deep.equal([]);
          return;
        }
        // Oracle 11.2 has no identity columns: a sequence and a trigger per table, named within 30 characters.
        expect(oracleSql).to.deep.equal([
          'create sequence "tg_business_rows_seq"',
          'create or replace trigger "tg_business_rows_id_trg" before insert on "tg_business_rows" for each row ' +
            'when (new."id" is null) begin :new."id" := "tg_business_rows_seq".nextval; end;',
          'create sequence "tg_audit_seq"',
          'create or replace trigger "tg_audit_id_trg" before insert on "tg_audit" for each row ' +
            'when (new."id" is null) begin :new."id" := "tg_audit_seq".nextval; end;',
          'create sequence "tg_upload_attempts_seq"',
          'create or replace trigger "tg_upload_attempts_id_trg" before insert on "tg_upload_attempts" for each row ' +
            'when (new."id" is null) begin :new."id" := "tg_upload_attempts_seq".nextval; end;',
        ]);
      });

      it('keeps keys indexable: ≤ 191 characters per MySQL column, ≤ 900 bytes per SQL Server key', () => {
        const lengths = columnLengths(ddl);
        const found = keys(ddl);
        expect(found.length).to.equal(56 + (implicitReceiptIndexSql(dialect) ? 1 : 0));
        for (const key of found) {
          const columns = key.columns.map((c) => lengths.get(key.table)?.get(c) ?? 0);
          for (const chars of columns) {
            expect(chars, `${key.table}(${key.columns})`).to.be.at.most(191);
          }
          // nvarchar: 2 bytes per character; int: 4 bytes.
          const bytes = columns.reduce((sum, chars) => sum + (chars ? chars * 2 : 4), 0);
          expect(bytes, `${key.table}(${key.columns})`).to.be.at.most(900);
        }
      });

      if (dialect === 'mysql') {
        it('creates InnoDB tables in utf8mb4 with a binary collation', () => {
          for (const s of ddl.filter((x) => /^create table/i.test(x))) {
            expect(s).to.match(/default character set utf8mb4 collate utf8mb4_bin engine = InnoDB$/);
          }
        });
      }

      it('batches inserts within the dialect’s bind-parameter limit', () => {
        const db = offlineKnex(dialect);
        const changes = Array.from({ length: 450 }, (_, i) => receive(traceCode(i)));
        for (const [table, columns, rows] of [
          [TABLES.packs, PACK_COLUMNS, changes.map((c) => packValues(c.after))],
          [TABLES.events, EVENT_COLUMNS, changes.map((c) => eventValues(c.event))],
          [TABLES.sessions, SESSION_COLUMNS, changes.map((_, i) => sessionValues(dispenseSession(`S${i}`)))],
          [
            TABLES.businessRows,
            BUSINESS_ROW_COLUMNS,
            changes.map((_, i) => businessRowValues(businessRow(`K${i}`, 'S1'))),
          ],
          [TABLES.audit, AUDIT_COLUMNS, changes.map(() => auditValues(auditEntry('S1')))],
          [TABLES.uploadKeys, UPLOAD_KEY_COLUMNS, changes.map((_, i) => [i, `code:${traceCode(i)}`, 0])],
          [
            TABLES.uploadAttempts,
            UPLOAD_ATTEMPT_COLUMNS,
            changes.map((_, i) => attemptValues(uploadAttempt(i + 1, 1))),
          ],
          [
            TABLES.proxyRequests,
            PROXY_REQUEST_COLUMNS,
            changes.map((_, i) => proxyRequestValues(proxyRequest(`M${i}`))),
          ],
          [
            TABLES.packHolds,
            PACK_HOLD_COLUMNS,
            changes.map((_, i) => holdValues({ traceCode: traceCode(i), holder: 'M1', heldAt: T0, expiresAt: T1 })),
          ],
        ] as const) {
          const statements = [...bulkInsertStatements(dialect, table, columns, rows)];
          let total = 0;
          for (const s of statements) {
            const native = db
              .raw(s.sql, s.bindings as readonly Knex.RawBinding[])
              .toSQL()
              .toNative();
            expect(native.bindings.length).to.be.at.most(maxBindings[dialect]);
            total += dialect === 'postgres' ? (s.bindings[0] as unknown[]).length : s.bindings.length / columns.length;
          }
          expect(total).to.equal(450);
        }
        expect(batchLimits[dialect].inList).to.be.at.most(dialect === 'oracle' ? 1_000 : maxBindings[dialect]);
      });
    });
  }

  describe('hot-path SQL on SQL Server and Oracle', () => {
    const r = receive(traceCode(1));
    const dispense = move(r.after, 'dispense', 'dispensed');

    it('guards the update by trace_code and seq and reads the row count back (mssql)', () => {
      const native = guardedPackUpdate(offlineKnex('mssql'), dispense).toSQL().toNative();
      expect(native.sql).to.match(
        /^update \[tg_packs\] set \[his_drug_code\] = @p0, .* where \[trace_code\] = @p10 and \[seq\] = @p11;select @@rowcount$/
      );
      expect(native.bindings.slice(-2)).to.deep.equal([traceCode(1), 1]);
    });

    it('guards the update by trace_code and seq (oracle)', () => {
      const native = guardedPackUpdate(offlineKnex('oracle'), dispense).toSQL().toNative();
      expect(native.sql).to.match(
        /^update "tg_packs" set "his_drug_code" = :1, .* where "trace_code" = :11 and "seq" = :12$/
      );
      expect(native.bindings.slice(-2)).to.deep.equal([traceCode(1), 1]);
    });

    it('guards a session save by id and version and reads the row count back (mssql)', () => {
      const session = dispenseSession('D20250701-0001');
      const native = guardedSessionUpdate(offlineKnex('mssql'), { ...session, version: 4 }, 3)
        .toSQL()
        .toNative();
      expect(native.sql).to.match(
        /^update \[tg_sessions\] set \[state\] = @p0, .* where \[id\] = @p12 and \[version\] = @p13;select @@rowcount$/
      );
      expect(native.bindings.slice(-2)).to.deep.equal(['D20250701-0001', 3]);
    });

    it('guards a session save by id and version (oracle)', () => {
      const session = dispenseSession('D20250701-0001');
      const native = guardedSessionUpdate(offlineKnex('oracle'), { ...session, version: 4 }, 3)
        .toSQL()
        .toNative();
      expect(native.sql).to.match(
        /^update "tg_sessions" set "state" = :1, .*"doc" = :9, "patient_name" = :10, "contact" = :11, "max_boxes" = :12 where "id" = :13 and "version" = :14$/
      );
      expect(native.bindings.slice(-2)).to.deep.equal(['D20250701-0001', 3]);
    });

    const request = { now: T1, limit: 10, owner: 'instance-a', leaseUntil: '2025-07-01T09:35:00.000Z' };

    it('reads due uploads oldest first with TOP (mssql) and ROWNUM (oracle)', () => {
      expect(dueCandidates(offlineKnex('mssql'), T1, 0, 100).toSQL().toNative().sql).to.equal(
        'select top (@p0) [id], [state], [next_attempt_at], [lease_until] from [tg_business_rows] where [id] > @p1 and ' +
          '(([state] in (@p2, @p3) and ([next_attempt_at] is null or [next_attempt_at] <= @p4)) or ' +
          '([state] = @p5 and [lease_until] <= @p6)) order by [id] asc'
      );
      expect(dueCandidates(offlineKnex('oracle'), T1, 0, 100).toSQL().toNative().sql).to.match(
        /^select \* from \(select "id", .* order by "id" asc\) where rownum <= :7$/
      );
    });

    it('finds blocked candidates with one self-join over tg_upload_keys (mssql, oracle)', () => {
      expect(blockedCandidates(offlineKnex('mssql'), [5, 7]).toSQL().toNative().sql).to.equal(
        'select distinct [c].[row_id] from [tg_upload_keys] as [c] ' +
          'inner join [tg_upload_keys] as [k] on [k].[order_key] = [c].[order_key] ' +
          'inner join [tg_business_rows] as [b] on [b].[id] = [k].[row_id] ' +
          'where [c].[row_id] in (@p0, @p1) and [k].[row_id] < [c].[row_id] and [b].[state] not in (@p2, @p3)'
      );
      // Oracle takes table aliases without AS.
      expect(blockedCandidates(offlineKnex('oracle'), [5, 7]).toSQL().toNative().sql).to.contain(
        'from "tg_upload_keys" "c" inner join "tg_upload_keys" "k" on "k"."order_key" = "c"."order_key"'
      );
    });

    it('claims guarded by state and due time, or by the lapsed lease read, and reads the row count back (mssql)', () => {
      const db = offlineKnex('mssql');
      const pending = guardedClaim(db, { id: 5, state: 'pending', nextAttemptAt: null, leaseUntil: null }, request)
        .toSQL()
        .toNative();
      expect(pending.sql).to.equal(
        'update [tg_business_rows] set [state] = @p0, [lease_owner] = @p1, [lease_until] = @p2, [updated_at] = @p3 ' +
          'where [id] = @p4 and [state] = @p5 and ([next_attempt_at] is null or [next_attempt_at] <= @p6);select @@rowcount'
      );
      expect(pending.bindings).to.deep.equal(['sending', 'instance-a', request.leaseUntil, T1, 5, 'pending', T1]);
      const lapsed = guardedClaim(db, { id: 5, state: 'sending', nextAttemptAt: null, leaseUntil: T0 }, request)
        .toSQL()
        .toNative();
      expect(lapsed.sql).to.match(
        /where \[id\] = @p4 and \[state\] = @p5 and \[lease_until\] = @p6 and \[lease_until\] <= @p7;select @@rowcount$/
      );
      expect(lapsed.bindings.slice(-4)).to.deep.equal([5, 'sending', T0, T1]);
    });

    it('writes a sender’s outcome only under its lease and clears the lease (oracle)', () => {
      const native = guardedUploadUpdate(
        offlineKnex('oracle'),
        5,
        'instance-a',
        uploadPatch({ state: 'delivered', deliveredAt: T1, lastMsgid: 'M1' }, T1)
      )
        .toSQL()
        .toNative();
      expect(native.sql).to.match(
        /^update "tg_business_rows" set "state" = :1, .*"lease_owner" = :\d+, "lease_until" = :\d+ where "id" = :\d+ and "lease_owner" = :\d+ and "state" = :\d+$/
      );
      expect(native.bindings.slice(-5)).to.deep.equal([null, null, 5, 'instance-a', 'sending']);
    });

    it('inserts packs as multi-row VALUES of at most 2,100 parameters (mssql)', () => {
      const rows = Array.from({ length: 450 }, (_, i) => packValues(receive(traceCode(i)).after));
      const statements = [...bulkInsertStatements('mssql', TABLES.packs, PACK_COLUMNS, rows)];
      expect(statements).to.have.length(3); // 181 + 181 + 88 rows (11 columns, under 2,000 parameters)
      const native = offlineKnex('mssql')
        .raw(statements[0]!.sql, statements[0]!.bindings as readonly Knex.RawBinding[])
        .toSQL()
        .toNative();
      expect(native.sql).to.match(
        /^insert into \[tg_packs\] \(\[trace_code\], \[his_drug_code\], .*\[ref\]\) values \(@p0, @p1, /
      );
      expect(native.sql).to.match(/\(@p1980, .* @p1990\)$/);
      expect(native.bindings).to.have.length(1_991);
    });

    it('inserts events in batches of 166 rows on mssql (12 columns)', () => {
      const rows = Array.from({ length: 400 }, (_, i) => eventValues(receive(traceCode(i)).event));
      const statements = [...bulkInsertStatements('mssql', TABLES.events, EVENT_COLUMNS, rows)];
      expect(statements.map((s) => s.bindings.length / EVENT_COLUMNS.length)).to.deep.equal([166, 166, 68]);
    });

    it('inserts with INSERT ALL … SELECT 1 FROM DUAL (oracle)', () => {
      const rows = Array.from({ length: 250 }, (_, i) => packValues(receive(traceCode(i)).after));
      const statements = [...bulkInsertStatements('oracle', TABLES.packs, PACK_COLUMNS, rows)];
      expect(statements).to.have.length(2); // 200 + 50 rows
      const native = offlineKnex('oracle')
        .raw(statements[1]!.sql, statements[1]!.bindings as readonly Knex.RawBinding[])
        .toSQL()
        .toNative();
      expect(native.sql).to.match(
        /^insert all into "tg_packs" \("trace_code", .*"ref"\) values \(:1, :2, .*\) into "tg_packs"/
      );
      expect(native.sql).to.match(/values \(:540, .* :550\) select 1 from dual$/);
      expect((native.sql.match(/into "tg_packs"/g) ?? []).length).to.equal(50);
      expect(native.bindings).to.have.length(550);
    });

    // GBK 你好: bytes, not text.
    const message = inboundMessage({ raw: Uint8Array.from([0x4d, 0x53, 0x48, 0xc4, 0xe3, 0xba, 0xc3]) });

    it('binds an inbound message’s raw bytes as a Buffer: varbinary(max) (mssql), a BLOB written after the insert (oracle)', () => {
      const mssql = insertInboundQuery(offlineKnex('mssql'), message).toSQL().toNative();
      expect(mssql.sql).to.match(/^insert into \[tg_inbound_msgs\] \(\[channel\], .*\) values \(@p0, .* @p13\)$/);
      const mssqlRaw = mssql.bindings.find((b) => Buffer.isBuffer(b));
      expect(mssqlRaw).to.deep.equal(Buffer.from(message.raw));
      // knex's Oracle insert returns the BLOB's locator and writes the Buffer into it (its BlobHelper binding).
      const oracle = insertInboundQuery(offlineKnex('oracle'), message).toSQL().toNative();
      expect(oracle.sql).to.match(
        /^insert into "tg_inbound_msgs" \(.*"raw".*\) values \(:1, .* :14\) returning "raw" into :15$/
      );
      const blob = oracle.bindings[14] as unknown as { columnName: string; value: Buffer };
      expect(blob.columnName).to.equal('raw');
      expect(blob.value).to.deep.equal(Buffer.from(message.raw));
    });

    it('lists inbound messages in id order with TOP (mssql) and ROWNUM (oracle)', () => {
      const query = {
        channel: 'hl7',
        state: 'received' as const,
        kind: 'dispense' as const,
        reference: 'CF1',
        originalId: 'M1',
        from: T0,
        to: T1,
        afterId: 'M0',
        limit: 50,
      };
      expect(listInboundQuery(offlineKnex('mssql'), query, 50).toSQL().toNative().sql).to.match(
        /^select top \(@p0\) \[id\], .*\[raw\].* from \[tg_inbound_msgs\] where \[channel\] = @p1 and \[state\] = @p2 and \[kind\] = @p3 and \[reference\] = @p4 and \[original_id\] = @p5 and \[received_at\] >= @p6 and \[received_at\] < @p7 and \[id\] > @p8 order by \[id\] asc$/
      );
      const oracle = listInboundQuery(offlineKnex('oracle'), query, 50).toSQL().toNative();
      expect(oracle.sql).to.match(
        /^select \* from \(select "id", .* from "tg_inbound_msgs" where "channel" = :1 .* and "id" > :8 order by "id" asc\) where rownum <= :9$/
      );
      expect(oracle.bindings).to.deep.equal(['hl7', 'received', 'dispense', 'CF1', 'M1', T0, T1, 'M0', 50]);
    });

    it('inserts on PostgreSQL with one typed array per column', () => {
      const rows = Array.from({ length: 3 }, (_, i) => packValues(receive(traceCode(i)).after));
      const [statement] = [...bulkInsertStatements('postgres', TABLES.packs, PACK_COLUMNS, rows)];
      const native = offlineKnex('postgres')
        .raw(statement!.sql, statement!.bindings as readonly Knex.RawBinding[])
        .toSQL()
        .toNative();
      expect(native.sql).to.equal(
        'insert into "tg_packs" ("trace_code", "his_drug_code", "state", "units_remaining", "lot", "expiry", "manu_date", "seq", "updated_at", "location", "ref") ' +
          'select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[])'
      );
      expect(native.bindings[0]).to.deep.equal([traceCode(0), traceCode(1), traceCode(2)]);
    });
  });
});
