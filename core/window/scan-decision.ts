/** The shape of one scan's decision at the window, shared by dispense, return and receipt. */
import type { ResolvedCode } from '../catalog/catalog-service.js';
import type { Pack } from '../ledger/pack.js';
import type { Assignment, ScanProblemInfo, ScanResult, Session } from './session.js';
import type { WindowPolicy } from './window-policy.js';

/** One unit pack a scan stands for: the code itself, or one of a case's/middle's units expanded by the caller. */
export interface ScannedUnit {
  traceCode: string;
  /** The ledger's pack, null when the code is not in the ledger. */
  pack: Pack | null;
  /** The scanned case/middle code it came in; null for a unit scanned itself. */
  via: string | null;
}

export interface ScanInput {
  /** Current state: the plan and earlier scans (only non-withdrawn accepted/warning scans count). */
  session: Session;
  raw: string;
  /** Recognised and mapped: trace code, owner drug and pack level, the scan (GS1 lot/expiry). */
  resolved: ResolvedCode;
  /** For a unit code: [itself]; for a case/middle: its expanded units with their packs. */
  units: ScannedUnit[];
  /** yyyy-MM-dd, the hospital's local date. */
  today: string;
  /** ISO time with offset. */
  now: string;
  policy: WindowPolicy;
}

export interface ScanDecision {
  result: ScanResult;
  /** What the scan puts on the lines; empty when rejected or a duplicate. */
  assignments: Assignment[];
  problem: ScanProblemInfo | null;
  /** The same code again in this session: a harmless no-op, not an alert (verification-anchors §1.4–1.5). */
  duplicate: boolean;
}

export function rejectedScan(code: string, message: string): ScanDecision {
  return { result: 'rejected', assignments: [], problem: { code, message }, duplicate: false };
}

export function duplicateScan(): ScanDecision {
  return { result: 'accepted', assignments: [], problem: null, duplicate: true };
}

/** Accepted, or accepted with a warning the pharmacist sees and the audit keeps. */
export function acceptedScan(assignments: Assignment[], warning: ScanProblemInfo | null): ScanDecision {
  return { result: warning ? 'warning' : 'accepted', assignments, problem: warning, duplicate: false };
}

export function gs1LotAndExpiry(resolved: ResolvedCode): { lot: string | null; expiry: string | null } | null {
  return resolved.scan.kind === 'gs1' ? { lot: resolved.scan.lot, expiry: resolved.scan.expiry } : null;
}

/** A unit code stands for exactly one unit; anything else is the caller's mistake, not a scan problem. */
export function requireUnits(input: ScanInput): void {
  if (input.resolved.owner.packLevel === 1 && input.units.length !== 1) {
    throw new Error(
      `a unit code stands for exactly one unit, got ${input.units.length} for ${input.resolved.traceCode}`
    );
  }
}
