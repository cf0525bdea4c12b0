/**
 * OVER_QUANTITY (超量开药): a prescription line handing out more boxes of one drug than overQuantity allows
 * (perDrug, else maxBoxesPerLine). The seed case had up to 26 boxes of one drug on one prescription.
 * Risk: twice the limit or more → high; else medium.
 */
import type { DispenseOrder, Session } from '../../window/session.js';
import type { Finding } from '../anomaly.js';
import { lineBoxes } from '../line-boxes.js';
import { boxLimitOf } from '../thresholds.js';
import { capped, drugText, type RuleContext } from './rule-context.js';

export const OVER_QUANTITY = 'OVER_QUANTITY';

export interface OverQuantityLine {
  lineNo: number;
  hisDrugCode: string;
  drugName: string;
  quantity: number;
  unit: string;
  boxes: number;
  limit: number;
  vbp: boolean;
}

export interface OverQuantityEvidence {
  sessionId: string;
  prescriptionNo: string;
  at: string;
  patientId: string;
  patientName: string;
  doctorName: string | null;
  settlementType: string;
  pharmacist: string;
  location: string | null;
  agent: DispenseOrder['agent'] | null;
  lines: OverQuantityLine[];
}

export function overQuantity(sessions: readonly Session[], ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const s of sessions) {
    if (s.kind !== 'dispense' || s.state !== 'completed') {
      continue;
    }
    const order = s.order as DispenseOrder;
    const lines = s.plan.flatMap((plan): OverQuantityLine[] => {
      const limit = boxLimitOf(ctx.thresholds.overQuantity, plan.hisDrugCode);
      const boxes = lineBoxes(plan);
      const line = order.lines.find((l) => l.lineNo === plan.lineNo);
      return boxes > limit && line
        ? [
            {
              lineNo: plan.lineNo,
              hisDrugCode: plan.hisDrugCode,
              drugName: plan.drugName,
              quantity: line.quantity,
              unit: line.unit,
              boxes,
              limit,
              vbp: ctx.drugOf(plan.hisDrugCode)?.vbpFlag ?? false,
            },
          ]
        : [];
    });
    if (lines.length > 0) {
      out.push(finding(s, order, lines, ctx));
    }
  }
  return out;
}

function finding(s: Session, order: DispenseOrder, lines: OverQuantityLine[], ctx: RuleContext): Finding {
  const at = s.completedAt ?? s.createdAt;
  const evidence: OverQuantityEvidence = {
    sessionId: s.id,
    prescriptionNo: order.prescriptionNo,
    at,
    patientId: order.patientId,
    patientName: order.patientName,
    doctorName: order.doctorName,
    settlementType: order.settlementType,
    pharmacist: s.completedBy ?? s.createdBy,
    location: s.location,
    agent: order.agent ?? null,
    lines,
  };
  const worst = [...lines].sort((a, b) => b.boxes / b.limit - a.boxes / a.limit)[0]!;
  const codes = s.scans
    .filter((x) => !x.withdrawn && x.result !== 'rejected')
    .flatMap((x) => x.assignments.filter((a) => lines.some((l) => l.lineNo === a.lineNo)).map((a) => a.traceCode));
  const doctor = order.doctorName ? `，医生 ${order.doctorName}` : '';
  return {
    type: OVER_QUANTITY,
    subjectKey: s.id,
    risk: lines.some((l) => l.boxes >= 2 * l.limit) ? 'high' : 'medium',
    hisDrugCode: worst.hisDrugCode,
    traceCodes: capped([...new Set(codes)]),
    evidence: evidence as unknown as Record<string, unknown>,
    summary:
      `处方 ${order.prescriptionNo}（${order.patientName}${doctor}）${drugText(ctx, worst.hisDrugCode)} ${worst.boxes} 盒，` +
      `超过每行上限 ${worst.limit} 盒` +
      (lines.length > 1 ? `（共 ${lines.length} 行超量）` : ''),
    occurredAt: at,
  };
}
