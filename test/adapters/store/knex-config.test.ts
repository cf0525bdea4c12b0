import { createRequire } from 'node:module';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import {
  knexClientOf,
  SQLITE_BUSY_TIMEOUT_MS,
  StoreDialects,
  storeDialectOf,
  toKnexConfig,
} from '../../../adapters/store/knex-config.js';

type Connection = Record<string, unknown> & { options?: Record<string, unknown> };
const connectionOf = (config: Knex.Config) => config.connection as Connection;

describe('knex-config', () => {
  it('lists the five dialects, each with its driver', () => {
    expect(StoreDialects).to.deep.equal(['sqlite', 'postgres', 'mysql', 'mssql', 'oracle']);
    expect(knexClientOf).to.deep.equal({
      sqlite: 'better-sqlite3',
      postgres: 'pg',
      mysql: 'mysql2',
      mssql: 'mssql',
      oracle: 'oracledb',
    });
  });

  it('maps every knex instance back to its dialect, offline', async () => {
    for (const dialect of StoreDialects) {
      const db = knexFactory({ client: knexClientOf[dialect], useNullAsDefault: true });
      expect(storeDialectOf(db)).to.equal(dialect);
      await db.destroy();
    }
  });

  describe('sqlite', () => {
    const config = toKnexConfig({ client: 'sqlite', filename: '/data/ledger.sqlite' });

    it('uses better-sqlite3, NULL as default and one connection', () => {
      expect(config.client).to.equal('better-sqlite3');
      expect(config.useNullAsDefault).to.equal(true);
      expect(connectionOf(config).filename).to.equal('/data/ledger.sqlite');
      expect(config.pool).to.include({ min: 1, max: 1 });
    });

    it('turns on WAL, busy_timeout and foreign keys for every new connection', () => {
      const pragmas: string[] = [];
      const conn = { pragma: (s: string) => pragmas.push(s) };
      let result: unknown[] = [];
      config.pool!.afterCreate!(conn, (...args: unknown[]) => (result = args));
      expect(pragmas).to.deep.equal([
        'journal_mode = WAL',
        `busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`,
        'foreign_keys = ON',
      ]);
      expect(result).to.deep.equal([null, conn]);
    });

    it('hands a pragma failure to the pool instead of throwing', () => {
      const boom = new Error('disk I/O error');
      let result: unknown[] = [];
      config.pool!.afterCreate!(
        {
          pragma: () => {
            throw boom;
          },
        },
        (...args: unknown[]) => (result = args)
      );
      expect(result[0]).to.equal(boom);
    });
  });

  describe('postgres', () => {
    it('passes host, port, credentials, database, pool and ssl through to pg', () => {
      const config = toKnexConfig({
        client: 'postgres',
        host: 'db.hospital.local',
        user: 'tracegate',
        password: 's3cret',
        database: 'ledger',
        pool: { min: 2, max: 20 },
        ssl: { rejectUnauthorized: false },
      });
      expect(config.client).to.equal('pg');
      expect(connectionOf(config)).to.include({
        host: 'db.hospital.local',
        port: 5432,
        user: 'tracegate',
        password: 's3cret',
        database: 'ledger',
      });
      expect(connectionOf(config).ssl).to.deep.equal({ rejectUnauthorized: false });
      expect(config.pool).to.deep.equal({ min: 2, max: 20 });
    });

    it('leaves ssl unset when not configured', () => {
      expect(connectionOf(toKnexConfig({ client: 'postgres', port: 6432 }))).to.not.have.property('ssl');
      expect(connectionOf(toKnexConfig({ client: 'postgres', port: 6432 })).port).to.equal(6432);
    });
  });

  describe('mysql', () => {
    it('uses mysql2 with utf8mb4 and big-number support', () => {
      const config = toKnexConfig({ client: 'mysql', host: 'tidb', port: 4000, user: 'root', database: 'ledger' });
      expect(config.client).to.equal('mysql2');
      expect(connectionOf(config)).to.include({
        host: 'tidb',
        port: 4000,
        charset: 'utf8mb4',
        supportBigNumbers: true,
      });
      expect(connectionOf(config)).to.not.have.property('ssl');
    });

    it('turns ssl on when asked', () => {
      expect(connectionOf(toKnexConfig({ client: 'mysql', ssl: true })).ssl).to.deep.equal({});
      expect(connectionOf(toKnexConfig({ client: 'mysql', ssl: { ca: 'PEM' } })).ssl).to.deep.equal({ ca: 'PEM' });
    });
  });

  describe('mssql', () => {
    it('uses tedious without encryption and trusting the server certificate by default', () => {
      const config = toKnexConfig({ client: 'mssql', host: 'his-db', user: 'sa', password: 'x', database: 'HIS' });
      expect(config.client).to.equal('mssql');
      expect(connectionOf(config)).to.include({ server: 'his-db', port: 1433, user: 'sa', database: 'HIS' });
      expect(connectionOf(config).options).to.deep.equal({ encrypt: false, trustServerCertificate: true });
    });

    it('encrypts and verifies the certificate with ssl: true', () => {
      expect(connectionOf(toKnexConfig({ client: 'mssql', ssl: true })).options).to.deep.equal({
        encrypt: true,
        trustServerCertificate: false,
      });
    });

    it('encrypts but accepts a self-signed certificate with rejectUnauthorized: false', () => {
      expect(connectionOf(toKnexConfig({ client: 'mssql', ssl: { rejectUnauthorized: false } })).options).to.deep.equal(
        {
          encrypt: true,
          trustServerCertificate: true,
        }
      );
    });
  });

  describe('oracle', () => {
    it('builds an Easy Connect string from host, port and service name', () => {
      const config = toKnexConfig({ client: 'oracle', host: 'ora', user: 'tg', password: 'p', database: 'HISPDB' });
      expect(config.client).to.equal('oracledb');
      expect(connectionOf(config)).to.deep.equal({ user: 'tg', password: 'p', connectString: 'ora:1521/HISPDB' });
      expect((config as { fetchAsString?: string[] }).fetchAsString).to.deep.equal(['clob']);
    });

    it('keeps an explicit connect string', () => {
      const config = toKnexConfig({ client: 'oracle', connectString: 'HIS_TNS_ALIAS', host: 'ignored' });
      expect(connectionOf(config).connectString).to.equal('HIS_TNS_ALIAS');
    });

    it('stays in node-oracledb thin mode (no Instant Client)', async () => {
      const db = knexFactory(toKnexConfig({ client: 'oracle', host: 'ora', user: 'tg', password: 'p', database: 'X' }));
      expect(storeDialectOf(db)).to.equal('oracle');
      const oracledb = createRequire(import.meta.url)('oracledb') as { thin: boolean };
      expect(oracledb.thin).to.equal(true);
      await db.destroy();
    });
  });
});
