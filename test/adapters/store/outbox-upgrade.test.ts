/**
 * 0003-upload-outbox on a database that already holds business rows (an upgrade, not a fresh install): the
 * NOT NULL columns take their defaults, and the rows get their order keys, on SQLite and each live server; then
 * 0005-reconciliation backfills their drug column.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { KnexStore } from '../../../adapters/store/knex-store.js';
import type { StoreConfig } from '../../../adapters/store/knex-config.js';
import { MIGRATION_TABLE, migrationSource } from '../../../migrations/index.js';
import { createScratchDatabase, describeWithDatabase } from '../../support/databases.js';
import type { ScratchDatabase } from '../../support/databases.js';
import { T1, traceCode } from '../../contract/store-fixtures.js';

/** Applies migrations one at a time up to and including `last`. */
async function migrateTo(store: KnexStore, last: string): Promise<void> {
  for (;;) {
    const { applied } = await store.migrationStatus();
    if (applied.includes(last)) {
      return;
    }
    await store.knex.migrate.up({ migrationSource, tableName: MIGRATION_TABLE });
  }
}

/** Two rows as 0002 stored them: a sale and the return that names it. */
const legacyRows = [
  {
    infno: '3505',
    business_key: 'D1-1',
    session_id: 'D1',
    created_at: T1,
    payload: JSON.stringify({
      fixmedins_bchno: 'D1-1',
      fixmedins_hilist_id: 'Y0001',
      drugtracinfo: [{ drug_trac_codg: traceCode(1) }, { drug_trac_codg: traceCode(2) }],
    }),
  },
  {
    infno: '3506',
    business_key: 'T1-1',
    session_id: 'T1',
    created_at: T1,
    payload: JSON.stringify({
      fixmedins_bchno: 'T1-1',
      medins_prod_sel_no: 'D1-1',
      fixmedins_hilist_id: null,
      drugtracinfo: [{ drug_trac_codg: traceCode(2) }],
    }),
  },
];

function upgradeSuite(open: () => Promise<KnexStore>): void {
  it('keeps 0002 rows as pending window uploads with their order keys', async () => {
    const store = await open();
    try {
      await migrateTo(store, '0002-window-sessions');
      await store.knex('tg_business_rows').insert(legacyRows);
      expect(await store.migrateLatest()).to.deep.equal([
        '0003-upload-outbox',
        '0004-his-channels',
        '0005-reconciliation',
        '0006-anomalies',
      ]);
      const sale = await store.getUploadByKey('D1-1');
      expect(sale).to.include({
        source: 'window',
        state: 'pending',
        attempts: 0,
        updatedAt: T1,
        nextAttemptAt: null,
        leaseOwner: null,
      });
      expect(sale?.orderKeys).to.deep.equal([`code:${traceCode(1)}`, `code:${traceCode(2)}`, 'bchno:D1-1']);
      expect((await store.getUploadByKey('T1-1'))?.orderKeys).to.deep.equal([
        `code:${traceCode(2)}`,
        'bchno:T1-1',
        'bchno:D1-1',
      ]);
      // 0005 fills the drug column from the payload (a JSON null stays NULL, also on MySQL).
      const drugs = await store.knex('tg_business_rows').select('business_key', 'his_drug_code').orderBy('id');
      expect(drugs.map((r) => [r.business_key, r.his_drug_code])).to.deep.equal([
        ['D1-1', 'Y0001'],
        ['T1-1', null],
      ]);
      // The return waits for its sale.
      const now = '2025-07-02T00:00:00.000Z';
      const claimed = await store.claimDue({ now, limit: 10, owner: 'a', leaseUntil: '2025-07-02T00:05:00.000Z' });
      expect(claimed.map((u) => u.businessKey)).to.deep.equal(['D1-1']);
    } finally {
      await store.close();
    }
  });
}

describe('0003-upload-outbox on an existing SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracegate-upgrade-'));
  const config: StoreConfig = { client: 'sqlite', filename: join(dir, 'ledger.sqlite') };
  after(() => rmSync(dir, { recursive: true, force: true }));
  upgradeSuite(() => KnexStore.open(config));
});

for (const { kind, name } of [
  { kind: 'postgres', name: 'PostgreSQL' },
  { kind: 'mariadb', name: 'MariaDB' },
] as const) {
  await describeWithDatabase(kind, `0003-upload-outbox on an existing ${name} store`, () => {
    let scratch: ScratchDatabase | undefined;
    before(async () => {
      scratch = await createScratchDatabase(kind);
    });
    after(async () => {
      await scratch?.drop();
    });
    upgradeSuite(() => KnexStore.open(scratch!.config));
  });
}
