/**
 * The AnomalyStore on the five SQL dialects: the rules' reads (inherited from knex-anomaly-reads.ts), and the
 * findings, runs and duplicate notices it keeps. Saving findings is an upsert by (type, subject_key) done as read-then-write in one
 * transaction; a concurrent run that inserted the same subject first makes the unique key refuse, and the save is
 * retried once, when that subject reads as known.
 */
import type { Knex } from 'knex';
import type { AnomalyRun, Finding, RunCounts, StoredAnomaly } from '../../core/anomalies/anomaly.js';
import type { DuplicateNotice } from '../../core/anomalies/duplicate-notice.js';
import type { AnomalyFilter, AnomalyStore, NoticeFilter, StatusChange } from '../../core/ports/anomaly-store.js';
import {
  findingKey,
  latestFindings,
  newAnomaly,
  newNotices,
  seenAgain,
  sortAnomalies,
  sortNotices,
  sortRuns,
  withKeyDigests,
} from './anomaly-rules.js';
import {
  anomalyUpdate,
  anomalyValues,
  noticeValues,
  rowToAnomaly,
  rowToNotice,
  rowToRun,
  runValues,
} from './anomaly-row-mappers.js';
import { ANOMALY_COLUMNS, ANOMALY_TABLES, NOTICE_COLUMNS, RUN_COLUMNS } from './anomaly-tables.js';
import { batchLimits, chunks } from './batching.js';
import { bulkInsert } from './bulk-insert.js';
import { classifyDbError } from './db-errors.js';
import { KnexAnomalyReads } from './knex-anomaly-reads.js';
import { columnNames } from './tables.js';
import type { Row } from './row-mappers.js';

type Db = Knex | Knex.Transaction;

const anomalyColumns = columnNames(ANOMALY_COLUMNS);
const runColumns = columnNames(RUN_COLUMNS);
const noticeColumns = columnNames(NOTICE_COLUMNS);

/** `%"<code>"%` for a LIKE over the JSON list of codes, with `!` escaping LIKE's own characters. */
function codeInJsonList(code: string): string {
  return `%${JSON.stringify(code).replace(/[!%_[]/g, (c) => `!${c}`)}%`;
}

export class KnexAnomalies extends KnexAnomalyReads implements AnomalyStore {
  // ---- runs ----

  async startRun(run: AnomalyRun): Promise<boolean> {
    try {
      await bulkInsert(this.db, this.dialect, ANOMALY_TABLES.runs, RUN_COLUMNS, [runValues(run)]);
      return true;
    } catch (e) {
      if (classifyDbError(this.dialect, e) === 'unique') {
        return false;
      }
      throw e;
    }
  }

  async finishRun(id: string, at: string, outcome: { counts: RunCounts } | { error: string }): Promise<void> {
    await this.db(ANOMALY_TABLES.runs)
      .where('id', id)
      .update(
        'counts' in outcome
          ? { finished_at: at, state: 'done', counts: JSON.stringify(outcome.counts) }
          : { finished_at: at, state: 'failed', error: outcome.error }
      );
  }

  async listRuns(limit: number): Promise<AnomalyRun[]> {
    const rows: Row[] = await this.db(ANOMALY_TABLES.runs)
      .select(runColumns)
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return sortRuns(rows.map(rowToRun));
  }

  // ---- findings ----

  async saveFindings(
    runId: string,
    at: string,
    findings: readonly Finding[],
    newIds: readonly string[]
  ): Promise<{ inserted: number; updated: number }> {
    try {
      return await this.saveOnce(runId, at, findings, newIds);
    } catch (e) {
      if (classifyDbError(this.dialect, e) !== 'unique') {
        throw e;
      }
      // Another run inserted one of these subjects between our read and our insert: it now reads as known.
      return this.saveOnce(runId, at, findings, newIds);
    }
  }

  private async saveOnce(
    runId: string,
    at: string,
    findings: readonly Finding[],
    newIds: readonly string[]
  ): Promise<{ inserted: number; updated: number }> {
    const latest = latestFindings(findings, newIds);
    return this.db.transaction(async (trx) => {
      const known = await this.knownFindings(
        trx,
        [...latest.values()].map((v) => v.finding)
      );
      const inserts: StoredAnomaly[] = [];
      let updated = 0;
      for (const [key, { finding, id }] of latest) {
        const stored = known.get(key);
        if (!stored) {
          inserts.push(newAnomaly(finding, id, runId, at));
          continue;
        }
        await trx(ANOMALY_TABLES.anomalies)
          .where('id', stored.id)
          .update(anomalyUpdate(seenAgain(stored, finding, runId, at)));
        updated += 1;
      }
      await bulkInsert(trx, this.dialect, ANOMALY_TABLES.anomalies, ANOMALY_COLUMNS, inserts.map(anomalyValues));
      return { inserted: inserts.length, updated };
    });
  }

  private async knownFindings(db: Db, findings: readonly Finding[]): Promise<Map<string, StoredAnomaly>> {
    const out = new Map<string, StoredAnomaly>();
    const byType = new Map<string, string[]>();
    for (const f of findings) {
      byType.set(f.type, [...(byType.get(f.type) ?? []), f.subjectKey]);
    }
    for (const [type, subjects] of byType) {
      for (const chunk of chunks(subjects, batchLimits[this.dialect].inList)) {
        const rows: Row[] = await db(ANOMALY_TABLES.anomalies)
          .select(anomalyColumns)
          .where('type', type)
          .whereIn('subject_key', chunk);
        for (const a of rows.map(rowToAnomaly)) {
          out.set(findingKey(a), a);
        }
      }
    }
    return out;
  }

  private filtered(filter: AnomalyFilter): Knex.QueryBuilder {
    const q = this.db(ANOMALY_TABLES.anomalies);
    const eq: [string, unknown][] = [
      ['type', filter.type],
      ['risk', filter.risk],
      ['status', filter.status],
      ['his_drug_code', filter.hisDrugCode],
    ];
    for (const [column, value] of eq) {
      if (value !== undefined) {
        q.andWhere(column, value as string);
      }
    }
    if (filter.traceCode !== undefined) {
      q.andWhereRaw(`?? like ? escape '!'`, ['trace_codes', codeInJsonList(filter.traceCode)]);
    }
    if (filter.from !== undefined) {
      q.andWhere('occurred_at', '>=', filter.from);
    }
    if (filter.to !== undefined) {
      q.andWhere('occurred_at', '<', filter.to);
    }
    return q;
  }

  async listAnomalies(filter: AnomalyFilter): Promise<StoredAnomaly[]> {
    const q = this.filtered(filter)
      .select(anomalyColumns)
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    if (filter.limit !== undefined) {
      q.limit(filter.limit);
    }
    if (filter.offset) {
      q.offset(filter.offset);
    }
    const rows: Row[] = await q;
    // The LIKE over the JSON list can match a longer code containing this one's quotes: keep exact members only.
    const list = rows
      .map(rowToAnomaly)
      .filter((a) => filter.traceCode === undefined || a.traceCodes.includes(filter.traceCode));
    return sortAnomalies(list);
  }

  async countAnomalies(
    filter: AnomalyFilter
  ): Promise<{ byType: Record<string, number>; byRisk: Record<string, number>; total: number }> {
    const rows: Row[] = await this.filtered(filter).select('type', 'risk').count({ n: '*' }).groupBy('type', 'risk');
    const byType: Record<string, number> = {};
    const byRisk: Record<string, number> = {};
    let total = 0;
    for (const r of rows) {
      const n = Number(r.n);
      byType[String(r.type)] = (byType[String(r.type)] ?? 0) + n;
      byRisk[String(r.risk)] = (byRisk[String(r.risk)] ?? 0) + n;
      total += n;
    }
    return { byType, byRisk, total };
  }

  async anomalyTimes(from: string): Promise<{ type: StoredAnomaly['type']; occurredAt: string }[]> {
    const rows: Row[] = await this.db(ANOMALY_TABLES.anomalies)
      .select('type', 'occurred_at')
      .where('occurred_at', '>=', from);
    return rows.map((r) => ({ type: String(r.type) as StoredAnomaly['type'], occurredAt: String(r.occurred_at) }));
  }

  async getAnomaly(id: string): Promise<StoredAnomaly | undefined> {
    const row: Row | undefined = await this.db(ANOMALY_TABLES.anomalies).select(anomalyColumns).where('id', id).first();
    return row ? rowToAnomaly(row) : undefined;
  }

  async setStatus(id: string, change: StatusChange): Promise<StoredAnomaly | undefined> {
    const affected = Number(
      await this.db(ANOMALY_TABLES.anomalies)
        .where('id', id)
        .update({ status: change.status, note: change.note, status_by: change.actor, status_at: change.at })
    );
    return affected > 0 ? this.getAnomaly(id) : undefined;
  }

  // ---- duplicate notices ----

  async saveNotices(notices: readonly DuplicateNotice[]): Promise<{ inserted: number; unchanged: number }> {
    const keyed = withKeyDigests(notices);
    const attempt = () =>
      this.db.transaction(async (trx) => {
        const stored = new Set<string>();
        for (const chunk of chunks([...new Set(keyed.map((n) => n.noticeKey))], batchLimits[this.dialect].inList)) {
          const rows: Row[] = await trx(ANOMALY_TABLES.notices).select('notice_key').whereIn('notice_key', chunk);
          rows.forEach((r) => stored.add(String(r.notice_key)));
        }
        const fresh = newNotices(keyed, stored);
        await bulkInsert(trx, this.dialect, ANOMALY_TABLES.notices, NOTICE_COLUMNS, fresh.map(noticeValues));
        return { inserted: fresh.length, unchanged: notices.length - fresh.length };
      });
    try {
      return await attempt();
    } catch (e) {
      if (classifyDbError(this.dialect, e) !== 'unique') {
        throw e;
      }
      return attempt();
    }
  }

  private noticesWhere(filter: Omit<NoticeFilter, 'limit'>): Knex.QueryBuilder {
    const q = this.db(ANOMALY_TABLES.notices);
    if (filter.traceCode !== undefined) {
      q.andWhere('trace_code', filter.traceCode);
    }
    if (filter.kind !== undefined) {
      q.andWhere('kind', filter.kind);
    }
    if (filter.from !== undefined) {
      q.andWhere('imported_at', '>=', filter.from);
    }
    if (filter.to !== undefined) {
      q.andWhere('imported_at', '<', filter.to);
    }
    return q;
  }

  async listNotices(filter: NoticeFilter): Promise<DuplicateNotice[]> {
    const q = this.noticesWhere(filter)
      .select(noticeColumns)
      .orderBy([{ column: 'imported_at', order: 'desc' }, { column: 'trace_code' }, { column: 'id' }]);
    if (filter.limit !== undefined) {
      q.limit(filter.limit);
    }
    const rows: Row[] = await q;
    return sortNotices(rows.map(rowToNotice));
  }

  async countNotices(filter: Omit<NoticeFilter, 'limit'>): Promise<{ total: number; byKind: Record<string, number> }> {
    const rows: Row[] = await this.noticesWhere(filter).select('kind').count({ n: '*' }).groupBy('kind');
    const byKind: Record<string, number> = {};
    let total = 0;
    for (const r of rows) {
      byKind[String(r.kind)] = Number(r.n);
      total += Number(r.n);
    }
    return { total, byKind };
  }

  async noticesOf(traceCodes: readonly string[]): Promise<DuplicateNotice[]> {
    const out: DuplicateNotice[] = [];
    for (const chunk of chunks([...new Set(traceCodes)], batchLimits[this.dialect].inList)) {
      const rows: Row[] = await this.db(ANOMALY_TABLES.notices).select(noticeColumns).whereIn('trace_code', chunk);
      out.push(...rows.map(rowToNotice));
    }
    return sortNotices(out);
  }

  /** Everything this store keeps (tests and benchmarks). */
  async truncate(): Promise<void> {
    await this.db.transaction(async (trx) => {
      for (const table of Object.values(ANOMALY_TABLES)) {
        await trx(table).delete();
      }
    });
  }
}
