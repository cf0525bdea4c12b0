/**
 * Domain objects ⇄ table rows. Reads coerce every column because drivers disagree: PostgreSQL returns
 * COUNT/BIGINT as strings, SQL Server and Oracle may hand back numbers for what SQLite returns as text,
 * Oracle stores '' as NULL. Writes produce value arrays in the column order of tables.ts.
 */
import type { Drug, DrugDraft, DrugGtin, DrugVersion, PackLevel, TracePrefix } from '../../core/catalog/drug.js';
import type { PackageRelation, ParentStatus } from '../../core/hierarchy/package-relation.js';
import type { LedgerAction, LedgerEvent, Pack, PackState } from '../../core/ledger/pack.js';
import type { ErrorClass, Upload, UploadAttempt, UploadSource, UploadState } from '../../core/insurance/upload.js';
import type { ProxyRequest, ProxyRequestState } from '../../core/ports/proxy-store.js';
import type { AuditEntry, BusinessRow } from '../../core/window/business-row.js';
import type { Session } from '../../core/window/session.js';
import { sortGtins, sortPrefixes } from './ordering.js';
import type { PackHold } from './proxy-rules.js';
import { sessionKeys } from './session-rules.js';
import { newUpload, uploadDrugCode, uploadToBusinessRow, type NewUpload } from './upload-rules.js';

export type Row = Record<string, unknown>;

/** A filter's equality columns as a `where` object: a field the filter leaves undefined does not filter. */
export function definedColumns(pairs: readonly (readonly [string, unknown])[]): Row {
  return Object.fromEntries(pairs.filter(([, value]) => value !== undefined));
}

const str = (v: unknown): string => (v == null ? '' : String(v));
const optStr = (v: unknown): string | null => (v == null ? null : String(v));
const num = (v: unknown): number => Number(v);
const optNum = (v: unknown): number | null => (v == null ? null : Number(v));
const flag = (v: unknown): number => (v ? 1 : 0);

function parseJson<T>(v: unknown): T | null {
  if (v == null || v === '') {
    return null;
  }
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

// ---- ledger ----

export function packValues(p: Pack): unknown[] {
  return [
    p.traceCode,
    p.hisDrugCode,
    p.state,
    p.unitsRemaining,
    p.lot,
    p.expiry,
    p.manufactureDate,
    p.seq,
    p.updatedAt,
    p.location,
    p.ref,
  ];
}

/** The columns a guarded update sets (everything but the key). */
export function packUpdate(p: Pack): Row {
  return {
    his_drug_code: p.hisDrugCode,
    state: p.state,
    units_remaining: p.unitsRemaining,
    lot: p.lot,
    expiry: p.expiry,
    manu_date: p.manufactureDate,
    seq: p.seq,
    updated_at: p.updatedAt,
    location: p.location,
    ref: p.ref,
  };
}

export function rowToPack(r: Row): Pack {
  return {
    traceCode: str(r.trace_code),
    hisDrugCode: str(r.his_drug_code),
    state: str(r.state) as PackState,
    unitsRemaining: optNum(r.units_remaining),
    lot: optStr(r.lot),
    expiry: optStr(r.expiry),
    manufactureDate: optStr(r.manu_date),
    seq: num(r.seq),
    updatedAt: str(r.updated_at),
    location: optStr(r.location),
    ref: optStr(r.ref),
  };
}

export function eventValues(e: LedgerEvent): unknown[] {
  return [
    e.traceCode,
    e.seq,
    e.action,
    e.fromState,
    e.toState,
    e.units,
    e.occurredAt,
    e.actor,
    e.location,
    e.ref,
    e.reason,
    e.details == null ? null : JSON.stringify(e.details),
  ];
}

export function rowToEvent(r: Row): LedgerEvent {
  return {
    traceCode: str(r.trace_code),
    seq: num(r.seq),
    action: str(r.action) as LedgerAction,
    fromState: optStr(r.from_state) as PackState | null,
    toState: str(r.to_state) as PackState,
    units: optNum(r.units),
    occurredAt: str(r.occurred_at),
    actor: str(r.actor),
    location: optStr(r.location),
    ref: optStr(r.ref),
    reason: optStr(r.reason),
    details: parseJson<Record<string, unknown>>(r.details),
  };
}

// ---- hierarchy ----

export function relationValues(r: PackageRelation): unknown[] {
  return [r.childCode, r.parentCode, r.parentLevel, r.childLevel, r.parentStatus];
}

export function rowToRelation(r: Row): PackageRelation {
  return {
    parentCode: str(r.parent_code),
    childCode: str(r.child_code),
    parentLevel: num(r.parent_level) as PackLevel,
    childLevel: num(r.child_level) as PackLevel,
    parentStatus: str(r.parent_status) as ParentStatus,
  };
}

// ---- catalog ----

export function drugValues(d: Drug): unknown[] {
  return [
    d.hisDrugCode,
    d.insuranceCode,
    d.name,
    d.spec,
    d.manufacturer,
    flag(d.rxFlag),
    flag(d.vbpFlag),
    d.unitsPerPack,
    d.unitName,
    d.barcode69,
    flag(d.exempt),
    d.exemptReason,
    d.version,
    d.updatedAt,
    d.updatedBy,
  ];
}

/** The columns an update of an existing drug sets. */
export function drugUpdate(d: Drug): Row {
  return {
    insurance_code: d.insuranceCode,
    name: d.name,
    spec: d.spec,
    manufacturer: d.manufacturer,
    rx_flag: flag(d.rxFlag),
    vbp_flag: flag(d.vbpFlag),
    units_per_pack: d.unitsPerPack,
    unit_name: d.unitName,
    barcode69: d.barcode69,
    exempt: flag(d.exempt),
    exempt_reason: d.exemptReason,
    version: d.version,
    updated_at: d.updatedAt,
    updated_by: d.updatedBy,
  };
}

export function prefixValues(hisDrugCode: string, p: TracePrefix): unknown[] {
  return [p.prefix, hisDrugCode, p.packLevel, p.unitCount];
}

export function gtinValues(hisDrugCode: string, g: DrugGtin): unknown[] {
  return [g.gtin, hisDrugCode, g.packLevel, g.unitCount];
}

export function rowToPrefix(r: Row): TracePrefix {
  return { prefix: str(r.prefix), packLevel: num(r.pack_level) as PackLevel, unitCount: num(r.unit_count) };
}

export function rowToGtin(r: Row): DrugGtin {
  return { gtin: str(r.gtin), packLevel: num(r.pack_level) as PackLevel, unitCount: num(r.unit_count) };
}

export function rowToDrug(r: Row, prefixes: TracePrefix[], gtins: DrugGtin[]): Drug {
  return {
    hisDrugCode: str(r.his_drug_code),
    insuranceCode: optStr(r.insurance_code),
    name: str(r.name),
    spec: optStr(r.spec),
    manufacturer: optStr(r.manufacturer),
    rxFlag: Boolean(num(r.rx_flag)),
    vbpFlag: Boolean(num(r.vbp_flag)),
    unitsPerPack: num(r.units_per_pack),
    unitName: optStr(r.unit_name),
    prefixes: sortPrefixes(prefixes),
    gtins: sortGtins(gtins),
    barcode69: optStr(r.barcode69),
    exempt: Boolean(num(r.exempt)),
    exemptReason: optStr(r.exempt_reason),
    version: num(r.version),
    updatedAt: str(r.updated_at),
    updatedBy: str(r.updated_by),
  };
}

export function drugVersionValues(d: Drug, source: string, snapshot: DrugDraft): unknown[] {
  return [d.hisDrugCode, d.version, d.updatedAt, d.updatedBy, source, JSON.stringify(snapshot)];
}

export function rowToDrugVersion(r: Row): DrugVersion {
  return {
    hisDrugCode: str(r.his_drug_code),
    version: num(r.version),
    changedAt: str(r.changed_at),
    changedBy: str(r.changed_by),
    source: str(r.source),
    snapshot: parseJson<DrugDraft>(r.snapshot) as DrugDraft,
  };
}

// ---- window sessions and the upload outbox ----

/** The session row: the filter columns copied from the document, then the document itself. */
export function sessionValues(s: Session): unknown[] {
  const keys = sessionKeys(s);
  return [
    s.id,
    s.kind,
    s.state,
    keys.prescriptionNo,
    keys.visitNo,
    s.location,
    s.createdAt,
    s.createdBy,
    s.completedAt,
    s.version,
    JSON.stringify(s),
    keys.patientName,
    keys.contact,
    keys.maxBoxes,
  ];
}

/** The columns a guarded save sets (everything but the key and the kind, which never change). */
export function sessionUpdate(s: Session): Row {
  const keys = sessionKeys(s);
  return {
    state: s.state,
    prescription_no: keys.prescriptionNo,
    visit_no: keys.visitNo,
    location: s.location,
    created_at: s.createdAt,
    created_by: s.createdBy,
    completed_at: s.completedAt,
    version: s.version,
    doc: JSON.stringify(s),
    patient_name: keys.patientName,
    contact: keys.contact,
    max_boxes: keys.maxBoxes,
  };
}

/** The document, with the version column as the authority (it is what every write is guarded by). */
export function rowToSession(r: Row): Session {
  const session = parseJson<Session>(r.doc) as Session;
  session.version = num(r.version);
  return session;
}

/** A new upload in the column order of BUSINESS_ROW_COLUMNS (the sender's columns start empty). */
export function businessRowValues(b: NewUpload): unknown[] {
  const u = newUpload(b, 0);
  return [
    u.infno,
    u.businessKey,
    u.sessionId,
    JSON.stringify(u.payload),
    u.createdAt,
    u.source,
    u.state,
    u.updatedAt,
    u.lastMsgid,
    u.infRefmsgid,
    u.deliveredAt,
    u.originalId,
    uploadDrugCode(u.payload),
  ];
}

/** An upload from its tg_business_rows row (UPLOAD_READ_COLUMNS) and its order keys in key_no order. */
export function rowToUpload(r: Row, orderKeys: string[]): Upload {
  return {
    id: num(r.id),
    infno: str(r.infno),
    businessKey: str(r.business_key),
    sessionId: str(r.session_id),
    source: str(r.source) as UploadSource,
    payload: parseJson<Record<string, unknown>>(r.payload) ?? {},
    orderKeys,
    state: str(r.state) as UploadState,
    attempts: num(r.attempts),
    nextAttemptAt: optStr(r.next_attempt_at),
    errorClass: optStr(r.error_class) as ErrorClass | null,
    lastError: optStr(r.last_error),
    lastMsgid: optStr(r.last_msgid),
    infRefmsgid: optStr(r.inf_refmsgid),
    createdAt: str(r.created_at),
    // Rows written before 0003-upload-outbox have no updated_at.
    updatedAt: str(r.updated_at ?? r.created_at),
    deliveredAt: optStr(r.delivered_at),
    originalId: optNum(r.original_id),
    leaseOwner: optStr(r.lease_owner),
    leaseUntil: optStr(r.lease_until),
  };
}

export function rowToBusinessRow(r: Row, orderKeys: string[]): BusinessRow {
  return uploadToBusinessRow(rowToUpload(r, orderKeys));
}

/** The columns a sender or an operator may change (identity, payload and order keys never change). */
const uploadColumnOf: Partial<Record<keyof Upload, string>> = {
  state: 'state',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  errorClass: 'error_class',
  lastError: 'last_error',
  lastMsgid: 'last_msgid',
  infRefmsgid: 'inf_refmsgid',
  updatedAt: 'updated_at',
  deliveredAt: 'delivered_at',
  leaseOwner: 'lease_owner',
  leaseUntil: 'lease_until',
};

/** The columns an update sets, from the fields the shared rules computed. */
export function uploadPatchColumns(patch: Partial<Upload>): Row {
  const out: Row = {};
  for (const [field, value] of Object.entries(patch)) {
    const column = uploadColumnOf[field as keyof Upload];
    if (column === undefined) {
      throw new Error(`upload field ${field} cannot be updated`);
    }
    out[column] = value;
  }
  return out;
}

export function attemptValues(a: UploadAttempt): unknown[] {
  return [
    a.uploadId,
    a.attempt,
    a.infno,
    a.msgid,
    a.startedAt,
    a.finishedAt,
    a.outcome,
    a.httpStatus,
    a.infcode,
    a.message,
    a.request,
    a.response,
  ];
}

export function rowToAttempt(r: Row): UploadAttempt {
  return {
    uploadId: num(r.row_id),
    attempt: num(r.attempt),
    infno: str(r.infno),
    msgid: str(r.msgid),
    startedAt: str(r.started_at),
    finishedAt: optStr(r.finished_at),
    outcome: optStr(r.outcome),
    httpStatus: optNum(r.http_status),
    infcode: optNum(r.infcode),
    message: optStr(r.message),
    request: optStr(r.request),
    response: optStr(r.response),
  };
}

// ---- insurance proxy ----

export function proxyRequestValues(p: ProxyRequest): unknown[] {
  return [
    p.msgid,
    p.infno,
    p.receivedAt,
    p.sourceIp,
    p.sessionId,
    p.mode,
    p.state,
    p.request,
    p.response,
    JSON.stringify(p.businessKeys),
    p.updatedAt,
  ];
}

export function rowToProxyRequest(r: Row): ProxyRequest {
  return {
    msgid: str(r.msgid),
    infno: str(r.infno),
    receivedAt: str(r.received_at),
    sourceIp: str(r.source_ip),
    sessionId: optStr(r.session_id),
    mode: str(r.mode),
    state: str(r.state) as ProxyRequestState,
    request: str(r.request),
    response: optStr(r.response),
    businessKeys: parseJson<string[]>(r.business_keys) ?? [],
    updatedAt: str(r.updated_at),
  };
}

export function holdValues(h: PackHold): unknown[] {
  return [h.traceCode, h.holder, h.heldAt, h.expiresAt];
}

export function rowToHold(r: Row): PackHold {
  return { traceCode: str(r.trace_code), holder: str(r.holder), heldAt: str(r.held_at), expiresAt: str(r.expires_at) };
}

export function auditValues(a: AuditEntry): unknown[] {
  return [a.at, a.actor, a.role, a.action, a.sessionId, a.raw, a.traceCode, a.code, a.reason];
}

export function rowToAudit(r: Row): AuditEntry {
  return {
    at: str(r.at),
    actor: str(r.actor),
    role: optStr(r.role),
    action: str(r.action),
    sessionId: optStr(r.session_id),
    raw: optStr(r.raw),
    traceCode: optStr(r.trace_code),
    code: optStr(r.code),
    // NOT NULL in the port, nullable in the table: Oracle stores '' as NULL.
    reason: str(r.reason),
  };
}
