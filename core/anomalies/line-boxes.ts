/** How many boxes a prescription line hands out: whole smallest coded packs, a 拆零 remainder counting as one box. */
import type { LinePlan, Session } from '../window/session.js';

export function lineBoxes(line: Pick<LinePlan, 'packs' | 'splitUnits' | 'exempt'>): number {
  return line.exempt ? 0 : line.packs + (line.splitUnits > 0 ? 1 : 0);
}

/** The largest line of a dispense (null for receipts and returns): what the store keeps to find over-quantity. */
export function largestLineBoxes(session: Session): number | null {
  if (session.kind !== 'dispense') {
    return null;
  }
  return session.plan.reduce((max, line) => Math.max(max, lineBoxes(line)), 0);
}
