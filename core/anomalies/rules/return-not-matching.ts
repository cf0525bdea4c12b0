/**
 * RETURN_NOT_MATCHING (退药退码, 药码一致才能退药): a return where a box brought back was not the one dispensed on
 * the original sale. The window refuses such scans; this rule gathers the refusals per return session.
 * Risk: the highest over its refusals — a box never in this hospital, one already returned, or one sold again
 * since (a second refund, an outside box) → high; a box from another sale or of another drug → medium;
 * a drug not on the return, a split (拆零) pack → low.
 */
import type { AuditedScan } from '../../ports/anomaly-store.js';
import type { Finding, RiskLevel } from '../anomaly.js';
import { higherRisk } from '../anomaly.js';
import { capped, latest, when, type RuleContext } from './rule-context.js';

export const RETURN_NOT_MATCHING = 'RETURN_NOT_MATCHING';

/** The window's return refusals that mean "not the box that was dispensed", and their risk. */
export const returnMismatchRisk: Record<string, RiskLevel> = {
  CODE_NOT_IN_LEDGER: 'high',
  RETURN_ALREADY_RETURNED: 'high',
  RETURN_CODE_DISPENSED_AGAIN: 'high',
  RETURN_CODE_NOT_DISPENSED_HERE: 'medium',
  CODE_DRUG_MISMATCH: 'medium',
  DRUG_NOT_ON_RETURN: 'low',
  RETURN_SPLIT_PACK: 'low',
};

export const RETURN_MISMATCH_CODES = Object.keys(returnMismatchRisk);

export interface RefusedReturnScan {
  at: string;
  pharmacist: string;
  traceCode: string | null;
  raw: string | null;
  code: string;
  reason: string;
  /** Where the box is now, when the ledger knows it. */
  packState: string | null;
  packRef: string | null;
}

export interface ReturnMismatchEvidence {
  returnId: string;
  returnState: string;
  prescriptionNo: string | null;
  visitNo: string | null;
  /** The patient of the original sale. */
  patientName: string | null;
  takenBy: string;
  location: string | null;
  refusals: RefusedReturnScan[];
}

export function returnNotMatching(scans: readonly AuditedScan[], ctx: RuleContext): Finding[] {
  const bySession = new Map<string, AuditedScan[]>();
  for (const s of scans) {
    if (s.sessionId && s.session?.kind === 'return' && s.code in returnMismatchRisk) {
      const list = bySession.get(s.sessionId) ?? [];
      list.push(s);
      bySession.set(s.sessionId, list);
    }
  }
  return [...bySession].map(([id, list]) => finding(id, list, ctx));
}

function finding(returnId: string, scans: AuditedScan[], ctx: RuleContext): Finding {
  const session = scans[0]!.session!;
  const original = session.prescriptionNo ? ctx.dispenses.get(session.prescriptionNo) : undefined;
  const evidence: ReturnMismatchEvidence = {
    returnId,
    returnState: session.state,
    prescriptionNo: session.prescriptionNo,
    visitNo: session.visitNo,
    patientName: original?.patientName ?? null,
    takenBy: session.createdBy,
    location: session.location,
    refusals: capped(
      scans.map((s) => ({
        at: s.at,
        pharmacist: s.actor,
        traceCode: s.traceCode,
        raw: s.raw,
        code: s.code,
        reason: s.reason,
        packState: s.pack?.state ?? null,
        packRef: s.pack?.ref ?? null,
      }))
    ),
  };
  const codes = [...new Set(scans.map((s) => s.traceCode).filter((c): c is string => c !== null))];
  const target = session.prescriptionNo
    ? `原处方 ${session.prescriptionNo}${evidence.patientName ? ` ${evidence.patientName}` : ''}`
    : `就诊号 ${session.visitNo ?? '未知'}`;
  const first = scans[0]!;
  return {
    type: RETURN_NOT_MATCHING,
    subjectKey: returnId,
    risk: scans.map((s) => returnMismatchRisk[s.code] ?? 'low').reduce(higherRisk),
    hisDrugCode: first.pack?.hisDrugCode ?? null,
    traceCodes: capped(codes),
    evidence: evidence as unknown as Record<string, unknown>,
    summary:
      `退药 ${returnId}（${target}）${when(first.at)} 起被拒 ${scans.length} 次，退回的药盒与原发药不一致：` +
      `${first.reason}${scans.length > 1 ? ' 等' : ''}`,
    occurredAt: latest(scans.map((s) => s.at)),
  };
}
