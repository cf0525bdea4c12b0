/**
 * The HIS database channel's stock query against REAL PostgreSQL and MariaDB acting as the HIS (the sample HIS's
 * his_stock_daily), into tracegate's book stock (in memory): on demand for a day, and with the catalog sync.
 */
import { expect } from 'chai';
import { createHisDbChannel, type HisDbChannelRuntime } from '../../../adapters/his-db/create-his-db-channel.js';
import { MemoryReconciliation } from '../../../adapters/store/memory-reconciliation.js';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import { isTracegateError } from '../../../core/errors.js';
import { BookStockService } from '../../../core/reports/reconciliation/book-stock-service.js';
import { channelWorld, type ChannelWorld } from '../../support/channel-world.js';
import { describeWithDatabase } from '../../support/databases.js';
import { recordingLog } from '../../support/recording-log.js';
import { hisConfigFor, hisDatabase } from './his-db-support.js';

for (const [kind, label] of [
  ['postgres', 'PostgreSQL'],
  ['mariadb', 'MariaDB'],
] as const) {
  await describeWithDatabase(kind, `HIS book stock: ${label} as the HIS`, () => {
    const db = hisDatabase(kind);
    let runtime: HisDbChannelRuntime | undefined;

    afterEach(async () => {
      await runtime?.stop();
      runtime = undefined;
    });

    function setUp(w: ChannelWorld, overrides: Record<string, unknown> = {}) {
      const store = w.store as MemoryStore;
      const bookStock = new BookStockService(new MemoryReconciliation(store), w.catalog, w.clock);
      runtime = createHisDbChannel(hisConfigFor(kind, db.scratch, overrides), {
        inbound: w.inbound,
        store: w.store,
        catalog: w.catalog,
        clock: w.clock,
        log: recordingLog(),
        bookStock,
      });
      return { runtime, bookStock };
    }

    it('reads a day’s stock: whole boxes, loose units, fractional boxes split, unknown drugs left out', async () => {
      const w = await channelWorld(1, new MemoryStore());
      const { runtime, bookStock } = setUp(w);
      await runtime.syncCatalog();
      expect(await runtime.syncBookStock('2026-11-29')).to.deep.equal({
        asOf: '2026-11-29',
        rows: 4,
        saved: 3,
        skipped: 1,
      });
      const figures = (await bookStock.list('2026-11-29')).map((b) => [
        b.hisDrugCode,
        b.asOf,
        b.quantity,
        b.units,
        b.source,
      ]);
      expect(figures).to.deep.equal([
        ['H0101', '2026-11-29', 5, 10, 'his-db'],
        ['H0102', '2026-11-29', 500, null, 'his-db'],
        ['Y0001', '2026-11-29', 10, 3, 'his-db'],
      ]);
      expect(await runtime.syncBookStock('2026-11-28')).to.include({ saved: 1 });
      expect((await bookStock.list('2026-11-28', 'Y0001'))[0]).to.include({ quantity: 12, units: null });
      expect((await bookStock.list('2026-11-28', 'Y0001'))[0]?.recordedBy).to.equal(
        `his-db:his-${kind === 'postgres' ? 'pg' : 'mysql'}`
      );

      await db.his('his_stock_daily').where({ drug_code: 'Y0001', stock_date: '2026-11-29' }).update({ loose_qty: -1 });
      const e = await runtime.syncBookStock('2026-11-29').then(
        () => null,
        (x: unknown) => x
      );
      expect(isTracegateError(e) && e.code).to.equal('HISDB_VALUE_INVALID');
      expect((e as Error).message)
        .to.contain('units')
        .and.contain('拆零数量');
    });

    it('syncs the book stock with the catalog, for today', async () => {
      const w = await channelWorld(1, new MemoryStore());
      w.clock.current = new Date('2026-11-29T02:00:00.000Z');
      const { runtime, bookStock } = setUp(w, { pollMs: 60_000 });
      await runtime.start();
      const deadline = Date.now() + 10_000;
      while ((await bookStock.list('2026-11-29')).length < 3 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await bookStock.list('2026-11-29')).map((b) => b.hisDrugCode)).to.deep.equal(['H0101', 'H0102', 'Y0001']);
    });
  });
}
