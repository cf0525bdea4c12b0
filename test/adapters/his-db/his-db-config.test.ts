/**
 * Offline: the worked channel configurations of docs/his-db-channel.md (kept in test/fixtures/his-db) load, and
 * their SQL compiles to each driver's bindings. No SQL Server or Oracle runs here: these tests show the statements
 * bind as written, not that they run on a real server.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import knex, { type Knex } from 'knex';
import { hisDbChannelSchema, parseHisDbConfig } from '../../../adapters/his-db/his-db-config.js';
import { hisKnexConfig } from '../../../adapters/his-db/his-db-knex.js';
import { bindStatement, HisDbStatements } from '../../../adapters/his-db/sql-params.js';
import { isTracegateError, type TracegateError } from '../../../core/errors.js';
import { fixtureConfig, fixtureText } from './his-db-support.js';

const configs = {
  mssql: 'mssql-his-channel.yaml',
  oracledb: 'oracle-his-channel.yaml',
  pg: 'pg-his-channel.yaml',
  mysql2: 'mysql-his-channel.yaml',
} as const;

/** The placeholders each driver's statements must show, in order, and none of the `:name` forms left. */
const placeholder = {
  mssql: (n: number) => `@p${n}`,
  oracledb: (n: number) => `:${n + 1}`,
  pg: (n: number) => `$${n + 1}`,
  mysql2: () => '?',
} as const;

function thrown(fn: () => unknown): TracegateError {
  try {
    fn();
  } catch (e) {
    if (isTracegateError(e)) {
      return e;
    }
    throw e;
  }
  throw new Error('expected a TracegateError');
}

describe('HIS database channel config', () => {
  const dbs: Knex[] = [];
  after(async () => {
    await Promise.all(dbs.map((db) => db.destroy()));
  });

  for (const [client, file] of Object.entries(configs) as [keyof typeof configs, string][]) {
    it(`${file}: loads, and every statement compiles for ${client} with the right bindings`, () => {
      const config = parseHisDbConfig(fixtureConfig(file));
      expect(config.client).to.equal(client);
      const db = knex({ client });
      dbs.push(db);
      const values = {
        watermark: '1024',
        limit: 200,
        prescriptionNo: 'RX1',
        eventId: '7',
        result: 'refused',
        code: 'CODE_ALREADY_DISPENSED',
        message: '已发出',
        sessionId: null,
        asOf: '2026-11-29',
      };
      const expected = {
        catalogQuery: [],
        stockQuery: ['2026-11-29'],
        prescriptionQuery: ['RX1'],
        eventQuery: client === 'mssql' ? [200, '1024'] : ['1024', 200],
        writeBack: ['refused', 'CODE_ALREADY_DISPENSED', '已发出', null, '7'],
      };
      for (const statement of HisDbStatements) {
        const sql = config[statement] as string;
        const native = bindStatement(db, statement, sql, values).toSQL().toNative();
        expect(native.bindings, statement).to.deep.equal(expected[statement]);
        native.bindings.forEach((_b, i) => expect(native.sql, statement).to.contain(placeholder[client](i)));
        expect(native.sql, statement).not.to.match(/:(watermark|limit|prescriptionNo|eventId|result|code|message)\b/);
      }
    });
  }

  it('SQL Server: TOP (:limit) and OFFSET … FETCH NEXT :limit both bind; named instance and TDS 7.3 reach tedious', () => {
    const config = parseHisDbConfig({
      ...fixtureConfig(configs.mssql),
      connection: {
        host: 'his-db01',
        user: 'ro',
        password: 'x',
        options: { instanceName: 'HIS', tdsVersion: '7_3_B' },
      },
      eventQuery:
        'SELECT e.event_id FROM dbo.ev e WHERE e.event_id > :watermark ORDER BY e.event_id OFFSET 0 ROWS FETCH NEXT :limit ROWS ONLY',
    });
    const db = knex({ client: 'mssql' });
    dbs.push(db);
    const native = bindStatement(db, 'eventQuery', config.eventQuery, { watermark: '5', limit: 50 }).toSQL().toNative();
    expect(native.sql).to.equal(
      'SELECT e.event_id FROM dbo.ev e WHERE e.event_id > @p0 ORDER BY e.event_id OFFSET 0 ROWS FETCH NEXT @p1 ROWS ONLY'
    );
    const connection = (hisKnexConfig(config).connection as { options: Record<string, unknown> }).options;
    expect(connection).to.include({ instanceName: 'HIS', tdsVersion: '7_3_B', encrypt: false });
  });

  it('Oracle: FETCH FIRST :limit ROWS ONLY binds, and the thin-mode connect string is built from host and service', () => {
    const config = parseHisDbConfig({
      ...fixtureConfig(configs.oracledb),
      connection: { host: '10.0.0.9', database: 'HISPDB', user: 'RO', password: 'x' },
      eventQuery: 'SELECT * FROM ev WHERE id > :watermark ORDER BY id FETCH FIRST :limit ROWS ONLY',
    });
    const db = knex({ client: 'oracledb' });
    dbs.push(db);
    expect(
      bindStatement(db, 'eventQuery', config.eventQuery, { watermark: '5', limit: 50 }).toSQL().toNative()
    ).to.deep.equal({
      sql: 'SELECT * FROM ev WHERE id > :1 ORDER BY id FETCH FIRST :2 ROWS ONLY',
      bindings: ['5', 50],
    });
    expect(hisKnexConfig(config).connection).to.include({ connectString: '10.0.0.9:1521/HISPDB' });
  });

  it('fills the defaults', () => {
    const config = parseHisDbConfig({
      client: 'pg',
      connection: { host: 'h' },
      eventQuery: 'select * from ev where id > :watermark limit :limit',
    });
    expect(config).to.deep.include({
      name: 'his-db',
      pollMs: 5000,
      batchSize: 200,
      startWatermark: '0',
      binaryEncoding: 'utf8',
      messageMaxLength: 200,
    });
  });

  it('refuses a statement with a parameter tracegate does not provide, naming the statement', () => {
    const e = thrown(() =>
      parseHisDbConfig({
        ...fixtureConfig(configs.pg),
        writeBack: 'update his_dispense_event set trace_result = :result, ward = :ward where event_id = :eventId',
      })
    );
    expect(e.code).to.equal('HISDB_SQL_PARAM_UNKNOWN');
    expect(e.message).to.contain('writeBack').and.contain(':ward');
  });

  it('refuses options of another driver and an Oracle without a connect string', () => {
    const pg = thrown(() =>
      parseHisDbConfig({ ...fixtureConfig(configs.pg), connection: { host: 'h', options: { encrypt: true } } })
    );
    expect(pg.code).to.equal('HISDB_CONFIG_INVALID');
    expect(pg.message).to.contain('connection.options');
    const oracle = thrown(() => parseHisDbConfig({ ...fixtureConfig(configs.oracledb), connection: { user: 'u' } }));
    expect(oracle.message).to.contain('connectString');
    const shape = thrown(() => parseHisDbConfig({ client: 'db2', eventQuery: 'x' }));
    expect(shape.code).to.equal('HISDB_CONFIG_INVALID');
    expect(shape.message).to.contain('client');
  });

  it('the embeddable schema reports the same problems as zod issues on the statement', () => {
    const result = hisDbChannelSchema.safeParse({
      client: 'mysql2',
      connection: { host: 'h' },
      eventQuery: 'select * from ev where id > :watermark',
    });
    expect(result.success).to.equal(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).to.deep.equal(['eventQuery']);
    expect(issue?.message).to.contain('HISDB_SQL_PARAM_MISSING').and.contain(':limit');
  });

  it('docs/his-db-channel.md and the README show the four worked configurations exactly as tested here', () => {
    for (const docFile of ['docs/his-db-channel.md', 'README.md']) {
      const doc = readFileSync(new URL(`../../../${docFile}`, import.meta.url), 'utf8');
      for (const file of Object.values(configs)) {
        expect(doc, `${docFile}: ${file}`).to.contain(fixtureText(file));
      }
    }
  });
});
