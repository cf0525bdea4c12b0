import type { LedgerStep } from '../ledger/ledger-service.js';
import type { Assignment, DispenseOrder, ReceiptLine, ReceiptOrder, ReturnOrder, Session } from './session.js';
import type { WindowPolicy } from './window-policy.js';

/** The assignments that count: from scans not taken back and not refused. */
export function liveAssignments(session: Session): Assignment[] {
  return session.scans.filter((s) => !s.withdrawn && s.result !== 'rejected').flatMap((s) => s.assignments);
}

function noteLine(session: Session, lineNo: number): ReceiptLine | undefined {
  return (session.order as ReceiptOrder).lines.find((l) => l.lineNo === lineNo);
}

/** The ledger steps completing a session commits, in scan order. */
export function completionSteps(session: Session, policy: WindowPolicy, originals: Session[]): LedgerStep[] {
  const lineOf = new Map(session.plan.map((l) => [l.lineNo, l]));
  const steps: LedgerStep[] = [];
  for (const a of liveAssignments(session)) {
    const line = lineOf.get(a.lineNo);
    const via = a.via ? { via: a.via } : null;
    switch (session.kind) {
      case 'receipt':
        steps.push({
          traceCode: a.traceCode,
          action: 'receive',
          hisDrugCode: line?.hisDrugCode,
          lot: line?.lot ?? null,
          expiry: line?.expiry ?? null,
          manufactureDate: noteLine(session, a.lineNo)?.manufactureDate ?? null,
          details: via,
        });
        break;
      case 'dispense':
        if (a.stateAtScan === null) {
          // Dispensed although never received here (policy: warn): the ledger says so in its own event.
          steps.push({
            traceCode: a.traceCode,
            action: 'receive',
            hisDrugCode: line?.hisDrugCode,
            reason: '发药时发现未入库（补记入库）',
            details: { implicit: true, prescriptionNo: (session.order as DispenseOrder).prescriptionNo },
          });
        }
        steps.push(
          a.role === 'split'
            ? {
                traceCode: a.traceCode,
                action: 'dispense_units',
                units: a.units ?? line?.splitUnits ?? 0,
                details: via,
              }
            : { traceCode: a.traceCode, action: 'dispense', details: via }
        );
        break;
      case 'return':
        steps.push({
          traceCode: a.traceCode,
          action: policy.returnDisposition === 'quarantine' ? 'return_to_quarantine' : 'return_to_stock',
          reason: (session.order as ReturnOrder).reason ?? '退药',
          details: { originalSession: originalOf(a.traceCode, originals) },
        });
        break;
      default:
        return session.kind satisfies never;
    }
  }
  return steps;
}

function originalOf(traceCode: string, originals: Session[]): string | null {
  return originals.find((o) => liveAssignments(o).some((a) => a.traceCode === traceCode))?.id ?? null;
}
