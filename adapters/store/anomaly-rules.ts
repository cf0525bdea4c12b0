/**
 * Rules shared by the knex anomaly store and its memory twin, so both key, merge, filter and order alike:
 * notice keys are stored as a sha256 digest (bounded, indexable), findings keep their status across re-runs,
 * lists come back in one JavaScript order whatever the collation.
 */
import { createHash } from 'node:crypto';
import type { AnomalyRun, Finding, StoredAnomaly } from '../../core/anomalies/anomaly.js';
import type { DuplicateNotice } from '../../core/anomalies/duplicate-notice.js';
import type { AnomalyFilter, NoticeFilter } from '../../core/ports/anomaly-store.js';
import { compareCodes } from './ordering.js';

export function noticeKeyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
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
