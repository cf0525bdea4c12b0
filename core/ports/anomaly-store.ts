/**
 * What the anomaly rules read and what they keep. Every read is bounded by a period (and by a row limit), and
 * the SQL store answers it with an aggregate or an index range: a 10-million-code ledger is never loaded.
 * Times are ISO-8601 UTC strings; a period is [from, to).
 */
import type {
  AnomalyRun,
  AnomalyStatus,
  AnomalyType,
  Finding,
  RiskLevel,
  RunCounts,
  StoredAnomaly,
} from '../anomalies/anomaly.js';
import type { DuplicateNotice, NoticeKind } from '../anomalies/duplicate-notice.js';
import type { LedgerAction, PackState } from '../ledger/pack.js';
import type { Session } from '../window/session.js';

export interface Period {
  from: string;
  to: string;
}

/** One ledger event, with the drug of its pack. */
export interface CodeEvent {
  traceCode: string;
  hisDrugCode: string;
  seq: number;
  action: LedgerAction;
  occurredAt: string;
  actor: string;
  location: string | null;
  /** The prescription number for a sale, the return session for a return, the delivery note for a receipt. */
  ref: string | null;
  reason: string | null;
}

/** A completed dispense session by its prescription, from the session's columns (no document read). */
export interface DispenseRecord {
  sessionId: string;
  prescriptionNo: string;
  patientName: string | null;
  /** The normalised agent contact (see contactKey), when the order named one. */
  contact: string | null;
  createdBy: string;
  location: string | null;
  completedAt: string | null;
}

/** A refused or warned scan from the audit trail, with the session it was made in and the pack as it is now. */
export interface AuditedScan {
  at: string;
  actor: string;
  action: string;
  code: string;
  reason: string;
  traceCode: string | null;
  raw: string | null;
  sessionId: string | null;
  session: {
    kind: string;
    state: string;
    prescriptionNo: string | null;
    visitNo: string | null;
    patientName: string | null;
    location: string | null;
    createdBy: string;
  } | null;
  pack: { hisDrugCode: string; state: PackState; ref: string | null; location: string | null; since: string } | null;
}

/** A sale in the period of a pack whose receipt was recorded only when it was dispensed (never received). */
export interface UnreceivedSale {
  traceCode: string;
  hisDrugCode: string;
  /** The sale: when, by whom, where, which prescription. */
  soldAt: string;
  actor: string;
  location: string | null;
  prescriptionNo: string | null;
  packState: PackState;
}

/** Per drug, over the period: packs sold, and how many of them were never received here. */
export interface DrugSales {
  hisDrugCode: string;
  sold: number;
  unreceived: number;
}

export interface AnomalyFilter {
  type?: AnomalyType;
  risk?: RiskLevel;
  status?: AnomalyStatus;
  hisDrugCode?: string;
  traceCode?: string;
  /** On occurredAt: [from, to). */
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export interface NoticeFilter {
  traceCode?: string;
  kind?: NoticeKind;
  /** On importedAt: [from, to). */
  from?: string;
  to?: string;
  limit?: number;
}

export interface StatusChange {
  status: AnomalyStatus;
  note: string | null;
  actor: string;
  at: string;
}

/** What the rules read, each bounded by the period and a row limit. */
export interface AnomalyReads {
  /**
   * Every dispense and return (and correction) event of the codes sold ('dispense') in the period that had been
   * sold before: a code sold twice, with or without a return between. Ordered by code, then seq.
   */
  repeatSaleEvents(period: Period, limit: number): Promise<CodeEvent[]>;
  /** Audit entries with one of `codes` in the period, oldest first. */
  auditedScans(period: Period, codes: readonly string[], limit: number): Promise<AuditedScan[]>;
  /** Sales in the period directly after an implicit receipt (发药时补记入库), oldest first. */
  unreceivedSales(period: Period, limit: number): Promise<UnreceivedSale[]>;
  /** Per drug: packs sold in the period and how many were never received; only drugs with ≥ minUnreceived. */
  drugSales(period: Period, minUnreceived: number): Promise<DrugSales[]>;
  /** Contacts that collected completed dispenses for ≥ minPatients names and ≥ minPrescriptions in the period. */
  agentContacts(period: Period, minPatients: number, minPrescriptions: number): Promise<string[]>;
  /** The completed dispense sessions of these contacts in the period (documents), oldest first. */
  sessionsOfContacts(period: Period, contacts: readonly string[], limit: number): Promise<Session[]>;
  /** Completed dispense sessions in the period with a line of more than `boxes` boxes (documents), oldest first. */
  sessionsAboveBoxes(period: Period, boxes: number, limit: number): Promise<Session[]>;
  /** Completed dispense sessions of these prescriptions (their columns). */
  dispensesOf(prescriptionNos: readonly string[]): Promise<DispenseRecord[]>;
  /** The sale and return events of these codes (any time), by code then seq. */
  saleEventsOf(traceCodes: readonly string[]): Promise<CodeEvent[]>;
}

/** The rules' reads, and the findings, runs and duplicate notices kept. */
export interface AnomalyStore extends AnomalyReads {
  // ---- findings and runs ----

  /** Records a run as running; false when a run with its runKey exists (another instance took the day). */
  startRun(run: AnomalyRun): Promise<boolean>;
  finishRun(id: string, at: string, outcome: { counts: RunCounts } | { error: string }): Promise<void>;
  listRuns(limit: number): Promise<AnomalyRun[]>;
  /**
   * Insert or update by (type, subjectKey): a new finding is stored open under `newIds[i]`; a known one gets the
   * new risk, evidence, summary, codes and occurredAt, lastSeenAt = at and runId, and keeps its status and note.
   */
  saveFindings(
    runId: string,
    at: string,
    findings: readonly Finding[],
    newIds: readonly string[]
  ): Promise<{ inserted: number; updated: number }>;
  listAnomalies(filter: AnomalyFilter): Promise<StoredAnomaly[]>;
  /** Counts per type and per risk under the filter (its limit and offset ignored). */
  countAnomalies(
    filter: AnomalyFilter
  ): Promise<{ byType: Record<string, number>; byRisk: Record<string, number>; total: number }>;
  /** (type, occurredAt) of findings that occurred at or after `from`, for the trend. */
  anomalyTimes(from: string): Promise<{ type: AnomalyType; occurredAt: string }[]>;
  getAnomaly(id: string): Promise<StoredAnomaly | undefined>;
  /** Undefined when there is no such finding. */
  setStatus(id: string, change: StatusChange): Promise<StoredAnomaly | undefined>;

  // ---- the platform's duplicate-code notices (追溯码重复通知) ----

  /** Stores notices not already held (same noticeKey); returns how many were new. */
  saveNotices(notices: readonly DuplicateNotice[]): Promise<{ inserted: number; unchanged: number }>;
  listNotices(filter: NoticeFilter): Promise<DuplicateNotice[]>;
  countNotices(filter: Omit<NoticeFilter, 'limit'>): Promise<{ total: number; byKind: Record<string, number> }>;
  noticesOf(traceCodes: readonly string[]): Promise<DuplicateNotice[]>;
}
