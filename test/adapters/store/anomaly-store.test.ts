/** The AnomalyStore contract on the memory twin, SQLite, and each live database server (scratch databases). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnexAnomalies } from '../../../adapters/store/knex-anomalies.js';
import { KnexStore } from '../../../adapters/store/knex-store.js';
import { MemoryAnomalies } from '../../../adapters/store/memory-anomalies.js';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import type { StoreConfig } from '../../../adapters/store/knex-config.js';
import { anomalyContract } from '../../contract/anomaly-contract.js';
import { createScratchDatabase, describeWithDatabase, type ScratchDatabase } from '../../support/databases.js';

anomalyContract('memory', async () => {
  const store = new MemoryStore();
  return { store, anomalies: new MemoryAnomalies(store), close: () => store.close() };
});

async function knexHandle(config: StoreConfig) {
  const store = await KnexStore.open(config);
  await store.migrateLatest();
  return { store, anomalies: new KnexAnomalies(store.knex, store.dialect), close: () => store.close() };
}

anomalyContract('SQLite', () =>
  knexHandle({ client: 'sqlite', filename: join(mkdtempSync(join(tmpdir(), 'tg-anomalies-')), 'ledger.sqlite') })
);

for (const { kind, name } of [
  { kind: 'postgres', name: 'PostgreSQL' },
  { kind: 'mariadb', name: 'MariaDB' },
] as const) {
  await describeWithDatabase(kind, `anomalies on ${name}`, () => {
    let scratch: ScratchDatabase | undefined;
    before(async () => {
      scratch = await createScratchDatabase(kind);
    });
    after(async () => {
      await scratch?.drop();
    });
    anomalyContract(name, () => knexHandle(scratch!.config));
  });
}
