import { expect } from 'chai';
import type { StateCountRow, WindowEventRow } from '../../../core/ports/reconciliation-store.js';
import type { BookStock } from '../../../core/reports/reconciliation/book-stock.js';
import {
  reconcileDrug,
  windowCounts,
  windowOf,
  type DrugFacts,
} from '../../../core/reports/reconciliation/reconcile-drug.js';
import {
  categoryInfo,
  CodeListCategories,
  ReconciliationCategories,
} from '../../../core/reports/reconciliation/reconciliation-categories.js';
import { reconciliationTotals } from '../../../core/reports/reconciliation/reconciliation-totals.js';

const state = (s: StateCountRow['state'], packs: number, unitsLeft = 0): StateCountRow => ({
  hisDrugCode: 'Y0001',
  state: s,
  packs,
  unitsLeft,
});
const book = (quantity: number, units: number | null = null): BookStock => ({
  hisDrugCode: 'Y0001',
  asOf: '2026-11-29',
  quantity,
  units,
  source: 'import',
  recordedAt: '2026-11-29T02:00:00.000Z',
  recordedBy: '药剂科',
});
const event = (category: WindowEventRow['category'], hour: string, traceCode: string | null = null, count = 1) => ({
  hisDrugCode: 'Y0001',
  category,
  hour,
  traceCode,
  count,
});

function facts(overrides: Partial<DrugFacts> = {}): DrugFacts {
  return {
    hisDrugCode: 'Y0001',
    drug: { name: '阿托伐他汀钙片', spec: '20mg*7片', unitsPerPack: 7, unitName: '片' },
    asOf: '2026-11-29',
    since: null,
    states: [
      state('in_stock', 5),
      state('opened', 1, 4),
      state('quarantined', 1),
      state('scrapped', 2),
      state('dispensed', 9),
    ],
    book: book(8),
    lastCount: null,
    uploads: [
      { hisDrugCode: 'Y0001', infno: '3505', state: 'delivered', rows: 3 },
      { hisDrugCode: 'Y0001', infno: '3505', state: 'ambiguous', rows: 1 },
      { hisDrugCode: 'Y0001', infno: '3505', state: 'pending', rows: 1 },
      { hisDrugCode: 'Y0001', infno: '3505', state: 'dead', rows: 1 },
      { hisDrugCode: 'Y0001', infno: '3506', state: 'held', rows: 2 },
    ],
    windowEvents: [
      event('dispensed_never_received', '2026-11-28T01'),
      event('received_twice', '2026-11-28T01', 'C1'),
      event('received_twice', '2026-11-29T03', 'C1'),
      event('returns_not_matching', '2026-11-29T03', 'C2'),
      event('scrapped', '2026-11-20T03', null, 2),
    ],
    unuploadedCodes: 3,
    ...overrides,
  };
}

describe('reconciliation of one drug (pure)', () => {
  it('compares whole packs in stock with the book, and explains the variance by category', () => {
    const r = reconcileDrug(facts());
    expect(r.ledger).to.deep.equal({
      inStock: 5,
      opened: 1,
      openedUnitsLeft: 4,
      quarantined: 1,
      scrapped: 2,
      transferredOut: 0,
      dispensed: 9,
    });
    expect(r.variance).to.equal(3);
    // −1 never received, +1 received twice (one code, refused on two days), +1 return, +1 opened, +1 quarantined,
    // +2 scrapped; sold-but-not-uploaded does not move the difference.
    expect(r.explained).to.equal(5);
    expect(r.unexplained).to.equal(-2);
    expect(r.categories.map((c) => [c.category, c.count])).to.deep.equal([
      ['dispensed_never_received', 1],
      ['received_twice', 1],
      ['returns_not_matching', 1],
      ['opened', 1],
      ['quarantined', 1],
      ['scrapped', 2],
      ['transferred_out', 0],
      ['sold_not_uploaded', 3],
      ['unexplained', -2],
    ]);
    expect(r.categories.find((c) => c.category === 'unexplained')).to.include({ more: false, label: '无法解释的差异' });
    expect(r.categories.find((c) => c.category === 'scrapped')).to.include({ more: true, effect: 1 });
    expect(r.uploads).to.deep.equal({
      sales: { delivered: 3, pending: 2, failed: 1, held: 0 },
      returns: { delivered: 0, pending: 0, failed: 0, held: 2 },
    });
    expect(r.window).to.deep.equal({ from: null, to: '2026-11-29', basis: 'all' });
  });

  it('compares loose units when the HIS books them, and says nothing without a book figure', () => {
    expect(reconcileDrug(facts({ book: book(8, 6) }))).to.include({ variance: 3, unitsVariance: 2 });
    const none = reconcileDrug(facts({ book: null }));
    expect(none).to.include({ book: null, variance: null, unitsVariance: null, explained: null, unexplained: null });
    expect(none.categories.at(-1)).to.include({ category: 'unexplained', count: 0 });
    expect(reconcileDrug(facts({ drug: undefined }))).to.include({ name: null, unitsPerPack: null });
  });

  it('counts window events from the day after the last inventory count, or from a given day', () => {
    const counted = reconcileDrug(facts({ lastCount: { hisDrugCode: 'Y0001', date: '2026-11-27', packs: 9 } }));
    expect(counted.window).to.deep.equal({ from: '2026-11-28', to: '2026-11-29', basis: 'last-count' });
    expect(counted.lastCount).to.deep.equal({ date: '2026-11-27', packs: 9 });
    expect(counted.categories.find((c) => c.category === 'scrapped')?.count).to.equal(0);
    const since = reconcileDrug(facts({ since: '2026-11-29' }));
    expect(since.window.basis).to.equal('since');
    expect(since.categories.slice(0, 3).map((c) => c.count)).to.deep.equal([0, 1, 1]);
  });

  it('puts an hour in its Shanghai day: 16:00 UTC is already the next day', () => {
    const w = windowOf('2026-11-29', '2026-11-29', null);
    expect(windowCounts([event('scrapped', '2026-11-28T15')], w).scrapped).to.equal(0);
    expect(windowCounts([event('scrapped', '2026-11-28T16')], w).scrapped).to.equal(1);
    expect(windowCounts([event('scrapped', '2026-11-29T16')], w).scrapped, 'after the day').to.equal(0);
  });

  it('has a Chinese label, an effect and a description for every category', () => {
    for (const c of [...ReconciliationCategories, ...CodeListCategories]) {
      expect(categoryInfo[c].label, c).to.match(/[\u4e00-\u9fa5]/);
      expect(categoryInfo[c].description, c).to.match(/[\u4e00-\u9fa5]/);
      expect([1, -1, 0]).to.include(categoryInfo[c].effect);
    }
    expect(CodeListCategories).to.not.include('unexplained');
  });

  it('totals over drugs, variance only where a book figure exists', () => {
    const totals = reconciliationTotals([
      reconcileDrug(facts()),
      reconcileDrug(facts({ hisDrugCode: 'Y0002', book: null })),
    ]);
    expect(totals).to.deep.include({ drugs: 2, withBook: 1, withVariance: 1, withUnexplained: 1, bookQuantity: 8 });
    expect(totals).to.deep.include({ variance: 3, explained: 5, unexplained: -2 });
    expect(totals.ledger.inStock).to.equal(10);
    expect(totals.categories.sold_not_uploaded).to.equal(6);
  });
});
