import { KnexStore } from '../../../adapters/store/knex-store.js';
import { createScratchDatabase, describeWithDatabase, type ScratchDatabase } from '../../support/databases.js';
import { storeContract } from '../../contract/store-contract.js';

await describeWithDatabase('postgres', 'KnexStore on PostgreSQL', () => {
  let scratch: ScratchDatabase | undefined;

  before(async () => {
    scratch = await createScratchDatabase('postgres');
    const store = await KnexStore.open(scratch.config);
    try {
      await store.migrateLatest();
    } finally {
      await store.close();
    }
  });

  storeContract(
    'PostgreSQL',
    () => KnexStore.open(scratch!.config),
    () => scratch!.drop(),
    { concurrentInstances: true }
  );
});
