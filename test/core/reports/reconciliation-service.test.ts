/** The reconciliation use case over the memory store and its twin: windows, samples, exempt drugs, errors. */
import { expect } from 'chai';
import { MemoryReconciliation } from '../../../adapters/store/memory-reconciliation.js';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import { CatalogService } from '../../../core/catalog/catalog-service.js';
import type { TracegateError } from '../../../core/errors.js';
import { LedgerService } from '../../../core/ledger/ledger-service.js';
import { DailyReportService } from '../../../core/reports/daily-report-service.js';
import { BookStockService } from '../../../core/reports/reconciliation/book-stock-service.js';
import { ReconciliationService } from '../../../core/reports/reconciliation/reconciliation-service.js';
import { demoCode, demoDrugs } from '../../../plugin/demo/demo-catalog.js';
import { TestClock } from '../../support/demo-world.js';

async function rejected(p: Promise<unknown>): Promise<TracegateError> {
  try {
    await p;
  } catch (e) {
    return e as TracegateError;
  }
  throw new Error('expected a rejection');
}

describe('ReconciliationService (memory store)', () => {
  let store: MemoryStore;
  let clock: TestClock;
  let ledger: LedgerService;
  let service: ReconciliationService;
  let bookStock: BookStockService;
  const A = (n: number) => demoCode('8101001', n);

  beforeEach(async () => {
    store = new MemoryStore();
    clock = new TestClock(new Date('2026-11-20T02:00:00.000Z'));
    const catalog = new CatalogService(store, clock, 0);
    await catalog.save(demoDrugs, 'test', 'import');
    ledger = new LedgerService(store, store, catalog, clock);
    const recon = new MemoryReconciliation(store);
    service = new ReconciliationService(recon, catalog, clock);
    bookStock = new BookStockService(recon, catalog, clock);
    await ledger.receive({ actor: '库管', scans: [1, 2, 3, 4, 5, 6].map(A) });
    clock.current = new Date('2026-11-25T02:00:00.000Z');
    await ledger.apply({ traceCodes: [A(1)], action: 'scrap', actor: '药剂科', reason: '破损' });
    clock.current = new Date('2026-11-29T02:00:00.000Z');
    await ledger.apply({ traceCodes: [A(2)], action: 'scrap', actor: '药剂科', reason: '破损' });
  });

  it('reconciles every drug with packs or a book figure, leaving out 无码 drugs, with the first codes', async () => {
    await bookStock.save(
      [
        { hisDrugCode: 'Y0001', asOf: '2026-11-29', quantity: 6, units: null },
        { hisDrugCode: 'Y0004', asOf: '2026-11-29', quantity: 300, units: null },
      ],
      'api',
      '药剂科'
    );
    const report = await service.report({ codes: 1 });
    expect(report).to.include({ asOf: '2026-11-29', basis: 'current', since: null });
    expect(report.drugs.map((d) => d.hisDrugCode)).to.deep.equal(['Y0001']);
    const drug = report.drugs[0]!;
    expect(drug).to.include({ variance: 2, explained: 2, unexplained: 0 });
    expect(drug.categories.find((c) => c.category === 'scrapped')).to.deep.include({
      count: 2,
      codes: [A(1)],
      more: true,
    });
  });

  it('counts from the day after the last inventory count, or from a given day', async () => {
    await store.commit(
      [],
      [
        {
          infno: '3501',
          businessKey: 'INV-1',
          sessionId: 'INV',
          payload: { fixmedins_hilist_id: 'Y0001', invdate: '2026-11-26', inv_cnt: 5 },
          createdAt: '2026-11-26T02:00:00.000Z',
          source: 'ledger',
          orderKeys: ['bchno:INV-1'],
          state: 'pending',
        },
      ]
    );
    const counted = (await service.report({ hisDrugCode: 'Y0001' })).drugs[0]!;
    expect(counted.window).to.deep.equal({ from: '2026-11-27', to: '2026-11-29', basis: 'last-count' });
    expect(counted.lastCount).to.deep.equal({ date: '2026-11-26', packs: 5 });
    expect(counted.categories.find((c) => c.category === 'scrapped')).to.include({ count: 1 });
    const page = await service.codes({ hisDrugCode: 'Y0001', category: 'scrapped' });
    expect(page.codes.map((c) => c.traceCode)).to.deep.equal([A(2)]);
    expect(page.window?.basis).to.equal('last-count');
    const all = (await service.report({ hisDrugCode: 'Y0001', since: '2026-11-01' })).drugs[0]!;
    expect(all.categories.find((c) => c.category === 'scrapped')).to.include({ count: 2 });
  });

  it('answers as of the end of an earlier day from the events', async () => {
    const report = await service.report({ asOf: '2026-11-26' });
    expect(report.basis).to.equal('end-of-day');
    expect(report.drugs[0]!.ledger).to.include({ inStock: 5, scrapped: 1 });
    const page = await service.codes({ hisDrugCode: 'Y0001', category: 'in_stock', asOf: '2026-11-26', limit: 2 });
    expect(page).to.include({ basis: 'end-of-day', nextOffset: 2 });
    expect(page.codes.map((c) => c.traceCode)).to.deep.equal([A(2), A(3)]);
    const rest = await service.allCodes({ hisDrugCode: 'Y0001', category: 'in_stock', asOf: '2026-11-26' });
    expect(rest.codes).to.have.length(5);
  });

  it('refuses a day in the future, a window starting after it, an unknown category and bad paging', async () => {
    expect((await rejected(service.report({ asOf: '2026-11-30' }))).code).to.equal('AS_OF_IN_FUTURE');
    expect((await rejected(service.report({ asOf: '2026-11-20', since: '2026-11-21' }))).code).to.equal(
      'SINCE_AFTER_AS_OF'
    );
    expect((await rejected(service.report({ codes: 51 }))).code).to.equal('SAMPLE_INVALID');
    expect((await rejected(service.codes({ hisDrugCode: 'Y0001', category: 'unexplained' }))).code).to.equal(
      'CATEGORY_INVALID'
    );
    expect((await rejected(service.codes({ hisDrugCode: 'Y0001', category: 'in_stock', limit: 0 }))).code).to.equal(
      'PAGE_INVALID'
    );
  });

  it('gives the daily trend over the last N days, anomalies null without a counter', async () => {
    const daily = new DailyReportService(new MemoryReconciliation(store), clock);
    const report = await daily.daily(10);
    expect(report).to.include({ from: '2026-11-20', to: '2026-11-29' });
    expect(report.days[0]).to.include({ date: '2026-11-20', received: 6, anomalies: null });
    expect((await rejected(daily.daily(0))).code).to.equal('DAYS_INVALID');
    const counted = new DailyReportService(new MemoryReconciliation(store), clock, {
      anomaliesPerDay: async () => ({ '2026-11-29': 3 }),
    });
    expect((await counted.daily(1)).days).to.deep.equal([
      {
        date: '2026-11-29',
        received: 0,
        dispensed: 0,
        splitDispensed: 0,
        returned: 0,
        dispensedNeverReceived: 0,
        refusedScans: 0,
        uploadsDelivered: 0,
        uploadsFailed: 0,
        anomalies: 3,
      },
    ]);
  });
});
