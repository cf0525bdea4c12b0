/** Which codes a return may bring back: those the original dispense sessions put on their lines. */
import { countedAssignments, dispenseOrderOf } from './session-scans.js';
import type { ScanRole, Session } from './session.js';

export interface DispensedCode {
  sessionId: string;
  lineNo: number;
  /** ISO time the dispense session was completed. */
  completedAt: string;
  prescriptionNo: string;
  visitNo: string;
  /** 'split' when the pack only gave 拆零 units (it cannot come back as a whole pack); absent = whole. */
  role?: ScanRole;
}

/** Completed dispense sessions only; when a code was dispensed twice (after a return), the later sale wins. */
export function dispensedCodes(originals: Session[]): Map<string, DispensedCode> {
  const completed = originals
    .filter((s) => s.kind === 'dispense' && s.state === 'completed' && s.completedAt !== null)
    .sort((a, b) => Date.parse(a.completedAt as string) - Date.parse(b.completedAt as string));
  const codes = new Map<string, DispensedCode>();
  for (const session of completed) {
    const order = dispenseOrderOf(session);
    for (const a of countedAssignments(session)) {
      codes.set(a.traceCode, {
        sessionId: session.id,
        lineNo: a.lineNo,
        completedAt: session.completedAt as string,
        prescriptionNo: order.prescriptionNo,
        visitNo: order.visitNo,
        role: a.role,
      });
    }
  }
  return codes;
}
