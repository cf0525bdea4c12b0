import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import { KnexStore } from '../../../adapters/store/knex-store.js';
import { SQLITE_ROWS_PER_STATEMENT } from '../../../adapters/store/sqlite-bulk.js';
import { valuesSql } from '../../../adapters/store/sql-text.js';
import { PACK_COLUMNS, TABLES } from '../../../adapters/store/tables.js';
import { isTracegateError } from '../../../core/errors.js';
import { storeContract } from '../../contract/store-contract.js';
import {
  businessRow,
  completed,
  dispenseSession,
  receiptSession,
  receive,
  traceCode,
} from '../../contract/store-fixtures.js';

/** better-sqlite3 ships no types; only its prepare() is watched here. */
const SqliteDatabase = createRequire(import.meta.url)('better-sqlite3') as {
  prototype: { prepare(sql: string): unknown };
};

const ALL_MIGRATIONS = [
  '0001-foundation',
  '0002-window-sessions',
  '0003-upload-outbox',
  '0004-his-channels',
  '0005-reconciliation',
  '0006-anomalies',
];

describe('KnexStore on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracegate-sqlite-'));
  const config = { client: 'sqlite' as const, filename: join(dir, 'ledger.sqlite') };

  before(async () => {
    const store = await KnexStore.open(config);
    try {
      expect(await store.migrationStatus()).to.deep.equal({ applied: [], pending: ALL_MIGRATIONS });
      expect(await store.migrateLatest()).to.deep.equal(ALL_MIGRATIONS);
      expect(await store.migrateLatest()).to.deep.equal([]);
      expect(await store.migrationStatus()).to.deep.equal({ applied: ALL_MIGRATIONS, pending: [] });
    } finally {
      await store.close();
    }
  });

  it('opens with WAL, a busy timeout and foreign keys on', async () => {
    const store = await KnexStore.open(config);
    try {
      const pragma = async (name: string) => Object.values((await store.knex.raw(`pragma ${name}`))[0] as object)[0];
      expect(await pragma('journal_mode')).to.equal('wal');
      expect(await pragma('busy_timeout')).to.equal(5000);
      expect(await pragma('foreign_keys')).to.equal(1);
    } finally {
      await store.close();
    }
  });

  it('keeps the prepared-statement fast path inside completeSession, and rolls it back with the rest', async () => {
    const store = await KnexStore.open(config);
    // A fresh connection: its statement cache is empty, so the fast path must prepare its 200-row statement.
    const prepare = sinon.spy(SqliteDatabase.prototype, 'prepare');
    try {
      await store.createSession(dispenseSession('D1'));
      await store.completeSession(completed(dispenseSession('D1')), 1, [], [businessRow('K1', 'D1')], []);
      const receipt = receiptSession('R1');
      await store.createSession(receipt);
      const codes = Array.from({ length: 250 }, (_, i) => traceCode(i, '8200002'));
      const changes = codes.map((c) => receive(c));
      const failed = await store
        .completeSession(completed(receipt), 1, changes, [businessRow('K1', 'R1', { infno: '3503' })], [])
        .then(
          () => undefined,
          (e: unknown) => e
        );
      expect(isTracegateError(failed) && failed.code).to.equal('BUSINESS_ROW_EXISTS');
      const batchSql = valuesSql('sqlite', TABLES.packs, PACK_COLUMNS, SQLITE_ROWS_PER_STATEMENT);
      expect(prepare.calledWith(batchSql), 'the 200-row pack statement was prepared').to.equal(true);
      expect((await store.getPacks(codes)).size).to.equal(0);
      await store.completeSession(completed(receipt), 1, changes, [businessRow('K2', 'R1', { infno: '3503' })], []);
      expect((await store.getPacks(codes)).size).to.equal(250);
    } finally {
      prepare.restore();
      await store.truncateAll();
      await store.close();
    }
  });

  // SQLite serialises writers with one connection per process, so concurrency runs inside one store.
  storeContract(
    'SQLite',
    () => KnexStore.open(config),
    async () => rmSync(dir, { recursive: true, force: true })
  );
});
