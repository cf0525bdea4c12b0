/**
 * The pure reconciliation of one drug from the store's aggregates: ledger counts by state, the window, the variance
 * and its explanation. No I/O: the service fetches the aggregates and the first codes of each category.
 */
import type { Drug } from '../../catalog/drug.js';
import type { PackState } from '../../ledger/pack.js';
import type {
  InventoryCountRow,
  StateCountRow,
  UploadCountRow,
  WindowEventRow,
} from '../../ports/reconciliation-store.js';
import { addDays, dayOfHour } from '../shanghai-days.js';
import type { BookStock } from './book-stock.js';
import type {
  CategoryLine,
  DrugReconciliation,
  LedgerCounts,
  ReconciliationWindow,
  UploadTally,
} from './reconciliation.js';
import {
  categoryInfo,
  ReconciliationCategories,
  WindowCategories,
  type ReconciliationCategory,
  type WindowCategory,
} from './reconciliation-categories.js';

export interface DrugFacts {
  hisDrugCode: string;
  drug: Pick<Drug, 'name' | 'spec' | 'unitsPerPack' | 'unitName'> | undefined;
  asOf: string;
  /** The caller's window start, or null. */
  since: string | null;
  states: readonly StateCountRow[];
  book: BookStock | null;
  lastCount: InventoryCountRow | null;
  uploads: readonly UploadCountRow[];
  windowEvents: readonly WindowEventRow[];
  unuploadedCodes: number;
}

export function reconcileDrug(f: DrugFacts): DrugReconciliation {
  const ledger = ledgerCounts(f.states);
  const window = windowOf(f.asOf, f.since, f.lastCount);
  const counts: Record<Exclude<ReconciliationCategory, 'unexplained'>, number> = {
    ...windowCounts(f.windowEvents, window),
    opened: ledger.opened,
    quarantined: ledger.quarantined,
    sold_not_uploaded: f.unuploadedCodes,
  };
  const variance = f.book ? f.book.quantity - ledger.inStock : null;
  const explained = variance === null ? null : explainedBy(counts);
  const unexplained = variance === null || explained === null ? null : variance - explained;
  return {
    hisDrugCode: f.hisDrugCode,
    name: f.drug?.name ?? null,
    spec: f.drug?.spec ?? null,
    unitsPerPack: f.drug?.unitsPerPack ?? null,
    unitName: f.drug?.unitName ?? null,
    book: f.book
      ? {
          quantity: f.book.quantity,
          units: f.book.units,
          asOf: f.book.asOf,
          source: f.book.source,
          recordedAt: f.book.recordedAt,
          recordedBy: f.book.recordedBy,
        }
      : null,
    ledger,
    lastCount: f.lastCount ? { date: f.lastCount.date, packs: f.lastCount.packs } : null,
    uploads: { sales: tally(f.uploads, '3505'), returns: tally(f.uploads, '3506') },
    window,
    variance,
    unitsVariance: f.book?.units != null ? f.book.units - ledger.openedUnitsLeft : null,
    explained,
    unexplained,
    categories: ReconciliationCategories.map((category) =>
      line(category, category === 'unexplained' ? (unexplained ?? 0) : counts[category])
    ),
  };
}

export function ledgerCounts(rows: readonly StateCountRow[]): LedgerCounts {
  const packs = (state: PackState): number => rows.filter((r) => r.state === state).reduce((n, r) => n + r.packs, 0);
  return {
    inStock: packs('in_stock'),
    opened: packs('opened'),
    openedUnitsLeft: rows.filter((r) => r.state === 'opened').reduce((n, r) => n + r.unitsLeft, 0),
    quarantined: packs('quarantined'),
    scrapped: packs('scrapped'),
    transferredOut: packs('transferred_out'),
    dispensed: packs('dispensed'),
  };
}

/** From the caller's date, else the day after the last inventory count (it settled what came before), else all. */
export function windowOf(
  asOf: string,
  since: string | null,
  lastCount: InventoryCountRow | null
): ReconciliationWindow {
  if (since !== null) {
    return { from: since, to: asOf, basis: 'since' };
  }
  if (lastCount) {
    return { from: addDays(lastCount.date, 1), to: asOf, basis: 'last-count' };
  }
  return { from: null, to: asOf, basis: 'all' };
}

/** Events in the window per category: refused codes counted once each, ledger events one per pack. */
export function windowCounts(
  rows: readonly WindowEventRow[],
  window: ReconciliationWindow
): Record<WindowCategory, number> {
  // Rows without an hour were asked for this drug's own window already.
  const inWindow = rows.filter((r) => {
    const day = r.hour === null ? null : dayOfHour(r.hour);
    return day === null || ((window.from === null || day >= window.from) && day <= window.to);
  });
  const out = {} as Record<WindowCategory, number>;
  for (const category of WindowCategories) {
    const mine = inWindow.filter((r) => r.category === category);
    const distinct = new Set(mine.filter((r) => r.traceCode !== null).map((r) => r.traceCode));
    out[category] = distinct.size + mine.filter((r) => r.traceCode === null).reduce((n, r) => n + r.count, 0);
  }
  return out;
}

function explainedBy(counts: Record<Exclude<ReconciliationCategory, 'unexplained'>, number>): number {
  return Object.entries(counts).reduce(
    (n, [category, count]) => n + categoryInfo[category as keyof typeof counts].effect * count,
    0
  );
}

function tally(rows: readonly UploadCountRow[], infno: '3505' | '3506'): UploadTally {
  const out: UploadTally = { delivered: 0, pending: 0, failed: 0, held: 0 };
  for (const r of rows.filter((x) => x.infno === infno)) {
    switch (r.state) {
      case 'delivered':
        out.delivered += r.rows;
        break;
      case 'pending':
      case 'sending':
      case 'ambiguous':
        out.pending += r.rows;
        break;
      case 'dead':
        out.failed += r.rows;
        break;
      case 'held':
        out.held += r.rows;
        break;
      default:
        return r.state satisfies never;
    }
  }
  return out;
}

function line(category: ReconciliationCategory, count: number): CategoryLine {
  const info = categoryInfo[category];
  // The remainder has no codes of its own: it is what is left to find by counting the shelf.
  return {
    category,
    label: info.label,
    effect: info.effect,
    count,
    codes: [],
    more: category !== 'unexplained' && count > 0,
  };
}
