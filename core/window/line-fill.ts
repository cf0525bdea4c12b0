/** How full each line is, and which line the next pack of a drug goes to. */
import { countedAssignments } from './session-scans.js';
import type { LinePlan, Session } from './session.js';

export interface LineFill {
  line: LinePlan;
  /** Distinct whole packs standing on the line. */
  whole: number;
  /** Whether a pack has been scanned for the line's 拆零 remainder. */
  splitServed: boolean;
}

export function lineFills(session: Session): LineFill[] {
  const whole = new Map<number, Set<string>>();
  const split = new Set<number>();
  for (const a of countedAssignments(session)) {
    if (a.role === 'split') {
      split.add(a.lineNo);
    } else {
      const codes = whole.get(a.lineNo) ?? new Set<string>();
      codes.add(a.traceCode);
      whole.set(a.lineNo, codes);
    }
  }
  return [...session.plan]
    .sort((a, b) => a.lineNo - b.lineNo)
    .map((line) => ({ line, whole: whole.get(line.lineNo)?.size ?? 0, splitServed: split.has(line.lineNo) }));
}

/** The coded and exempt lines of one drug, in lineNo order. */
export function fillsOfDrug(session: Session, hisDrugCode: string): LineFill[] {
  return lineFills(session).filter((f) => f.line.hisDrugCode === hisDrugCode);
}

export function needsWhole(f: LineFill): boolean {
  return f.whole < f.line.packs;
}

export function needsSplit(f: LineFill): boolean {
  return f.line.splitUnits > 0 && !f.splitServed;
}

/** Whole packs are interchangeable, so the first line (by lineNo) still short of packs takes the next one. */
export function firstNeedingWhole(fills: LineFill[]): LineFill | undefined {
  return fills.find(needsWhole);
}

/**
 * A pack with `available` units takes the unserved split with the MOST units it can cover (ties: lower lineNo).
 * First-fit by lineNo would let a big opened pack take a small split that a smaller opened pack, scanned later,
 * could have served, and then refuse that one; largest-that-fits never does, whatever the scan order.
 */
export function bestSplitLine(fills: LineFill[], available: number): LineFill | undefined {
  let best: LineFill | undefined;
  for (const f of fills) {
    if (needsSplit(f) && f.line.splitUnits <= available && (!best || f.line.splitUnits > best.line.splitUnits)) {
      best = f;
    }
  }
  return best;
}

export function wholeRoom(fills: LineFill[]): number {
  return fills.reduce((n, f) => n + Math.max(0, f.line.packs - f.whole), 0);
}
