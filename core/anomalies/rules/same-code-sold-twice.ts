/**
 * SAME_CODE_SOLD_TWICE (串换/虚假销售 at this hospital): one code sold twice without a return between — in the
 * ledger (only a correction can make that possible), or attempted and refused at the window (CODE_ALREADY_DISPENSED
 * in the audit trail).
 * Risk: sold twice in the ledger → high; refused attempts on 2+ other prescriptions → high, on one other
 * prescription → medium; attempts only on the prescription that already has the pack (the HIS sent the same sale
 * again) → low.
 */
import type { AuditedScan } from '../../ports/anomaly-store.js';
import type { Finding, RiskLevel } from '../anomaly.js';
import { isReturn, type Resale } from './repeat-sales.js';
import { capped, drugText, latest, saleFact, saleText, when, type RuleContext, type SaleFact } from './rule-context.js';

export const SAME_CODE_SOLD_TWICE = 'SAME_CODE_SOLD_TWICE';

/** The audit code of a second sale the window refused. */
export const ALREADY_DISPENSED = 'CODE_ALREADY_DISPENSED';

export interface AttemptFact {
  at: string;
  pharmacist: string;
  sessionId: string | null;
  prescriptionNo: string | null;
  patientName: string | null;
  location: string | null;
  /** The attempt was on the prescription the pack had been sold on. */
  samePrescription: boolean;
}

export interface SameCodeEvidence {
  /** Sales of the code in the ledger with no return between (with the corrections that allowed them). */
  sales: SaleFact[];
  corrections: { at: string; actor: string; reason: string | null }[];
  /** The sale the refused attempts collided with. */
  originalSale: SaleFact | null;
  attempts: AttemptFact[];
}

export function sameCodeSoldTwice(
  resales: ReadonlyMap<string, Resale[]>,
  attempts: readonly AuditedScan[],
  ctx: RuleContext
): Finding[] {
  const codes = new Map<string, { hisDrugCode: string; evidence: SameCodeEvidence }>();
  const entry = (code: string, hisDrugCode: string) => {
    let e = codes.get(code);
    if (!e) {
      e = { hisDrugCode, evidence: { sales: [], corrections: [], originalSale: null, attempts: [] } };
      codes.set(code, e);
    }
    return e;
  };
  for (const [code, pairs] of resales) {
    for (const pair of pairs.filter((p) => !p.between.some(isReturn))) {
      const e = entry(code, pair.second.hisDrugCode);
      addSale(e.evidence.sales, saleFact(pair.first, ctx));
      addSale(e.evidence.sales, saleFact(pair.second, ctx));
      for (const c of pair.between.filter((x) => x.action === 'correct')) {
        e.evidence.corrections.push({ at: c.occurredAt, actor: c.actor, reason: c.reason });
      }
    }
  }
  for (const a of attempts) {
    if (a.code !== ALREADY_DISPENSED || !a.traceCode || a.session?.kind !== 'dispense') {
      continue;
    }
    const e = entry(a.traceCode, a.pack?.hisDrugCode ?? '');
    const originalRx = a.pack?.ref ?? null;
    e.evidence.originalSale ??= a.pack
      ? saleFact(
          { traceCode: a.traceCode, occurredAt: a.pack.since, ref: originalRx, actor: '', location: a.pack.location },
          ctx
        )
      : null;
    e.evidence.attempts.push({
      at: a.at,
      pharmacist: a.actor,
      sessionId: a.sessionId,
      prescriptionNo: a.session.prescriptionNo,
      patientName: a.session.patientName,
      location: a.session.location,
      samePrescription: originalRx !== null && originalRx === a.session.prescriptionNo,
    });
  }
  return [...codes].map(([code, { hisDrugCode, evidence }]) => finding(code, hisDrugCode, evidence, ctx));
}

function addSale(sales: SaleFact[], sale: SaleFact): void {
  if (!sales.some((s) => s.at === sale.at && s.prescriptionNo === sale.prescriptionNo)) {
    sales.push(sale);
  }
}

function riskOf(e: SameCodeEvidence): RiskLevel {
  if (e.sales.length >= 2) {
    return 'high';
  }
  const others = new Set(e.attempts.filter((a) => !a.samePrescription).map((a) => a.prescriptionNo ?? a.sessionId));
  return others.size >= 2 ? 'high' : others.size === 1 ? 'medium' : 'low';
}

function finding(code: string, hisDrugCode: string, evidence: SameCodeEvidence, ctx: RuleContext): Finding {
  const what = `追溯码 ${code}（${drugText(ctx, hisDrugCode)}）`;
  let summary: string;
  if (evidence.sales.length >= 2) {
    summary = `${what}未经退药被销售 ${evidence.sales.length} 次：${evidence.sales.map((s) => `${when(s.at)} ${saleText(s)}`).join('，')}`;
  } else {
    const first = evidence.attempts[0]!;
    const original = evidence.originalSale;
    const before = original ? `已于 ${when(original.at)} 随${saleText(original)}发出，` : '已发出，';
    const times = evidence.attempts.length > 1 ? `（共 ${evidence.attempts.length} 次）` : '';
    const again = first.samePrescription
      ? '又被同一处方重复上传销售'
      : `又在 ${when(first.at)} 被${saleText(attemptSale(first))}再次扫码销售`;
    summary = `${what}${before}${again}${times}，已拦截`;
  }
  return {
    type: SAME_CODE_SOLD_TWICE,
    subjectKey: code,
    risk: riskOf(evidence),
    hisDrugCode: hisDrugCode || null,
    traceCodes: [code],
    evidence: { ...evidence, attempts: capped(evidence.attempts) } as unknown as Record<string, unknown>,
    summary,
    occurredAt: latest([...evidence.sales.map((s) => s.at), ...evidence.attempts.map((a) => a.at)]),
  };
}

function attemptSale(a: AttemptFact): SaleFact {
  return {
    traceCode: '',
    at: a.at,
    prescriptionNo: a.prescriptionNo,
    patientName: a.patientName,
    sessionId: a.sessionId,
    pharmacist: a.pharmacist,
    location: a.location,
  };
}
