/**
 * Dialect-neutral store connection settings and their translation into a knex config.
 * The rest of tracegate (config file, doctor, CLI) speaks `StoreConfig`; only this file knows which
 * driver each dialect uses and which driver options keep the five of them behaving alike.
 */
import type { Knex } from 'knex';

/**
 * knex prints connection failures with a stack on its own; tracegate reports them itself (doctor, readyz,
 * STORE_UNAVAILABLE), so those lines are dropped and every other knex warning still reaches stderr.
 */
const knexLog = {
  warn(message: string): void {
    if (!message.startsWith('Acquire connection error')) {
      console.warn(message);
    }
  },
};

export const StoreDialects = ['sqlite', 'postgres', 'mysql', 'mssql', 'oracle'] as const;
export type StoreDialect = (typeof StoreDialects)[number];

/** The knex client (driver) behind each dialect. */
export const knexClientOf: Record<StoreDialect, string> = {
  sqlite: 'better-sqlite3',
  postgres: 'pg',
  mysql: 'mysql2',
  mssql: 'mssql',
  oracle: 'oracledb',
};

export interface StoreSsl {
  /** false accepts self-signed server certificates (common inside hospital networks). */
  rejectUnauthorized?: boolean;
  /** PEM CA bundle. */
  ca?: string;
}

export interface StoreConfig {
  client: StoreDialect;
  /** sqlite only: database file (`:memory:` for a throw-away database). */
  filename?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** oracle only: Easy Connect string or TNS alias; built from host/port/database when absent. */
  connectString?: string;
  pool?: { min: number; max: number };
  ssl?: boolean | StoreSsl;
}

/** How long a SQLite writer waits for another process's write lock before giving up with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

const defaultPorts: Record<Exclude<StoreDialect, 'sqlite'>, number> = {
  postgres: 5432,
  mysql: 3306,
  mssql: 1433,
  oracle: 1521,
};

/** The minimal surface of a better-sqlite3 Database that the pool hook uses. */
interface SqliteConnection {
  pragma(source: string): unknown;
}

export function toKnexConfig(config: StoreConfig): Knex.Config {
  const pool = config.pool ? { min: config.pool.min, max: config.pool.max } : undefined;
  const base = { client: knexClientOf[config.client], acquireConnectionTimeout: 10_000, log: knexLog };
  switch (config.client) {
    case 'sqlite':
      return {
        ...base,
        connection: { filename: config.filename ?? 'tracegate.sqlite' },
        // Columns we do not name in an insert are NULL; knex would warn about DEFAULT otherwise.
        useNullAsDefault: true,
        pool: {
          // One connection: better-sqlite3 is synchronous, so a second connection in the same process
          // would block the event loop while waiting for the first one's write lock.
          min: 1,
          max: 1,
          afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) {
            try {
              // WAL: readers never block the writer. busy_timeout: another process holding the write
              // lock makes us wait instead of failing at once. foreign_keys is off by default in SQLite.
              conn.pragma('journal_mode = WAL');
              conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
              conn.pragma('foreign_keys = ON');
              done(null, conn);
            } catch (e) {
              done(e as Error, conn);
            }
          },
        },
      };
    case 'postgres':
      return {
        ...base,
        connection: {
          host: config.host ?? '127.0.0.1',
          port: config.port ?? defaultPorts.postgres,
          user: config.user,
          password: config.password,
          database: config.database,
          application_name: 'tracegate',
          ...(config.ssl === undefined ? {} : { ssl: pgSsl(config.ssl) }),
        },
        ...(pool ? { pool } : {}),
      };
    case 'mysql':
      return {
        ...base,
        connection: {
          host: config.host ?? '127.0.0.1',
          port: config.port ?? defaultPorts.mysql,
          user: config.user,
          password: config.password,
          database: config.database,
          // Chinese drug names need 4-byte safe UTF-8; the tables themselves are utf8mb4_bin.
          charset: 'utf8mb4',
          // COUNT(*) and BIGINT results above 2^53 come back as strings instead of losing digits.
          supportBigNumbers: true,
          ...(config.ssl ? { ssl: typeof config.ssl === 'object' ? { ...config.ssl } : {} } : {}),
        },
        ...(pool ? { pool } : {}),
      };
    case 'mssql': {
      const ssl = config.ssl;
      return {
        ...base,
        connection: {
          server: config.host ?? '127.0.0.1',
          port: config.port ?? defaultPorts.mssql,
          user: config.user,
          password: config.password,
          database: config.database,
          options: {
            // Without ssl: no encryption, and a hospital's self-signed certificate is accepted.
            encrypt: Boolean(ssl),
            trustServerCertificate: !ssl || (typeof ssl === 'object' && ssl.rejectUnauthorized === false),
          },
        },
        ...(pool ? { pool } : {}),
      };
    }
    case 'oracle':
      // knex's oracledb client uses node-oracledb in its default thin mode (pure JavaScript, no Instant
      // Client). Thick mode would need initOracleClient(), which we deliberately never call.
      return {
        ...base,
        connection: {
          user: config.user,
          password: config.password,
          connectString:
            config.connectString ??
            `${config.host ?? '127.0.0.1'}:${config.port ?? defaultPorts.oracle}/${config.database ?? 'FREEPDB1'}`,
        },
        // JSON columns are CLOBs; fetching them as strings saves a LOB round trip per row.
        fetchAsString: ['clob'],
        ...(pool ? { pool } : {}),
      } as Knex.Config;
  }
}

function pgSsl(ssl: boolean | StoreSsl): boolean | { rejectUnauthorized?: boolean; ca?: string } {
  return typeof ssl === 'object' ? { ...ssl } : ssl;
}

/** knex's own dialect names (`client.dialect`) mapped back to ours; forks such as cockroachdb fall back to theirs. */
const knexDialects: Record<string, StoreDialect> = {
  sqlite3: 'sqlite',
  postgresql: 'postgres',
  cockroachdb: 'postgres',
  mysql: 'mysql',
  mssql: 'mssql',
  oracle: 'oracle',
};

/** Which of our dialects a knex instance speaks (works without a connection, e.g. for offline DDL). */
export function storeDialectOf(db: Knex): StoreDialect {
  const dialect = (db.client as { dialect?: string }).dialect ?? '';
  const ours = knexDialects[dialect];
  if (!ours) {
    throw new Error(`unsupported knex dialect "${dialect}"`);
  }
  return ours;
}
