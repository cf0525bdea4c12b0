/** Findings and notices as the API, the CLI and the exports show them: codes with their Chinese names beside. */
import type { Drug } from '../catalog/drug.js';
import { packStateName, type PackState } from '../ledger/pack.js';
import {
  anomalyStatusName,
  anomalyTypeName,
  riskName,
  type AnomalyStatus,
  type AnomalyType,
  type RiskLevel,
  type StoredAnomaly,
} from './anomaly.js';
import { noticeKindName, type DuplicateNotice, type NoticeKind } from './duplicate-notice.js';

export interface AnomalyView {
  id: string;
  type: AnomalyType;
  typeName: string;
  risk: RiskLevel;
  riskName: string;
  hisDrugCode: string | null;
  drugName: string | null;
  traceCodes: string[];
  summary: string;
  evidence: Record<string, unknown>;
  occurredAt: string;
  firstSeenAt: string;
  lastSeenAt: string;
  status: AnomalyStatus;
  statusName: string;
  note: string | null;
  statusBy: string | null;
  statusAt: string | null;
  runId: string;
}

export function anomalyView(a: StoredAnomaly, drugOf: (code: string) => Drug | undefined): AnomalyView {
  return {
    id: a.id,
    type: a.type,
    typeName: anomalyTypeName[a.type],
    risk: a.risk,
    riskName: riskName[a.risk],
    hisDrugCode: a.hisDrugCode,
    drugName: a.hisDrugCode ? (drugOf(a.hisDrugCode)?.name ?? null) : null,
    traceCodes: a.traceCodes,
    summary: a.summary,
    evidence: a.evidence,
    occurredAt: a.occurredAt,
    firstSeenAt: a.firstSeenAt,
    lastSeenAt: a.lastSeenAt,
    status: a.status,
    statusName: anomalyStatusName[a.status],
    note: a.note,
    statusBy: a.statusBy,
    statusAt: a.statusAt,
    runId: a.runId,
  };
}

/** One sale of the code in this hospital's ledger, with its patient and whether it was returned. */
export interface HospitalSale {
  at: string;
  prescriptionNo: string | null;
  patientName: string | null;
  sessionId: string | null;
  pharmacist: string;
  location: string | null;
  returnedAt: string | null;
}

/** The hospital's own record of a code a notice names: the link between the platform's list and the ledger. */
export interface HospitalRecord {
  /** Null: the code was never in this hospital's ledger. */
  pack: {
    state: PackState;
    stateName: string;
    hisDrugCode: string;
    drugName: string | null;
    location: string | null;
    since: string;
    ref: string | null;
  } | null;
  sales: HospitalSale[];
}

export interface NoticeView extends Omit<DuplicateNotice, 'noticeKey'> {
  kindName: string;
  /** The notice's sale record is this hospital's own (its institution code is ours). */
  ownRecord: boolean;
  hospital: HospitalRecord;
}

export function noticeView(n: DuplicateNotice, ownCode: string, hospital: HospitalRecord): NoticeView {
  const { noticeKey: _key, ...rest } = n;
  return {
    ...rest,
    kindName: noticeKindName[n.kind],
    ownRecord: n.fixmedinsCode !== null && n.fixmedinsCode === ownCode,
    hospital,
  };
}

export function packView(
  pack: { state: PackState; hisDrugCode: string; location: string | null; updatedAt: string; ref: string | null },
  drugOf: (code: string) => Drug | undefined
): NonNullable<HospitalRecord['pack']> {
  return {
    state: pack.state,
    stateName: packStateName[pack.state],
    hisDrugCode: pack.hisDrugCode,
    drugName: drugOf(pack.hisDrugCode)?.name ?? null,
    location: pack.location,
    since: pack.updatedAt,
    ref: pack.ref,
  };
}

export function countByKind(notices: readonly Pick<DuplicateNotice, 'kind'>[]): Record<NoticeKind, number> {
  const out: Record<NoticeKind, number> = { resold: 0, counterfeit: 0, substitution: 0, other: 0 };
  for (const n of notices) {
    out[n.kind] += 1;
  }
  return out;
}
