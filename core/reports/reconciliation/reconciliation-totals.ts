/** The totals line of a reconciliation: sums over the drugs (variance only over drugs with a book figure). */
import type { DrugReconciliation, LedgerCounts, ReconciliationTotals } from './reconciliation.js';
import { ReconciliationCategories, type ReconciliationCategory } from './reconciliation-categories.js';

const LEDGER_KEYS = [
  'inStock',
  'opened',
  'openedUnitsLeft',
  'quarantined',
  'scrapped',
  'transferredOut',
  'dispensed',
] as const satisfies readonly (keyof LedgerCounts)[];

export function reconciliationTotals(drugs: readonly DrugReconciliation[]): ReconciliationTotals {
  const ledger = Object.fromEntries(LEDGER_KEYS.map((k) => [k, 0])) as unknown as LedgerCounts;
  const categories = Object.fromEntries(ReconciliationCategories.map((c) => [c, 0])) as Record<
    ReconciliationCategory,
    number
  >;
  const totals: ReconciliationTotals = {
    drugs: drugs.length,
    withBook: 0,
    withVariance: 0,
    withUnexplained: 0,
    bookQuantity: 0,
    ledger,
    variance: 0,
    explained: 0,
    unexplained: 0,
    categories,
  };
  for (const d of drugs) {
    for (const k of LEDGER_KEYS) {
      ledger[k] += d.ledger[k];
    }
    for (const c of d.categories) {
      categories[c.category] += c.count;
    }
    if (d.book) {
      totals.withBook++;
      totals.bookQuantity += d.book.quantity;
    }
    totals.variance += d.variance ?? 0;
    totals.explained += d.explained ?? 0;
    totals.unexplained += d.unexplained ?? 0;
    totals.withVariance += d.variance !== null && d.variance !== 0 ? 1 : 0;
    totals.withUnexplained += d.unexplained !== null && d.unexplained !== 0 ? 1 : 0;
  }
  return totals;
}
