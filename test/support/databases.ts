/**
 * Test databases: where the PostgreSQL and MariaDB servers are, whether they answer, a scratch database per
 * run, and `describeWithDatabase`, which never lets a missing server pass silently:
 * - server answers → the suite runs;
 * - no server, CI !== 'true' → a pending suite plus a loud SKIPPED line on stderr;
 * - no server, CI === 'true' → a suite whose one test fails and says why.
 *
 * Mocha collects suites synchronously while it loads a file, so availability must be known by then: test
 * files call `await describeWithDatabase(...)` at top level (ESM top-level await; mocha awaits each
 * imported file before it runs anything).
 *
 * Settings: TRACEGATE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test) and
 * TRACEGATE_TEST_MYSQL_URL (default mysql://root@127.0.0.1:3306/test).
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { StoreConfig } from '../../adapters/store/knex-config.js';

export type DatabaseKind = 'postgres' | 'mariadb';

const CONNECT_TIMEOUT_MS = 2000;

const label: Record<DatabaseKind, string> = { postgres: 'PostgreSQL', mariadb: 'MariaDB' };

export function testDatabaseUrl(kind: DatabaseKind): URL {
  const fromEnv = kind === 'postgres' ? process.env.TRACEGATE_TEST_PG_URL : process.env.TRACEGATE_TEST_MYSQL_URL;
  return new URL(
    fromEnv || (kind === 'postgres' ? 'postgres://postgres@127.0.0.1:5432/test' : 'mysql://root@127.0.0.1:3306/test')
  );
}

/** The store config for the configured server, optionally pointed at another database on it. */
export function testStoreConfig(kind: DatabaseKind, database?: string): StoreConfig {
  const url = testDatabaseUrl(kind);
  return {
    client: kind === 'postgres' ? 'postgres' : 'mysql',
    host: url.hostname,
    port: url.port ? Number(url.port) : kind === 'postgres' ? 5432 : 3306,
    user: decodeURIComponent(url.username) || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: database ?? (decodeURIComponent(url.pathname.replace(/^\//, '')) || 'test'),
  };
}

function where(kind: DatabaseKind): string {
  const url = testDatabaseUrl(kind);
  return `${url.hostname}:${url.port || (kind === 'postgres' ? 5432 : 3306)}`;
}

/** Runs `sql` statements on the configured database with a short connect timeout. */
async function run(kind: DatabaseKind, statements: string[]): Promise<void> {
  const { host, port, user, password, database } = testStoreConfig(kind);
  const c = { host, port, user, password, database };
  if (kind === 'postgres') {
    const client = new pg.Client({ ...c, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    try {
      await client.connect();
      for (const sql of statements) {
        await client.query(sql);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    return;
  }
  const conn = await mysql.createConnection({ ...c, connectTimeout: CONNECT_TIMEOUT_MS });
  try {
    for (const sql of statements) {
      await conn.query(sql);
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
}

const availability = new Map<DatabaseKind, Promise<boolean>>();

function available(kind: DatabaseKind): Promise<boolean> {
  let probe = availability.get(kind);
  if (!probe) {
    probe = run(kind, ['select 1']).then(
      () => true,
      () => false
    );
    availability.set(kind, probe);
  }
  return probe;
}

export function postgresAvailable(): Promise<boolean> {
  return available('postgres');
}

export function mariadbAvailable(): Promise<boolean> {
  return available('mariadb');
}

export async function describeWithDatabase(kind: DatabaseKind, title: string, fn: () => void): Promise<void> {
  if (await available(kind)) {
    describe(title, fn);
    return;
  }
  const message = `${label[kind]} suite "${title}" — no server at ${where(kind)}`;
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`needs ${label[kind]} at ${where(kind)}`, () => {
        throw new Error(`${message}; CI=true makes a missing database a failure (start it or fix the URL env)`);
      });
    });
    return;
  }
  process.stderr.write(`SKIPPED: ${message} (set CI=true to make this a failure)\n`);
  describe.skip(title, fn);
}

let scratchCount = 0;

export interface ScratchDatabase {
  config: StoreConfig;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test run (`tracegate_test_<pid>_<n>`), so runs and other test files sharing
 * the server never see each other's rows; drop() removes it.
 */
export async function createScratchDatabase(kind: DatabaseKind): Promise<ScratchDatabase> {
  const name = `tracegate_test_${process.pid}_${++scratchCount}`;
  const create =
    kind === 'postgres'
      ? `create database ${name} encoding 'UTF8' template template0`
      : `create database ${name} character set utf8mb4 collate utf8mb4_bin`;
  await run(kind, [create]);
  return {
    config: testStoreConfig(kind, name),
    drop: () =>
      run(kind, [
        kind === 'postgres' ? `drop database if exists ${name} with (force)` : `drop database if exists ${name}`,
      ]),
  };
}
