/**
 * SALES_ABOVE_RECEIPTS (虚假销售, Jiangjin scenario 3: 300 sales of a capsule with 50 boxes received): per drug, packs
 * sold in the period beyond what the hospital received. In this ledger a pack cannot leave stock twice without a
 * return, so the excess is exactly the packs sold that were never received here.
 * Fires when at least salesAboveReceipts.minUnreceived such packs were sold; risk high when they are at least
 * salesAboveReceipts.highRatio of the drug's sales, else medium.
 */
import type { DrugSales, UnreceivedSale } from '../../ports/anomaly-store.js';
import type { Finding } from '../anomaly.js';
import { capped, drugText, latest, type RuleContext } from './rule-context.js';

export const SALES_ABOVE_RECEIPTS = 'SALES_ABOVE_RECEIPTS';

export interface SalesAboveReceiptsEvidence {
  periodFrom: string;
  periodTo: string;
  /** Packs of the drug sold in the period. */
  sold: number;
  /** Of those, packs with a receipt on record. */
  received: number;
  /** Of those, packs never received here. */
  unreceived: number;
  ratio: number;
  /** Some of the never-received codes (see DISPENSED_NEVER_RECEIVED for each). */
  sampleCodes: string[];
}

export function salesAboveReceipts(
  drugs: readonly DrugSales[],
  unreceived: readonly UnreceivedSale[],
  ctx: RuleContext
): Finding[] {
  const t = ctx.thresholds.salesAboveReceipts;
  return drugs
    .filter((d) => d.unreceived >= t.minUnreceived && d.sold > 0)
    .map((d) => {
      const own = unreceived.filter((u) => u.hisDrugCode === d.hisDrugCode);
      const ratio = d.unreceived / d.sold;
      const evidence: SalesAboveReceiptsEvidence = {
        periodFrom: ctx.period.from,
        periodTo: ctx.period.to,
        sold: d.sold,
        received: d.sold - d.unreceived,
        unreceived: d.unreceived,
        ratio: Math.round(ratio * 1000) / 1000,
        sampleCodes: capped(
          own.map((u) => u.traceCode),
          50
        ),
      };
      return {
        type: SALES_ABOVE_RECEIPTS,
        subjectKey: d.hisDrugCode,
        risk: ratio >= t.highRatio ? 'high' : 'medium',
        hisDrugCode: d.hisDrugCode,
        traceCodes: evidence.sampleCodes,
        evidence: evidence as unknown as Record<string, unknown>,
        summary:
          `${drugText(ctx, d.hisDrugCode)} 近 ${ctx.thresholds.periodDays} 天销售 ${d.sold} 盒，` +
          `其中 ${d.unreceived} 盒本院没有入库记录（有入库记录的仅 ${d.sold - d.unreceived} 盒），销售数量大于入库数量`,
        occurredAt: latest(own.map((u) => u.soldAt)) || ctx.period.to,
      } satisfies Finding;
    });
}
