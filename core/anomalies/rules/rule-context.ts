/** What every rule gets beside its own query results: the period, the thresholds, the catalog and the sales' patients. */
import { shanghaiDateTime } from '../../shanghai-time.js';
import type { Drug } from '../../catalog/drug.js';
import type { CodeEvent, DispenseRecord, Period } from '../../ports/anomaly-store.js';
import { drugLabel } from '../../window/scan-messages.js';
import type { AnomalyThresholds } from '../thresholds.js';

export interface RuleContext {
  period: Period;
  thresholds: AnomalyThresholds;
  drugOf: (hisDrugCode: string) => Drug | undefined;
  /** Completed dispenses by prescription number (the patient behind a sale event). */
  dispenses: ReadonlyMap<string, DispenseRecord>;
}

/** One sale as evidence: which code, when, which prescription and patient, which pharmacist, where. */
export interface SaleFact {
  traceCode: string;
  at: string;
  prescriptionNo: string | null;
  patientName: string | null;
  sessionId: string | null;
  pharmacist: string;
  location: string | null;
}

export function saleFact(
  e: Pick<CodeEvent, 'traceCode' | 'occurredAt' | 'ref' | 'actor' | 'location'>,
  ctx: RuleContext
): SaleFact {
  const record = e.ref ? ctx.dispenses.get(e.ref) : undefined;
  return {
    traceCode: e.traceCode,
    at: e.occurredAt,
    prescriptionNo: e.ref,
    patientName: record?.patientName ?? null,
    sessionId: record?.sessionId ?? null,
    pharmacist: e.actor || record?.createdBy || '',
    location: e.location,
  };
}

/** 2025-07-01 09:30 (hospital time). */
export function when(iso: string): string {
  return shanghaiDateTime(iso).slice(0, 16);
}

/** 阿托伐他汀钙片 20mg*7片, or the HIS code when the catalog no longer has the drug. */
export function drugText(ctx: RuleContext, hisDrugCode: string): string {
  const drug = ctx.drugOf(hisDrugCode);
  return drug ? drugLabel(drug) : hisDrugCode;
}

/** 处方 RX1（张三）, or 处方 RX1 when the patient is unknown. */
export function saleText(s: SaleFact): string {
  const rx = s.prescriptionNo ? `处方 ${s.prescriptionNo}` : '未知处方';
  return s.patientName ? `${rx}（${s.patientName}）` : rx;
}

export function latest(times: readonly string[]): string {
  return times.reduce((a, b) => (b > a ? b : a), '');
}

/** Evidence lists stay readable and rows stay small: at most `max` items, the count of the rest noted by the caller. */
export function capped<T>(items: readonly T[], max = 200): T[] {
  return items.slice(0, max);
}
