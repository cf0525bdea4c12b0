/**
 * The migration DDL and the hot-path SQL compiled offline for all five dialects (knex without a connection),
 * so SQL Server and Oracle are checked on every run even where no such server exists.
 */
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { batchLimits } from '../../../adapters/store/batching.js';
import { bulkInsertStatements } from '../../../adapters/store/bulk-insert.js';
import { knexClientOf, StoreDialects, type StoreDialect } from '../../../adapters/store/knex-config.js';
import { guardedPackUpdate } from '../../../adapters/store/knex-ledger.js';
import { guardedSessionUpdate } from '../../../adapters/store/knex-sessions.js';
import {
  auditValues,
  businessRowValues,
  eventValues,
  packValues,
  sessionValues,
} from '../../../adapters/store/row-mappers.js';
import {
  AUDIT_COLUMNS,
  BUSINESS_ROW_COLUMNS,
  EVENT_COLUMNS,
  PACK_COLUMNS,
  SESSION_COLUMNS,
  TABLES,
} from '../../../adapters/store/tables.js';
import { foundationSchema } from '../../../migrations/0001-foundation.js';
import { windowSessionsSchema } from '../../../migrations/0002-window-sessions.js';
import { uploadOutboxSchema } from '../../../migrations/0003-upload-outbox.js';
import { MIGRATION_TABLE, migrations } from '../../../migrations/index.js';
import { auditEntry, businessRow, dispenseSession, move, receive, traceCode } from '../../contract/store-fixtures.js';

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
];

/** Defaults SQL Server keeps as named constraints (the other dialects have no such object). */
const mssqlDefaults = ['tg_business_rows_state_df', 'tg_business_rows_source_df', 'tg_business_rows_attempts_df'];

/** SQL Server also names the default constraints of tg_business_rows. */
function expectedNamesFor(dialect: StoreDialect): string[] {
  return [...expectedNames, ...(dialect === 'mssql' ? mssqlDefaults : [])].sort();
}

/** Bind parameters per statement each server accepts. */
const maxBindings: Record<StoreDialect, number> = {
  sqlite: 32_766,
  postgres: 65_535,
  mysql: 65_535,
  mssql: 2_100,
  oracle: 65_535,
};

/** How each dialect spells the key column, the human-text column, the JSON column and a numbered key. */
const expectedTypes: Record<StoreDialect, { traceCode: string; name: string; details: string; serial: string }> = {
  sqlite: {
    traceCode: 'varchar(100) not null',
    name: 'varchar(200) not null',
    details: 'text',
    serial: 'integer not null',
  },
  postgres: {
    traceCode: 'varchar(100) not null',
    name: 'varchar(200) not null',
    details: 'text',
    serial: 'bigserial not null',
  },
  mysql: {
    traceCode: 'varchar(100) not null',
    name: 'varchar(200) not null',
    details: 'mediumtext',
    serial: 'bigint unsigned auto_increment not null',
  },
  mssql: {
    traceCode: 'nvarchar(100) collate Latin1_General_100_BIN2 not null',
    name: 'nvarchar(200) not null',
    details: 'nvarchar(max)',
    serial: 'bigint identity(1,1) not null',
  },
  oracle: {
    traceCode: 'varchar2(100 char) not null',
    name: 'varchar2(200 char) not null',
    details: 'clob',
    serial: 'number(19) not null',
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
  return uploadOutboxSchema(windowSessionsSchema(foundationSchema(schema, dialect), dialect), dialect)
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
        for (const table of Object.values(TABLES)) {
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
        expect(count(/primary key/gi)).to.equal(14);
        expect(count(new RegExp(`constraint ${Q}\\w+${E} primary key`, 'gi'))).to.equal(14);
        expect(count(/foreign key/gi)).to.equal(3);
        expect(count(new RegExp(`constraint ${Q}\\w+${E} foreign key`, 'gi'))).to.equal(3);
        expect(count(/(create|add) index/gi)).to.equal(14);
        expect(count(new RegExp(`(create index|add index) ${Q}\\w+${E}`, 'gi'))).to.equal(14);
        // Two unique constraints (tg_business_rows.business_key, tg_upload_attempts (row_id, attempt)), spelled
        // four ways.
        expect(count(/create unique index|add unique|add constraint \S+ unique/gi)).to.equal(2);
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
        expect(found.length).to.equal(30);
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
        /^update \[tg_packs\] set \[his_drug_code\] = @p0, .* where \[trace_code\] = @p9 and \[seq\] = @p10;select @@rowcount$/
      );
      expect(native.bindings.slice(-2)).to.deep.equal([traceCode(1), 1]);
    });

    it('guards the update by trace_code and seq (oracle)', () => {
      const native = guardedPackUpdate(offlineKnex('oracle'), dispense).toSQL().toNative();
      expect(native.sql).to.match(
        /^update "tg_packs" set "his_drug_code" = :1, .* where "trace_code" = :10 and "seq" = :11$/
      );
      expect(native.bindings.slice(-2)).to.deep.equal([traceCode(1), 1]);
    });

    it('guards a session save by id and version and reads the row count back (mssql)', () => {
      const session = dispenseSession('D20250701-0001');
      const native = guardedSessionUpdate(offlineKnex('mssql'), { ...session, version: 4 }, 3)
        .toSQL()
        .toNative();
      expect(native.sql).to.match(
        /^update \[tg_sessions\] set \[state\] = @p0, .* where \[id\] = @p9 and \[version\] = @p10;select @@rowcount$/
      );
      expect(native.bindings.slice(-2)).to.deep.equal(['D20250701-0001', 3]);
    });

    it('guards a session save by id and version (oracle)', () => {
      const session = dispenseSession('D20250701-0001');
      const native = guardedSessionUpdate(offlineKnex('oracle'), { ...session, version: 4 }, 3)
        .toSQL()
        .toNative();
      expect(native.sql).to.match(
        /^update "tg_sessions" set "state" = :1, .*"doc" = :9 where "id" = :10 and "version" = :11$/
      );
      expect(native.bindings.slice(-2)).to.deep.equal(['D20250701-0001', 3]);
    });

    it('inserts packs as multi-row VALUES of at most 2,100 parameters (mssql)', () => {
      const rows = Array.from({ length: 450 }, (_, i) => packValues(receive(traceCode(i)).after));
      const statements = [...bulkInsertStatements('mssql', TABLES.packs, PACK_COLUMNS, rows)];
      expect(statements).to.have.length(3); // 200 + 200 + 50 rows
      const native = offlineKnex('mssql')
        .raw(statements[0]!.sql, statements[0]!.bindings as readonly Knex.RawBinding[])
        .toSQL()
        .toNative();
      expect(native.sql).to.match(
        /^insert into \[tg_packs\] \(\[trace_code\], \[his_drug_code\], .*\[ref\]\) values \(@p0, @p1, /
      );
      expect(native.sql).to.match(/\(@p1990, .* @p1999\)$/);
      expect(native.bindings).to.have.length(2_000);
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
      expect(native.sql).to.match(/values \(:491, .* :500\) select 1 from dual$/);
      expect((native.sql.match(/into "tg_packs"/g) ?? []).length).to.equal(50);
      expect(native.bindings).to.have.length(500);
    });

    it('inserts on PostgreSQL with one typed array per column', () => {
      const rows = Array.from({ length: 3 }, (_, i) => packValues(receive(traceCode(i)).after));
      const [statement] = [...bulkInsertStatements('postgres', TABLES.packs, PACK_COLUMNS, rows)];
      const native = offlineKnex('postgres')
        .raw(statement!.sql, statement!.bindings as readonly Knex.RawBinding[])
        .toSQL()
        .toNative();
      expect(native.sql).to.equal(
        'insert into "tg_packs" ("trace_code", "his_drug_code", "state", "units_remaining", "lot", "expiry", "seq", "updated_at", "location", "ref") ' +
          'select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[])'
      );
      expect(native.bindings[0]).to.deep.equal([traceCode(0), traceCode(1), traceCode(2)]);
    });
  });
});
