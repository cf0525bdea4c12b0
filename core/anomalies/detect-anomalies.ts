/**
 * One pass of every rule over the period: the store's bounded queries first (in parallel), then the patients of the
 * sales they name, then the pure rules. Nothing is written here.
 */
import type { Drug } from '../catalog/drug.js';
import type { AnomalyStore, AuditedScan, CodeEvent, Period, UnreceivedSale } from '../ports/anomaly-store.js';
import type { Finding } from './anomaly.js';
import { agentManyPatients } from './rules/agent-many-patients.js';
import { dispensedNeverReceived } from './rules/dispensed-never-received.js';
import { overQuantity } from './rules/over-quantity.js';
import { resalesByCode } from './rules/repeat-sales.js';
import { RETURN_MISMATCH_CODES, returnNotMatching } from './rules/return-not-matching.js';
import { returnedCodeSoldAgain } from './rules/returned-code-sold-again.js';
import type { RuleContext } from './rules/rule-context.js';
import { ALREADY_DISPENSED, sameCodeSoldTwice } from './rules/same-code-sold-twice.js';
import { salesAboveReceipts } from './rules/sales-above-receipts.js';
import { smallestBoxLimit, type AnomalyThresholds } from './thresholds.js';

/**
 * Rows one query may return. A run that hits it still reports what it read (the query names are listed in
 * `limited`), and the next day's run sees the rest once the earlier rows have left the period.
 */
export const QUERY_ROW_LIMIT = 5000;

/** Longest summary kept (the column's length). */
const SUMMARY_MAX = 500;

export interface Detection {
  findings: Finding[];
  /** Queries that returned QUERY_ROW_LIMIT rows (their rules may have missed something). */
  limited: string[];
}

export async function detectAnomalies(
  store: AnomalyStore,
  period: Period,
  thresholds: AnomalyThresholds,
  drugOf: (hisDrugCode: string) => Drug | undefined
): Promise<Detection> {
  const limit = QUERY_ROW_LIMIT;
  const t = thresholds;
  const [repeats, audited, unreceived, drugs, contacts, large] = await Promise.all([
    store.repeatSaleEvents(period, limit),
    store.auditedScans(period, [ALREADY_DISPENSED, ...RETURN_MISMATCH_CODES], limit),
    store.unreceivedSales(period, limit),
    store.drugSales(period, t.salesAboveReceipts.minUnreceived),
    store.agentContacts(period, t.agent.minPatients, t.agent.minPrescriptions),
    store.sessionsAboveBoxes(period, smallestBoxLimit(t.overQuantity), limit),
  ]);
  const agentSessions = contacts.length > 0 ? await store.sessionsOfContacts(period, contacts, limit) : [];
  const records = await store.dispensesOf(prescriptionsNamed(repeats, audited, unreceived));
  const ctx: RuleContext = {
    period,
    thresholds,
    drugOf,
    dispenses: new Map(records.map((r) => [r.prescriptionNo, r])),
  };
  const resales = resalesByCode(repeats);
  const findings = [
    ...sameCodeSoldTwice(resales, audited, ctx),
    ...returnedCodeSoldAgain(resales, ctx),
    ...dispensedNeverReceived(unreceived, ctx),
    ...salesAboveReceipts(drugs, unreceived, ctx),
    ...returnNotMatching(audited, ctx),
    ...agentManyPatients(agentSessions, ctx),
    ...overQuantity(large, ctx),
  ].map((f) => ({ ...f, summary: f.summary.slice(0, SUMMARY_MAX) }));
  const counted: [string, number][] = [
    ['repeatSaleEvents', repeats.length],
    ['auditedScans', audited.length],
    ['unreceivedSales', unreceived.length],
    ['sessionsOfContacts', agentSessions.length],
    ['sessionsAboveBoxes', large.length],
  ];
  return { findings, limited: counted.filter(([, n]) => n >= limit).map(([name]) => name) };
}

function prescriptionsNamed(
  repeats: readonly CodeEvent[],
  audited: readonly AuditedScan[],
  unreceived: readonly UnreceivedSale[]
): string[] {
  const rx = new Set<string>();
  const add = (v: string | null | undefined) => {
    if (v) {
      rx.add(v);
    }
  };
  repeats.filter((e) => e.action === 'dispense').forEach((e) => add(e.ref));
  audited.forEach((a) => {
    add(a.pack?.ref);
    add(a.session?.prescriptionNo);
  });
  unreceived.forEach((u) => add(u.prescriptionNo));
  return [...rx];
}
