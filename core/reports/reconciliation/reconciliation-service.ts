/**
 * 药帐核对: per drug and as of a day, HIS book stock against the ledger's packs in stock, the last inventory count and
 * the uploads, the difference explained by category down to the codes. Aggregates come from the store in a fixed
 * number of queries (never one per pack); the first codes of each non-empty category take one indexed query each.
 */
import type { CatalogIndex } from '../../catalog/catalog-index.js';
import { invalid } from '../../errors.js';
import type { Clock } from '../../ports/clock.js';
import type {
  InventoryCountRow,
  LedgerScope,
  ReconciliationStore,
  StateCountRow,
} from '../../ports/reconciliation-store.js';
import { shanghaiDate } from '../../shanghai-time.js';
import { dayEnd, dayStart, requireDate } from '../shanghai-days.js';
import { codeLine, type CodeLine } from './code-line.js';
import { reconcileDrug, windowOf } from './reconcile-drug.js';
import type { DrugReconciliation, ReconciliationReport, ReconciliationWindow } from './reconciliation.js';
import {
  categoryInfo,
  CodeListCategories,
  isWindowCategory,
  type CodeListCategory,
} from './reconciliation-categories.js';
import { reconciliationTotals } from './reconciliation-totals.js';

export interface ReconciliationQuery {
  /** yyyy-MM-dd; default today (the current ledger). */
  asOf?: string;
  hisDrugCode?: string;
  /** Window start for every drug (yyyy-MM-dd); default each drug's last inventory count. */
  since?: string;
  /** How many codes to list per category (0–50; default 5 for one drug, 0 for all). */
  codes?: number;
}

export interface CodeListQuery {
  hisDrugCode: string;
  category: string;
  asOf?: string;
  since?: string;
  limit?: number;
  offset?: number;
}

export interface CodeListPage {
  hisDrugCode: string;
  category: CodeListCategory;
  label: string;
  asOf: string;
  basis: ReconciliationReport['basis'];
  /** For window categories: the days counted. */
  window: ReconciliationWindow | null;
  limit: number;
  offset: number;
  /** Offset of the next page, null on the last one. */
  nextOffset: number | null;
  codes: CodeLine[];
}

export const DEFAULT_SAMPLE_CODES = 5;
export const MAX_SAMPLE_CODES = 50;
export const MAX_CODE_PAGE = 5000;
/** Sample queries in flight at once: enough to overlap round trips, few enough to leave the pool to the windows. */
const SAMPLE_CONCURRENCY = 4;

interface Resolved {
  asOf: string;
  since: string | null;
  basis: ReconciliationReport['basis'];
  scope: LedgerScope;
}

export class ReconciliationService {
  constructor(
    private readonly store: ReconciliationStore,
    private readonly catalog: { index(): Promise<CatalogIndex> },
    private readonly clock: Clock
  ) {}

  async report(q: ReconciliationQuery = {}): Promise<ReconciliationReport> {
    const r = this.resolve(q.asOf, q.since, q.hisDrugCode);
    // By default the first codes only for one drug: for every drug it is a query per drug and category.
    const sample = sampleSize(q.codes ?? (q.hisDrugCode === undefined ? 0 : DEFAULT_SAMPLE_CODES));
    const [states, counts, books, uploads, unuploaded, index] = await Promise.all([
      this.store.stateCounts(r.scope),
      this.store.lastCounts(r.asOf, q.hisDrugCode),
      this.store.bookStock(r.asOf, q.hisDrugCode),
      this.store.uploadCounts(r.scope),
      this.store.unuploadedSales(r.scope),
      this.catalog.index(),
    ]);
    const from = r.since ?? commonWindowStart(states, counts);
    // Per-hour rows only when drugs count from different days (some since their own inventory count).
    const byHour = r.since === null && counts.length > 0;
    const events = await this.store.windowEvents({ ...r.scope, from: from === null ? null : dayStart(from), byHour });
    const countOf = new Map(counts.map((c) => [c.hisDrugCode, c]));
    const bookOf = new Map(books.map((b) => [b.hisDrugCode, b]));
    const unuploadedOf = new Map(unuploaded.map((u) => [u.hisDrugCode, u.codes]));
    const statesOf = groupByDrug(states);
    const uploadsOf = groupByDrug(uploads);
    const eventsOf = groupByDrug(events);
    const codes = drugCodes([states, counts, books, uploads, unuploaded, events]).filter((c) => !index.drug(c)?.exempt);
    const drugs = codes.map((code) =>
      reconcileDrug({
        hisDrugCode: code,
        drug: index.drug(code),
        asOf: r.asOf,
        since: r.since,
        states: statesOf.get(code) ?? [],
        book: bookOf.get(code) ?? null,
        lastCount: countOf.get(code) ?? null,
        uploads: uploadsOf.get(code) ?? [],
        windowEvents: eventsOf.get(code) ?? [],
        unuploadedCodes: unuploadedOf.get(code) ?? 0,
      })
    );
    await this.attachSamples(drugs, r.scope.until, sample);
    return {
      asOf: r.asOf,
      basis: r.basis,
      since: r.since,
      generatedAt: this.clock.now().toISOString(),
      drugs,
      totals: reconciliationTotals(drugs),
    };
  }

  /** One page of the codes of one drug and category (the full list behind a report's first codes). */
  async codes(q: CodeListQuery): Promise<CodeListPage> {
    const category = categoryOf(q.category);
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CODE_PAGE || !Number.isInteger(offset) || offset < 0) {
      throw invalid('PAGE_INVALID', `每页条数应为 1–${MAX_CODE_PAGE}，偏移量应为不小于 0 的整数`, { limit, offset });
    }
    const r = this.resolve(q.asOf, q.since, q.hisDrugCode);
    const window = isWindowCategory(category) ? await this.windowFor(q.hisDrugCode, r) : null;
    const [facts, index] = await Promise.all([
      this.store.codes({
        hisDrugCode: q.hisDrugCode,
        category,
        until: r.scope.until,
        from: window?.from ? dayStart(window.from) : null,
        limit,
        offset,
      }),
      this.catalog.index(),
    ]);
    const unitName = index.drug(q.hisDrugCode)?.unitName ?? null;
    return {
      hisDrugCode: q.hisDrugCode,
      category,
      label: categoryInfo[category].label,
      asOf: r.asOf,
      basis: r.basis,
      window,
      limit,
      offset,
      nextOffset: facts.length === limit ? offset + limit : null,
      codes: facts.map((f) => codeLine(category, f, unitName)),
    };
  }

  /** Every code of one drug and category, page by page (for exports). */
  async allCodes(q: Omit<CodeListQuery, 'limit' | 'offset'>): Promise<CodeListPage> {
    const first = await this.codes({ ...q, limit: MAX_CODE_PAGE, offset: 0 });
    const codes = [...first.codes];
    for (let next = first.nextOffset; next !== null;) {
      const page = await this.codes({ ...q, limit: MAX_CODE_PAGE, offset: next });
      codes.push(...page.codes);
      next = page.nextOffset;
    }
    return { ...first, limit: codes.length, nextOffset: null, codes };
  }

  private resolve(asOf: string | undefined, since: string | undefined, hisDrugCode: string | undefined): Resolved {
    const today = shanghaiDate(this.clock.now().toISOString());
    const day = asOf === undefined || asOf === '' ? today : requireDate(asOf, 'asOf');
    if (day > today) {
      throw invalid('AS_OF_IN_FUTURE', `核对日期 ${day} 晚于今天（${today}），台账还没有那天的数据`, { asOf: day });
    }
    const from = since === undefined || since === '' ? null : requireDate(since, 'since');
    if (from !== null && from > day) {
      throw invalid('SINCE_AFTER_AS_OF', `起始日期 ${from} 晚于核对日期 ${day}`, { since: from, asOf: day });
    }
    // Today's end has not come: the current ledger is the ledger as of today, and needs no events replayed.
    const until = day === today ? null : dayEnd(day);
    return {
      asOf: day,
      since: from,
      basis: until === null ? 'current' : 'end-of-day',
      scope: hisDrugCode === undefined ? { until } : { until, hisDrugCode },
    };
  }

  private async windowFor(hisDrugCode: string, r: Resolved): Promise<ReconciliationWindow> {
    if (r.since !== null) {
      return windowOf(r.asOf, r.since, null);
    }
    const [count] = await this.store.lastCounts(r.asOf, hisDrugCode);
    return windowOf(r.asOf, null, count ?? null);
  }

  /** The first codes of every non-empty category, a few queries at a time. */
  private async attachSamples(drugs: DrugReconciliation[], until: string | null, sample: number): Promise<void> {
    if (sample === 0) {
      return;
    }
    const jobs = drugs.flatMap((d) =>
      d.categories
        .filter((line) => line.category !== 'unexplained' && line.count > 0)
        .map((line) => async () => {
          const category = line.category as CodeListCategory;
          const from = isWindowCategory(category) && d.window.from ? dayStart(d.window.from) : null;
          const facts = await this.store.codes({
            hisDrugCode: d.hisDrugCode,
            category,
            until,
            from,
            limit: sample,
            offset: 0,
          });
          line.codes = facts.map((f) => f.traceCode);
          line.more = line.count > line.codes.length;
        })
    );
    await runLimited(jobs, SAMPLE_CONCURRENCY);
  }
}

function sampleSize(codes: number | undefined): number {
  const n = codes ?? DEFAULT_SAMPLE_CODES;
  if (!Number.isInteger(n) || n < 0 || n > MAX_SAMPLE_CODES) {
    throw invalid('SAMPLE_INVALID', `每类列出的追溯码数应为 0–${MAX_SAMPLE_CODES}`, { codes });
  }
  return n;
}

function categoryOf(value: string): CodeListCategory {
  if (!(CodeListCategories as readonly string[]).includes(value)) {
    throw invalid(
      'CATEGORY_INVALID',
      `类别「${value}」没有追溯码清单，可选：${CodeListCategories.join('、')}（unexplained 是余数，没有对应的追溯码）`,
      { category: value }
    );
  }
  return value as CodeListCategory;
}

/**
 * The earliest window start the SQL must read from: when every drug with packs has an inventory count, the day after
 * the oldest of them; otherwise from the beginning (a drug never counted is explained since go-live).
 */
function commonWindowStart(states: readonly StateCountRow[], counts: readonly InventoryCountRow[]): string | null {
  const counted = new Map(counts.map((c) => [c.hisDrugCode, c]));
  const drugs = new Set(states.map((s) => s.hisDrugCode));
  if (drugs.size === 0 || [...drugs].some((d) => !counted.has(d))) {
    return null;
  }
  const starts = [...drugs].map((d) => windowOf('9999-12-31', null, counted.get(d)!).from!);
  return starts.sort()[0]!;
}

function drugCodes(lists: readonly (readonly { hisDrugCode: string }[])[]): string[] {
  return [...new Set(lists.flatMap((l) => l.map((x) => x.hisDrugCode)))].filter((c) => c !== '').sort();
}

function groupByDrug<T extends { hisDrugCode: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.hisDrugCode);
    if (list) {
      list.push(row);
    } else {
      out.set(row.hisDrugCode, [row]);
    }
  }
  return out;
}

async function runLimited(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      await jobs[next++]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}
