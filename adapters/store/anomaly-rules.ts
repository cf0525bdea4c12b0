/**
 * Rules shared by the knex anomaly store and its memory twin, so both read, key, merge, filter and order alike:
 * the rules' reads take the same ledger actions, notice keys are stored as a sha256 digest (bounded, indexable),
 * findings keep their status across re-runs, lists come back in one JavaScript order whatever the collation.
 */
import { createHash } from 'node:crypto';
import type { AnomalyRun, Finding, StoredAnomaly } from '../../core/anomalies/anomaly.js';
import type { DuplicateNotice } from '../../core/anomalies/duplicate-notice.js';
import type { LedgerAction } from '../../core/ledger/pack.js';
import type {
  AnomalyFilter,
  CodeEvent,
  DispenseRecord,
  DrugSales,
  NoticeFilter,
} from '../../core/ports/anomaly-store.js';
import { compareCodes } from './ordering.js';

// ---- the rules' reads ----

/** The actions that sell a pack. */
export const SALE_ACTIONS: readonly LedgerAction[] = ['dispense', 'dispense_units'];
/** What repeatSaleEvents returns of a resold code's history: its dispenses, returns and corrections. */
export const REPEAT_SALE_ACTIONS: readonly LedgerAction[] = [
  'dispense',
  'return_to_stock',
  'return_to_quarantine',
  'correct',
];
/** What saleEventsOf returns: sales and returns. */
export const SALE_AND_RETURN_ACTIONS: readonly LedgerAction[] = [
  ...SALE_ACTIONS,
  'return_to_stock',
  'return_to_quarantine',
];

/** Code events by code, then seq. */
export function sortCodeEvents(list: CodeEvent[]): CodeEvent[] {
  return list.sort((a, b) => compareCodes(a.traceCode, b.traceCode) || a.seq - b.seq);
}

export function sortDrugSales(list: DrugSales[]): DrugSales[] {
  return list.sort((a, b) => compareCodes(a.hisDrugCode, b.hisDrugCode));
}

/** Several completed dispenses of one prescription (partial sales): the latest names the patient. */
export function keepLatest(map: Map<string, DispenseRecord>, record: DispenseRecord): void {
  const known = map.get(record.prescriptionNo);
  if (!known || compareCodes(record.completedAt ?? '', known.completedAt ?? '') > 0) {
    map.set(record.prescriptionNo, record);
  }
}

/** The records keepLatest kept, by prescription number. */
export function latestDispenses(map: ReadonlyMap<string, DispenseRecord>): DispenseRecord[] {
  return [...map.values()].sort((a, b) => compareCodes(a.prescriptionNo, b.prescriptionNo));
}

// ---- findings and notices ----

export function noticeKeyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Notices as stored: the key replaced by its digest. */
export function withKeyDigests(notices: readonly DuplicateNotice[]): DuplicateNotice[] {
  return notices.map((n) => ({ ...n, noticeKey: noticeKeyDigest(n.noticeKey) }));
}

/** A new finding as stored: open, first and last seen now. */
export function newAnomaly(f: Finding, id: string, runId: string, at: string): StoredAnomaly {
  return {
    ...f,
    id,
    firstSeenAt: at,
    lastSeenAt: at,
    runId,
    status: 'open',
    note: null,
    statusBy: null,
    statusAt: null,
  };
}

/** A known finding seen again: the new facts, the old identity, status and note. */
export function seenAgain(stored: StoredAnomaly, f: Finding, runId: string, at: string): StoredAnomaly {
  return { ...stored, ...f, id: stored.id, firstSeenAt: stored.firstSeenAt, lastSeenAt: at, runId };
}

/** Findings of one save keyed (type, subject): a rule that reported a subject twice keeps the last. */
export function findingKey(f: Pick<Finding, 'type' | 'subjectKey'>): string {
  return `${f.type}\u0000${f.subjectKey}`;
}

/** The findings of one save by findingKey, each with the id it is stored under if new; the last of a key wins. */
export function latestFindings(
  findings: readonly Finding[],
  newIds: readonly string[]
): Map<string, { finding: Finding; id: string }> {
  const latest = new Map<string, { finding: Finding; id: string }>();
  findings.forEach((finding, i) => latest.set(findingKey(finding), { finding, id: newIds[i]! }));
  return latest;
}

export function matchesAnomaly(a: StoredAnomaly, f: AnomalyFilter): boolean {
  return (
    (f.type === undefined || a.type === f.type) &&
    (f.risk === undefined || a.risk === f.risk) &&
    (f.status === undefined || a.status === f.status) &&
    (f.hisDrugCode === undefined || a.hisDrugCode === f.hisDrugCode) &&
    (f.traceCode === undefined || a.traceCodes.includes(f.traceCode)) &&
    (f.from === undefined || a.occurredAt >= f.from) &&
    (f.to === undefined || a.occurredAt < f.to)
  );
}

/** Newest first (by when it happened), then by id. */
export function sortAnomalies(list: StoredAnomaly[]): StoredAnomaly[] {
  return list.sort((a, b) => compareCodes(b.occurredAt, a.occurredAt) || compareCodes(b.id, a.id));
}

export function matchesNotice(n: DuplicateNotice, f: Omit<NoticeFilter, 'limit'>): boolean {
  return (
    (f.traceCode === undefined || n.traceCode === f.traceCode) &&
    (f.kind === undefined || n.kind === f.kind) &&
    (f.from === undefined || n.importedAt >= f.from) &&
    (f.to === undefined || n.importedAt < f.to)
  );
}

/** Newest import first, then by code and id. */
export function sortNotices(list: DuplicateNotice[]): DuplicateNotice[] {
  return list.sort(
    (a, b) =>
      compareCodes(b.importedAt, a.importedAt) || compareCodes(a.traceCode, b.traceCode) || compareCodes(a.id, b.id)
  );
}

export function sortRuns(list: AnomalyRun[]): AnomalyRun[] {
  return list.sort((a, b) => compareCodes(b.startedAt, a.startedAt) || compareCodes(b.id, a.id));
}

/** Notices of one import that are new: not stored, and the first of the batch with their key. */
export function newNotices(notices: readonly DuplicateNotice[], stored: ReadonlySet<string>): DuplicateNotice[] {
  const seen = new Set(stored);
  const out: DuplicateNotice[] = [];
  for (const n of notices) {
    if (!seen.has(n.noticeKey)) {
      seen.add(n.noticeKey);
      out.push(n);
    }
  }
  return out;
}
