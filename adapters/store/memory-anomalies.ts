/**
 * The AnomalyStore in memory, beside a MemoryStore: the rules read its snapshot (inherited from
 * memory-anomaly-reads.ts); findings, runs and notices live here. Same semantics as KnexAnomalies (the contract in
 * test/contract/anomaly-contract.ts).
 */
import type { AnomalyRun, AnomalyType, Finding, RunCounts, StoredAnomaly } from '../../core/anomalies/anomaly.js';
import type { DuplicateNotice } from '../../core/anomalies/duplicate-notice.js';
import type { AnomalyFilter, AnomalyStore, NoticeFilter, StatusChange } from '../../core/ports/anomaly-store.js';
import {
  findingKey,
  latestFindings,
  matchesAnomaly,
  matchesNotice,
  newAnomaly,
  newNotices,
  seenAgain,
  sortAnomalies,
  sortNotices,
  sortRuns,
  withKeyDigests,
} from './anomaly-rules.js';
import { MemoryAnomalyReads } from './memory-anomaly-reads.js';
import type { MemoryStore } from './memory-store.js';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryAnomalies extends MemoryAnomalyReads implements AnomalyStore {
  private runs = new Map<string, AnomalyRun>();
  private anomalies = new Map<string, StoredAnomaly>();
  private notices = new Map<string, DuplicateNotice>();

  constructor(store: Pick<MemoryStore, 'snapshot'>) {
    super(() => store.snapshot());
  }

  async startRun(run: AnomalyRun): Promise<boolean> {
    if ([...this.runs.values()].some((r) => r.runKey === run.runKey)) {
      return false;
    }
    this.runs.set(run.id, copy(run));
    return true;
  }

  async finishRun(id: string, at: string, outcome: { counts: RunCounts } | { error: string }): Promise<void> {
    const run = this.runs.get(id);
    if (run) {
      this.runs.set(
        id,
        'counts' in outcome
          ? { ...run, finishedAt: at, state: 'done', counts: copy(outcome.counts) }
          : { ...run, finishedAt: at, state: 'failed', error: outcome.error }
      );
    }
  }

  async listRuns(limit: number): Promise<AnomalyRun[]> {
    return sortRuns([...this.runs.values()].map(copy)).slice(0, limit);
  }

  async saveFindings(
    runId: string,
    at: string,
    findings: readonly Finding[],
    newIds: readonly string[]
  ): Promise<{ inserted: number; updated: number }> {
    const byKey = new Map([...this.anomalies.values()].map((a) => [findingKey(a), a]));
    const latest = latestFindings(findings, newIds);
    let inserted = 0;
    let updated = 0;
    for (const [key, { finding, id }] of latest) {
      const stored = byKey.get(key);
      const saved = stored ? seenAgain(stored, finding, runId, at) : newAnomaly(finding, id, runId, at);
      this.anomalies.set(saved.id, copy(saved));
      if (stored) {
        updated += 1;
      } else {
        inserted += 1;
      }
    }
    return { inserted, updated };
  }

  private matching(filter: AnomalyFilter): StoredAnomaly[] {
    return sortAnomalies([...this.anomalies.values()].filter((a) => matchesAnomaly(a, filter)));
  }

  async listAnomalies(filter: AnomalyFilter): Promise<StoredAnomaly[]> {
    const offset = filter.offset ?? 0;
    const list = this.matching(filter).slice(offset, filter.limit === undefined ? undefined : offset + filter.limit);
    return list.map(copy);
  }

  async countAnomalies(
    filter: AnomalyFilter
  ): Promise<{ byType: Record<string, number>; byRisk: Record<string, number>; total: number }> {
    const byType: Record<string, number> = {};
    const byRisk: Record<string, number> = {};
    const list = this.matching(filter);
    for (const a of list) {
      byType[a.type] = (byType[a.type] ?? 0) + 1;
      byRisk[a.risk] = (byRisk[a.risk] ?? 0) + 1;
    }
    return { byType, byRisk, total: list.length };
  }

  async anomalyTimes(from: string): Promise<{ type: AnomalyType; occurredAt: string }[]> {
    return [...this.anomalies.values()]
      .filter((a) => a.occurredAt >= from)
      .map((a) => ({ type: a.type, occurredAt: a.occurredAt }));
  }

  async getAnomaly(id: string): Promise<StoredAnomaly | undefined> {
    const a = this.anomalies.get(id);
    return a && copy(a);
  }

  async setStatus(id: string, change: StatusChange): Promise<StoredAnomaly | undefined> {
    const a = this.anomalies.get(id);
    if (!a) {
      return undefined;
    }
    const saved = { ...a, status: change.status, note: change.note, statusBy: change.actor, statusAt: change.at };
    this.anomalies.set(id, saved);
    return copy(saved);
  }

  async saveNotices(notices: readonly DuplicateNotice[]): Promise<{ inserted: number; unchanged: number }> {
    const keyed = withKeyDigests(notices);
    const fresh = newNotices(keyed, new Set([...this.notices.values()].map((n) => n.noticeKey)));
    for (const n of fresh) {
      this.notices.set(n.id, copy(n));
    }
    return { inserted: fresh.length, unchanged: notices.length - fresh.length };
  }

  async listNotices(filter: NoticeFilter): Promise<DuplicateNotice[]> {
    const list = sortNotices([...this.notices.values()].filter((n) => matchesNotice(n, filter)));
    return (filter.limit === undefined ? list : list.slice(0, filter.limit)).map(copy);
  }

  async countNotices(filter: Omit<NoticeFilter, 'limit'>): Promise<{ total: number; byKind: Record<string, number> }> {
    const byKind: Record<string, number> = {};
    const list = [...this.notices.values()].filter((n) => matchesNotice(n, filter));
    for (const n of list) {
      byKind[n.kind] = (byKind[n.kind] ?? 0) + 1;
    }
    return { total: list.length, byKind };
  }

  async noticesOf(traceCodes: readonly string[]): Promise<DuplicateNotice[]> {
    const wanted = new Set(traceCodes);
    return sortNotices([...this.notices.values()].filter((n) => wanted.has(n.traceCode))).map(copy);
  }

  async truncate(): Promise<void> {
    this.runs.clear();
    this.anomalies.clear();
    this.notices.clear();
  }
}
