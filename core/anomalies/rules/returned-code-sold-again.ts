/**
 * RETURNED_CODE_SOLD_AGAIN: a pack sold, returned, and sold again. The platform then holds two sales of one code,
 * and a returned pack may have left the patient's hands (PRODUCT.md rule 8: "sold again elsewhere in the hospital").
 * Risk: sold again at another place than where it came back → high; at the same place → low; place unknown → medium.
 */
import type { CodeEvent } from '../../ports/anomaly-store.js';
import type { Finding, RiskLevel } from '../anomaly.js';
import { higherRisk } from '../anomaly.js';
import { isReturn, type Resale } from './repeat-sales.js';
import { drugText, latest, saleFact, saleText, when, type RuleContext, type SaleFact } from './rule-context.js';

export const RETURNED_CODE_SOLD_AGAIN = 'RETURNED_CODE_SOLD_AGAIN';

export interface ReturnFact {
  at: string;
  actor: string;
  location: string | null;
  /** The return session. */
  returnId: string | null;
  reason: string | null;
  /** return_to_stock or return_to_quarantine. */
  action: string;
}

export interface ResaleRound {
  sale: SaleFact;
  return: ReturnFact;
  resale: SaleFact;
}

export function returnedCodeSoldAgain(resales: ReadonlyMap<string, Resale[]>, ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const [code, pairs] of resales) {
    const rounds: ResaleRound[] = [];
    let hisDrugCode = '';
    for (const pair of pairs) {
      const back = [...pair.between].reverse().find(isReturn);
      if (!back) {
        continue;
      }
      hisDrugCode = pair.second.hisDrugCode;
      rounds.push({ sale: saleFact(pair.first, ctx), return: returnFact(back), resale: saleFact(pair.second, ctx) });
    }
    if (rounds.length > 0) {
      out.push(finding(code, hisDrugCode, rounds, ctx));
    }
  }
  return out;
}

function returnFact(e: CodeEvent): ReturnFact {
  return {
    at: e.occurredAt,
    actor: e.actor,
    location: e.location,
    returnId: e.ref,
    reason: e.reason,
    action: e.action,
  };
}

function roundRisk(r: ResaleRound): RiskLevel {
  if (!r.return.location || !r.resale.location) {
    return 'medium';
  }
  return r.return.location === r.resale.location ? 'low' : 'high';
}

function finding(code: string, hisDrugCode: string, rounds: ResaleRound[], ctx: RuleContext): Finding {
  const last = rounds[rounds.length - 1]!;
  const where = (l: string | null) => (l ? `在${l}` : '');
  const summary =
    `追溯码 ${code}（${drugText(ctx, hisDrugCode)}）${when(last.sale.at)} 随${saleText(last.sale)}发出，` +
    `${when(last.return.at)} ${where(last.return.location)}退回，` +
    `${when(last.resale.at)} 又${where(last.resale.location)}随${saleText(last.resale)}再次销售` +
    (rounds.length > 1 ? `（共 ${rounds.length} 次退回后再售）` : '');
  return {
    type: RETURNED_CODE_SOLD_AGAIN,
    subjectKey: code,
    risk: rounds.map(roundRisk).reduce(higherRisk),
    hisDrugCode: hisDrugCode || null,
    traceCodes: [code],
    evidence: { rounds } as unknown as Record<string, unknown>,
    summary,
    occurredAt: latest(rounds.map((r) => r.resale.at)),
  };
}
