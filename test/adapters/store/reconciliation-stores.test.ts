/** The ReconciliationStore contract on the memory twin, SQLite, and the live PostgreSQL and MariaDB servers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnexReconciliation } from '../../../adapters/store/knex-reconciliation.js';
import type { StoreConfig } from '../../../adapters/store/knex-config.js';
import { KnexStore } from '../../../adapters/store/knex-store.js';
import { MemoryReconciliation } from '../../../adapters/store/memory-reconciliation.js';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import { reconciliationContract, type ReconciliationHandles } from '../../contract/reconciliation-contract.js';
import {
  createScratchDatabase,
  describeWithDatabase,
  type DatabaseKind,
  type ScratchDatabase,
} from '../../support/databases.js';

/** `lookupMaxEvents` 0 forces the set-based as-of shape (hash joins) that large ranges use. */
async function knexHandles(
  config: StoreConfig,
  cleanup: () => Promise<void>,
  lookupMaxEvents?: number
): Promise<ReconciliationHandles> {
  const store = await KnexStore.open(config);
  await store.migrateLatest();
  return {
    store,
    recon: new KnexReconciliation(store.knex, store.dialect, lookupMaxEvents),
    reset: () => store.truncateAll(),
    async close() {
      await store.close();
      await cleanup();
    },
  };
}

reconciliationContract('memory', async () => {
  const store = new MemoryStore();
  const recon = new MemoryReconciliation(store);
  return {
    store,
    recon,
    async reset() {
      await store.truncateAll();
      recon.clear();
    },
    close: () => store.close(),
  };
});

for (const [label, lookupMaxEvents] of [
  ['SQLite', undefined],
  ['SQLite, set-based as-of', 0],
] as const) {
  reconciliationContract(label, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracegate-recon-'));
    return knexHandles(
      { client: 'sqlite', filename: join(dir, 'ledger.sqlite') },
      async () => rmSync(dir, { recursive: true, force: true }),
      lookupMaxEvents
    );
  });
}

const servers: { kind: DatabaseKind; name: string }[] = [
  { kind: 'postgres', name: 'PostgreSQL' },
  { kind: 'mariadb', name: 'MariaDB' },
];

for (const { kind, name } of servers) {
  await describeWithDatabase(kind, `ReconciliationStore on ${name}`, () => {
    for (const [label, lookupMaxEvents] of [
      [name, undefined],
      [`${name}, set-based as-of`, 0],
    ] as const) {
      reconciliationContract(label, async () => {
        const scratch: ScratchDatabase = await createScratchDatabase(kind);
        return knexHandles(scratch.config, () => scratch.drop(), lookupMaxEvents);
      });
    }
  });
}
