/**
 * DISPENSED_NEVER_RECEIVED: a pack sold here that the ledger never received (the window let it through with a
 * warning and recorded the receipt at the sale, 发药时补记入库). Either a receipt was not scanned, or the pack came
 * from outside the hospital's supply — the way 回流药 of 集采 drugs re-enter (Jiangjin scenario 2).
 * Risk: a 集采 drug → high; other drugs → medium.
 */
import type { UnreceivedSale } from '../../ports/anomaly-store.js';
import type { Finding } from '../anomaly.js';
import { packStateName, type PackState } from '../../ledger/pack.js';
import { drugText, saleFact, saleText, when, type RuleContext, type SaleFact } from './rule-context.js';

export const DISPENSED_NEVER_RECEIVED = 'DISPENSED_NEVER_RECEIVED';

export interface NeverReceivedEvidence {
  sale: SaleFact;
  packState: PackState;
  packStateName: string;
  vbp: boolean;
}

export function dispensedNeverReceived(sales: readonly UnreceivedSale[], ctx: RuleContext): Finding[] {
  return sales.map((s) => {
    const sale = saleFact(
      { traceCode: s.traceCode, occurredAt: s.soldAt, ref: s.prescriptionNo, actor: s.actor, location: s.location },
      ctx
    );
    const vbp = ctx.drugOf(s.hisDrugCode)?.vbpFlag ?? false;
    const evidence: NeverReceivedEvidence = {
      sale,
      packState: s.packState,
      packStateName: packStateName[s.packState],
      vbp,
    };
    return {
      type: DISPENSED_NEVER_RECEIVED,
      subjectKey: s.traceCode,
      risk: vbp ? 'high' : 'medium',
      hisDrugCode: s.hisDrugCode,
      traceCodes: [s.traceCode],
      evidence: evidence as unknown as Record<string, unknown>,
      summary:
        `追溯码 ${s.traceCode}（${drugText(ctx, s.hisDrugCode)}${vbp ? '，集采' : ''}）${when(s.soldAt)} 随${saleText(sale)}发出，` +
        '本院没有它的入库记录（发药时补记入库），请核查来源',
      occurredAt: s.soldAt,
    } satisfies Finding;
  });
}
