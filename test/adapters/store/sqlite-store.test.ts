import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { KnexStore } from '../../../adapters/store/knex-store.js';
import { storeContract } from '../../contract/store-contract.js';

describe('KnexStore on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracegate-sqlite-'));
  const config = { client: 'sqlite' as const, filename: join(dir, 'ledger.sqlite') };

  before(async () => {
    const store = await KnexStore.open(config);
    try {
      expect(await store.migrationStatus()).to.deep.equal({ applied: [], pending: ['0001-foundation'] });
      expect(await store.migrateLatest()).to.deep.equal(['0001-foundation']);
      expect(await store.migrateLatest()).to.deep.equal([]);
      expect(await store.migrationStatus()).to.deep.equal({ applied: ['0001-foundation'], pending: [] });
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

  // SQLite serialises writers with one connection per process, so concurrency runs inside one store.
  storeContract(
    'SQLite',
    () => KnexStore.open(config),
    async () => rmSync(dir, { recursive: true, force: true })
  );
});
