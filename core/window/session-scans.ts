/** What a session's scans add up to: only scans still standing (not withdrawn, accepted or warned) count. */
import type {
  Assignment,
  DispenseOrder,
  ReceiptOrder,
  ReturnOrder,
  Session,
  SessionKind,
  SessionScan,
} from './session.js';

export function countedScans(session: Session): SessionScan[] {
  return session.scans.filter((s) => !s.withdrawn && (s.result === 'accepted' || s.result === 'warning'));
}

export function countedAssignments(session: Session): Assignment[] {
  return countedScans(session).flatMap((s) => s.assignments);
}

/** Every code already standing in the session: unit codes, and the case/middle codes they were scanned through. */
export function codesInSession(session: Session): Set<string> {
  const codes = new Set<string>();
  for (const scan of countedScans(session)) {
    if (scan.traceCode !== null) {
      codes.add(scan.traceCode);
    }
    for (const a of scan.assignments) {
      codes.add(a.traceCode);
      if (a.via !== null) {
        codes.add(a.via);
      }
    }
  }
  return codes;
}

/** The distinct unit codes on one line, in the order they were scanned. */
export function codesOnLine(session: Session, lineNo: number): string[] {
  return [
    ...new Set(
      countedAssignments(session)
        .filter((a) => a.lineNo === lineNo)
        .map((a) => a.traceCode)
    ),
  ];
}

// The session document keeps its order as a union; these say which one it is, or that the caller mixed them up.
export function dispenseOrderOf(session: Session): DispenseOrder {
  return orderOf(session, 'dispense') as DispenseOrder;
}

export function receiptOrderOf(session: Session): ReceiptOrder {
  return orderOf(session, 'receipt') as ReceiptOrder;
}

export function returnOrderOf(session: Session): ReturnOrder {
  return orderOf(session, 'return') as ReturnOrder;
}

function orderOf(session: Session, kind: SessionKind): Session['order'] {
  if (session.kind !== kind) {
    // A programming error in the caller (a receipt session handed to the dispense rules), not a scan problem.
    throw new Error(`session ${session.id} is a ${session.kind} session, expected ${kind}`);
  }
  return session.order;
}
