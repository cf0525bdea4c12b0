/**
 * The anomaly use cases: run every rule (daily, once per hospital day across instances, or on demand), list and
 * count the findings, mark them, the trend; import and list the platform's duplicate-code notices, each linked to
 * the hospital's own record of its code.
 */
import type { CatalogIndex } from '../catalog/catalog-index.js';
import type { Table } from '../catalog/import-catalog.js';
import { rowsInvalid } from '../catalog/import-catalog.js';
import { invalid, notFound } from '../errors.js';
import type { AnomalyFilter, AnomalyStore, NoticeFilter } from '../ports/anomaly-store.js';
import type { Clock } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { shanghaiDate } from '../shanghai-time.js';
import { countFindings, type AnomalyRun, type AnomalyStatus, type RunTrigger } from './anomaly.js';
import { anomalyTrend, trendStart, type TrendDay } from './anomaly-trend.js';
import { anomalyView, countByKind, noticeView, type AnomalyView, type NoticeView } from './anomaly-view.js';
import { dailyRunKey } from './daily-schedule.js';
import { detectAnomalies } from './detect-anomalies.js';
import { completeNotices, type DuplicateNotice, type NoticeKind } from './duplicate-notice.js';
import { hospitalRecords } from './hospital-records.js';
import { objectsAsRows, parseNoticeRows } from './parse-notice-rows.js';
import type { AnomalyThresholds } from './thresholds.js';

const DAY_MS = 24 * 3600_000;
/** The longest list one call returns (exports included). */
export const MAX_LIST = 10_000;

export interface AnomalySettings {
  thresholds: AnomalyThresholds;
  /** This hospital's 定点医药机构编号: a notice with it is the hospital's own sale record. */
  ownFixmedinsCode: string;
}

export interface AnomalyList {
  anomalies: AnomalyView[];
  counts: { byType: Record<string, number>; byRisk: Record<string, number>; total: number };
  notices: { total: number; byKind: Record<string, number> };
}

export interface NoticeImport {
  imported: number;
  unchanged: number;
  byKind: Record<NoticeKind, number>;
}

export class AnomalyService {
  constructor(
    private readonly store: AnomalyStore,
    private readonly ledger: Pick<LedgerStore, 'getPacks'>,
    private readonly catalog: { index(): Promise<CatalogIndex> },
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly settings: AnomalySettings
  ) {}

  get thresholds(): AnomalyThresholds {
    return this.settings.thresholds;
  }

  /** Run now, on demand. */
  runNow(actor: string): Promise<AnomalyRun> {
    return this.run('manual', actor, null) as Promise<AnomalyRun>;
  }

  /** The daily run of one hospital day; null when it already ran (here or on another instance). */
  runDaily(date: string): Promise<AnomalyRun | null> {
    return this.run('daily', 'tracegate', dailyRunKey(date));
  }

  private async run(trigger: RunTrigger, actor: string, runKey: string | null): Promise<AnomalyRun | null> {
    const now = this.clock.now();
    const id = this.ids.next('G', now);
    const period = {
      from: new Date(now.getTime() - this.thresholds.periodDays * DAY_MS).toISOString(),
      to: now.toISOString(),
    };
    const run: AnomalyRun = {
      id,
      runKey: runKey ?? `manual:${id}`,
      trigger,
      actor,
      startedAt: now.toISOString(),
      finishedAt: null,
      periodFrom: period.from,
      periodTo: period.to,
      params: this.thresholds as unknown as Record<string, unknown>,
      counts: null,
      state: 'running',
      error: null,
    };
    if (!(await this.store.startRun(run))) {
      return null;
    }
    try {
      const index = await this.catalog.index();
      const { findings, limited } = await detectAnomalies(this.store, period, this.thresholds, (c) => index.drug(c));
      const at = this.clock.now().toISOString();
      const saved = await this.store.saveFindings(
        id,
        at,
        findings,
        findings.map(() => this.ids.next('A', this.clock.now()))
      );
      const counts = { ...countFindings(findings), ...saved, limited };
      await this.store.finishRun(id, at, { counts });
      return { ...run, finishedAt: at, counts, state: 'done' };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      await this.store.finishRun(id, this.clock.now().toISOString(), { error }).catch(() => undefined);
      throw e;
    }
  }

  listRuns(limit = 20): Promise<AnomalyRun[]> {
    return this.store.listRuns(Math.min(Math.max(limit, 1), 500));
  }

  async list(filter: AnomalyFilter): Promise<AnomalyList> {
    const bounded = { ...filter, limit: Math.min(filter.limit ?? 500, MAX_LIST) };
    const [stored, counts, notices, index] = await Promise.all([
      this.store.listAnomalies(bounded),
      this.store.countAnomalies(filter),
      this.store.countNotices(filter.traceCode ? { traceCode: filter.traceCode } : {}),
      this.catalog.index(),
    ]);
    return { anomalies: stored.map((a) => anomalyView(a, (c) => index.drug(c))), counts, notices };
  }

  async get(id: string): Promise<AnomalyView> {
    const [a, index] = await Promise.all([this.store.getAnomaly(id), this.catalog.index()]);
    if (!a) {
      throw notFound('ANOMALY_NOT_FOUND', `异常记录 ${id} 不存在`, { id });
    }
    return anomalyView(a, (c) => index.drug(c));
  }

  async setStatus(id: string, status: AnomalyStatus, note: string | null, actor: string): Promise<AnomalyView> {
    const changed = await this.store.setStatus(id, { status, note, actor, at: this.clock.now().toISOString() });
    if (!changed) {
      throw notFound('ANOMALY_NOT_FOUND', `异常记录 ${id} 不存在`, { id });
    }
    const index = await this.catalog.index();
    return anomalyView(changed, (c) => index.drug(c));
  }

  async trend(days: number): Promise<TrendDay[]> {
    if (!Number.isInteger(days) || days < 1 || days > 366) {
      throw invalid('TREND_DAYS_INVALID', `趋势天数「${days}」应为 1–366 的整数`, { days });
    }
    const now = this.clock.now();
    return anomalyTrend(await this.store.anomalyTimes(trendStart(days, now)), days, now);
  }

  /** Findings per hospital day (by when they happened) for instants in [from, until): the daily report's column. */
  async anomaliesPerDay(from: string, until: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of await this.store.anomalyTimes(from)) {
      if (t.occurredAt < until) {
        const day = shanghaiDate(t.occurredAt);
        out[day] = (out[day] ?? 0) + 1;
      }
    }
    return out;
  }

  /** A notice file (CSV/XLSX read by an adapter): every row valid, or nothing imported and every problem listed. */
  importNoticeTable(table: Table, source: string, actor: string): Promise<NoticeImport> {
    return this.importRows(table, source, actor);
  }

  /** Notices as JSON objects (field names or Chinese headers as keys), read like a file's rows. */
  importNoticeObjects(objects: readonly Record<string, unknown>[], actor: string): Promise<NoticeImport> {
    return this.importRows(objectsAsRows(objects), 'api', actor);
  }

  private async importRows(table: Table, source: string, actor: string): Promise<NoticeImport> {
    const { drafts, problems, truncated } = parseNoticeRows(table.rows, table.headers);
    if (problems.length > 0) {
      throw rowsInvalid('NOTICE_ROWS_INVALID', '追溯码重复通知', problems, truncated);
    }
    const at = this.clock.now();
    const notices = completeNotices(drafts, {
      ownCode: this.settings.ownFixmedinsCode,
      at: at.toISOString(),
      actor,
      source: source.slice(0, 200),
      newId: () => this.ids.next('N', at),
    });
    const saved = await this.store.saveNotices(notices);
    return { imported: saved.inserted, unchanged: saved.unchanged, byKind: countByKind(notices) };
  }

  /** Notices with the hospital's own record of each code (pack state, its sales: prescription, time, pharmacist, patient). */
  async listNotices(
    filter: NoticeFilter
  ): Promise<{ notices: NoticeView[]; total: number; byKind: Record<string, number> }> {
    const { limit: _limit, ...countFilter } = filter;
    const [notices, counts] = await Promise.all([
      this.store.listNotices({ ...filter, limit: Math.min(filter.limit ?? 500, MAX_LIST) }),
      this.store.countNotices(countFilter),
    ]);
    return { notices: await this.linked(notices), ...counts };
  }

  /** The notices of one code (for the code lookup), linked. */
  async noticesOf(traceCode: string): Promise<DuplicateNotice[]> {
    return this.store.noticesOf([traceCode]);
  }

  private async linked(notices: readonly DuplicateNotice[]): Promise<NoticeView[]> {
    const index = await this.catalog.index();
    const drugOf = (c: string) => index.drug(c);
    const records = await hospitalRecords(
      notices.map((n) => n.traceCode),
      { anomalies: this.store, ledger: this.ledger },
      drugOf
    );
    return notices.map((n) =>
      noticeView(n, this.settings.ownFixmedinsCode, records.get(n.traceCode) ?? { pack: null, sales: [] })
    );
  }
}
