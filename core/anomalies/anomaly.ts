/**
 * Anomalies (PRODUCT.md rule 8): patterns in the hospital's own ledger, sessions and audit trail that the seed
 * documents name (串换, 回流, 虚假销售, 超量开药, 代办人). A rule turns query results into findings; a finding is kept per
 * (type, subject) so a re-run updates it instead of adding a copy.
 */

export const AnomalyTypes = [
  'SAME_CODE_SOLD_TWICE',
  'DISPENSED_NEVER_RECEIVED',
  'SALES_ABOVE_RECEIPTS',
  'RETURN_NOT_MATCHING',
  'RETURNED_CODE_SOLD_AGAIN',
  'AGENT_MANY_PATIENTS',
  'OVER_QUANTITY',
] as const;
export type AnomalyType = (typeof AnomalyTypes)[number];

export const anomalyTypeName: Record<AnomalyType, string> = {
  SAME_CODE_SOLD_TWICE: '同一追溯码重复销售',
  DISPENSED_NEVER_RECEIVED: '发药未入库',
  SALES_ABOVE_RECEIPTS: '销售数量大于入库数量',
  RETURN_NOT_MATCHING: '退药与原发药不一致',
  RETURNED_CODE_SOLD_AGAIN: '退药后再次销售',
  AGENT_MANY_PATIENTS: '代办人为多名患者取集采药品',
  OVER_QUANTITY: '超量开药',
};

export const RiskLevels = ['high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RiskLevels)[number];

export const riskName: Record<RiskLevel, string> = { high: '高风险', medium: '中风险', low: '低风险' };

/** Higher first: the order lists and the dashboard sort by. */
export const riskRank: Record<RiskLevel, number> = { high: 3, medium: 2, low: 1 };

export function higherRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return riskRank[a] >= riskRank[b] ? a : b;
}

export const AnomalyStatuses = ['open', 'acknowledged', 'dismissed'] as const;
export type AnomalyStatus = (typeof AnomalyStatuses)[number];

export const anomalyStatusName: Record<AnomalyStatus, string> = {
  open: '待处理',
  acknowledged: '已确认',
  dismissed: '已排除',
};

/** What a rule found, before it is stored. */
export interface Finding {
  type: AnomalyType;
  /** What the finding is about (a trace code, a drug, a return session, a contact…): unique per type. */
  subjectKey: string;
  risk: RiskLevel;
  hisDrugCode: string | null;
  traceCodes: string[];
  /** The facts behind it (codes, prescriptions, times, staff, patients), shaped per type; see each rule. */
  evidence: Record<string, unknown>;
  /** One Chinese sentence a pharmacy head reads in the list. */
  summary: string;
  /** When the latest fact behind it happened (ISO): the trend counts findings on this day. */
  occurredAt: string;
}

export interface StoredAnomaly extends Finding {
  id: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** The run that last found it. */
  runId: string;
  status: AnomalyStatus;
  note: string | null;
  statusBy: string | null;
  statusAt: string | null;
}

export const RunTriggers = ['daily', 'manual'] as const;
export type RunTrigger = (typeof RunTriggers)[number];

export const RunStates = ['running', 'done', 'failed'] as const;
export type RunState = (typeof RunStates)[number];

export interface RunCounts {
  /** Findings of this run per type and per risk (every type and risk present, 0 when none). */
  byType: Record<AnomalyType, number>;
  byRisk: Record<RiskLevel, number>;
  /** New findings, and findings already known that this run updated. */
  inserted: number;
  updated: number;
  /** Queries that hit their row limit in this run (their rules may have missed something). */
  limited: string[];
}

export interface AnomalyRun {
  id: string;
  /** `daily:<yyyy-MM-dd>` (one per hospital day, across instances) or `manual:<id>`. */
  runKey: string;
  trigger: RunTrigger;
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  /** The period the rules looked at: [periodFrom, periodTo). */
  periodFrom: string;
  periodTo: string;
  /** The thresholds it ran with. */
  params: Record<string, unknown>;
  counts: RunCounts | null;
  state: RunState;
  error: string | null;
}

export function emptyCounts(): RunCounts {
  return {
    byType: Object.fromEntries(AnomalyTypes.map((t) => [t, 0])) as Record<AnomalyType, number>,
    byRisk: Object.fromEntries(RiskLevels.map((r) => [r, 0])) as Record<RiskLevel, number>,
    inserted: 0,
    updated: 0,
    limited: [],
  };
}

/** Findings counted per type and per risk. */
export function countFindings(findings: readonly Pick<Finding, 'type' | 'risk'>[]): RunCounts {
  const counts = emptyCounts();
  for (const f of findings) {
    counts.byType[f.type] += 1;
    counts.byRisk[f.risk] += 1;
  }
  return counts;
}
