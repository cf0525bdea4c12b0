/** Findings, runs, notices and the rules' query rows ⇄ table rows (coerced as row-mappers.ts explains). */
import type {
  AnomalyRun,
  AnomalyStatus,
  AnomalyType,
  RiskLevel,
  RunCounts,
  RunState,
  RunTrigger,
  StoredAnomaly,
} from '../../core/anomalies/anomaly.js';
import type { DuplicateNotice, NoticeKind } from '../../core/anomalies/duplicate-notice.js';
import type { LedgerAction, PackState } from '../../core/ledger/pack.js';
import type { AuditedScan, CodeEvent, DispenseRecord, UnreceivedSale } from '../../core/ports/anomaly-store.js';
import { NOTICE_FIELDS } from './anomaly-tables.js';
import type { Row } from './row-mappers.js';

const str = (v: unknown): string => (v == null ? '' : String(v));
const optStr = (v: unknown): string | null => (v == null ? null : String(v));
const num = (v: unknown): number => Number(v);

function parseJson<T>(v: unknown, fallback: T): T {
  if (v == null || v === '') {
    return fallback;
  }
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export function anomalyValues(a: StoredAnomaly): unknown[] {
  return [
    a.id,
    a.type,
    a.subjectKey,
    a.risk,
    a.hisDrugCode,
    JSON.stringify(a.traceCodes),
    JSON.stringify(a.evidence),
    a.summary,
    a.occurredAt,
    a.firstSeenAt,
    a.lastSeenAt,
    a.runId,
    a.status,
    a.note,
    a.statusBy,
    a.statusAt,
  ];
}

/** What a re-run changes on a known finding (identity, status and note stay). */
export function anomalyUpdate(a: StoredAnomaly): Row {
  return {
    risk: a.risk,
    his_drug_code: a.hisDrugCode,
    trace_codes: JSON.stringify(a.traceCodes),
    evidence: JSON.stringify(a.evidence),
    summary: a.summary,
    occurred_at: a.occurredAt,
    last_seen_at: a.lastSeenAt,
    run_id: a.runId,
  };
}

export function rowToAnomaly(r: Row): StoredAnomaly {
  return {
    id: str(r.id),
    type: str(r.type) as AnomalyType,
    subjectKey: str(r.subject_key),
    risk: str(r.risk) as RiskLevel,
    hisDrugCode: optStr(r.his_drug_code),
    traceCodes: parseJson<string[]>(r.trace_codes, []),
    evidence: parseJson<Record<string, unknown>>(r.evidence, {}),
    summary: str(r.summary),
    occurredAt: str(r.occurred_at),
    firstSeenAt: str(r.first_seen_at),
    lastSeenAt: str(r.last_seen_at),
    runId: str(r.run_id),
    status: str(r.status) as AnomalyStatus,
    note: optStr(r.note),
    statusBy: optStr(r.status_by),
    statusAt: optStr(r.status_at),
  };
}

export function runValues(r: AnomalyRun): unknown[] {
  return [
    r.id,
    r.runKey,
    r.trigger,
    r.actor,
    r.startedAt,
    r.finishedAt,
    r.periodFrom,
    r.periodTo,
    JSON.stringify(r.params),
    r.counts ? JSON.stringify(r.counts) : null,
    r.state,
    r.error,
  ];
}

export function rowToRun(r: Row): AnomalyRun {
  return {
    id: str(r.id),
    runKey: str(r.run_key),
    trigger: str(r.trigger_kind) as RunTrigger,
    actor: str(r.actor),
    startedAt: str(r.started_at),
    finishedAt: optStr(r.finished_at),
    periodFrom: str(r.period_from),
    periodTo: str(r.period_to),
    params: parseJson<Record<string, unknown>>(r.params, {}),
    counts: parseJson<RunCounts | null>(r.counts, null),
    state: str(r.state) as RunState,
    error: optStr(r.error),
  };
}

export function noticeValues(n: DuplicateNotice): unknown[] {
  return [
    n.id,
    n.noticeKey,
    n.kind,
    n.traceCode,
    ...NOTICE_FIELDS.map(([, property]) => n[property]),
    n.importedAt,
    n.importedBy,
    n.source,
    JSON.stringify(n.extra),
  ];
}

export function rowToNotice(r: Row): DuplicateNotice {
  const fields = Object.fromEntries(NOTICE_FIELDS.map(([column, property]) => [property, optStr(r[column])]));
  return {
    id: str(r.id),
    noticeKey: str(r.notice_key),
    kind: str(r.kind) as NoticeKind,
    traceCode: str(r.trace_code),
    ...(fields as Pick<DuplicateNotice, (typeof NOTICE_FIELDS)[number][1]>),
    importedAt: str(r.imported_at),
    importedBy: str(r.imported_by),
    source: str(r.source),
    extra: parseJson<Record<string, string>>(r.extra, {}),
  };
}

/** An event row joined with its pack's drug (`his_drug_code`). */
export function rowToCodeEvent(r: Row): CodeEvent {
  return {
    traceCode: str(r.trace_code),
    hisDrugCode: str(r.his_drug_code),
    seq: num(r.seq),
    action: str(r.action) as LedgerAction,
    occurredAt: str(r.occurred_at),
    actor: str(r.actor),
    location: optStr(r.location),
    ref: optStr(r.ref),
    reason: optStr(r.reason),
  };
}

export function rowToDispenseRecord(r: Row): DispenseRecord {
  return {
    sessionId: str(r.id),
    prescriptionNo: str(r.prescription_no),
    patientName: optStr(r.patient_name),
    contact: optStr(r.contact),
    createdBy: str(r.created_by),
    location: optStr(r.location),
    completedAt: optStr(r.completed_at),
  };
}

/** An audit row joined with its session (s_*) and the pack (p_*). */
export function rowToAuditedScan(r: Row): AuditedScan {
  return {
    at: str(r.at),
    actor: str(r.actor),
    action: str(r.action),
    code: str(r.code),
    reason: str(r.reason),
    traceCode: optStr(r.trace_code),
    raw: optStr(r.raw),
    sessionId: optStr(r.session_id),
    session:
      r.s_kind == null
        ? null
        : {
            kind: str(r.s_kind),
            state: str(r.s_state),
            prescriptionNo: optStr(r.s_prescription_no),
            visitNo: optStr(r.s_visit_no),
            patientName: optStr(r.s_patient_name),
            location: optStr(r.s_location),
            createdBy: str(r.s_created_by),
          },
    pack:
      r.p_his_drug_code == null
        ? null
        : {
            hisDrugCode: str(r.p_his_drug_code),
            state: str(r.p_state) as PackState,
            ref: optStr(r.p_ref),
            location: optStr(r.p_location),
            since: str(r.p_updated_at),
          },
  };
}

export function rowToUnreceivedSale(r: Row): UnreceivedSale {
  return {
    traceCode: str(r.trace_code),
    hisDrugCode: str(r.his_drug_code),
    soldAt: str(r.occurred_at),
    actor: str(r.actor),
    location: optStr(r.location),
    prescriptionNo: optStr(r.ref),
    packState: str(r.pack_state) as PackState,
  };
}
