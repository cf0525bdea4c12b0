/** Ledger rules shared by the knex store and its memory twin. */
import type { LedgerChange } from '../../core/ledger/pack.js';

/**
 * A change whose parts disagree about which pack or which seq they describe is a programming error in the
 * caller; writing it would corrupt the seq chain that the (trace_code, seq) key relies on.
 */
export function assertChangeShape(change: LedgerChange): void {
  const { before, after, event } = change;
  if (
    event.traceCode !== after.traceCode ||
    event.seq !== after.seq ||
    (before && before.traceCode !== after.traceCode)
  ) {
    throw new Error(
      `invalid ledger change for ${after.traceCode}: before/after/event must name one pack and event.seq must equal after.seq`
    );
  }
}

/** Codes that appear more than once in a list, in first-seen order. */
export function duplicatesIn(codes: string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const c of codes) {
    if (seen.has(c)) {
      dups.add(c);
    } else {
      seen.add(c);
    }
  }
  return [...dups];
}
