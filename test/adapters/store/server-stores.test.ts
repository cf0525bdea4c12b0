import { KnexStore } from '../../../adapters/store/knex-store.js';
import { createScratchDatabase, describeWithDatabase } from '../../support/databases.js';
import type { DatabaseKind, ScratchDatabase } from '../../support/databases.js';
import { storeContract } from '../../contract/store-contract.js';

/** The one store contract, on each live database server, in a scratch database of its own. */
const servers: { kind: DatabaseKind; name: string }[] = [
  { kind: 'postgres', name: 'PostgreSQL' },
  { kind: 'mariadb', name: 'MariaDB' },
];

for (const { kind, name } of servers) {
  await describeWithDatabase(kind, `KnexStore on ${name}`, () => {
    let scratch: ScratchDatabase | undefined;

    before(async () => {
      scratch = await createScratchDatabase(kind);
      const store = await KnexStore.open(scratch.config);
      try {
        await store.migrateLatest();
      } finally {
        await store.close();
      }
    });

    storeContract(
      name,
      () => KnexStore.open(scratch!.config),
      () => scratch!.drop(),
      { concurrentInstances: true }
    );
  });
}
