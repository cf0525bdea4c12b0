/**
 * The ReconciliationStore on the five SQL dialects: every aggregate is a GROUP BY in the database
 * (knex-reconciliation-queries.ts), code lists are paged queries for one drug and category
 * (knex-reconciliation-codes.ts), book stock is knex-book-stock.ts and the daily trend knex-hourly-counts.ts.
 *
 * Costs on a ledger of 10 M codes (PostgreSQL):
 * - current counts: GROUP BY his_drug_code, state over tg_packs_drug_state_idx (an index-only scan of the whole
 *   index, ~10 M entries) plus the opened packs' units (the same index, state = 'opened'); one drug: a range scan.
 * - as of an earlier day: the same plus the packs touched since (reconciliation-scope.ts): each read by primary key
 *   while they are few (cost ∝ the activity since that day), one set-based pass past 200,000 events since.
 * - window categories: implicit receipts through the partial index (only those rows), refusals through
 *   tg_audit_code_idx, scrap/transfer-out events through tg_pack_events_at_idx from the window's start (the whole
 *   index when a drug was never counted).
 * - uploads: rows per drug and state now from tg_business_rows_drug_idx (infno, his_drug_code, state; the drug is
 *   the payload's fixmedins_hilist_id, copied into its column on insert), an index-only scan, no payload read; as of
 *   an earlier day, minus the rows created since (tg_business_rows_infno_idx) and with those delivered or given up
 *   since counted as pending (tg_business_rows_dlv_idx, the dead rows of tg_business_rows_due_idx): cost ∝ the
 *   activity since. Not delivered: the undelivered rows by state (tg_business_rows_due_idx) and those delivered since
 *   the day (tg_business_rows_dlv_idx) — as of an earlier day PostgreSQL plans the OR of the two as sequential scans
 *   of the outbox, its keys and the packs (2.1 s at 3 M rows).
 * - last counts: the 3501 rows through tg_business_rows_drug_idx (their date and packs still from the payload).
 * Measured (PostgreSQL 15, 2 cores, 10 M packs, 16.6 M events, 3 M sale rows, 1,000 drugs; BENCHMARKS.md
 * "Reconciliation, anomalies and the dashboard"): all drugs 1.6 s today (current counts 0.7 s, window categories by hour
 * 0.55 s, upload counts 0.22 s), as of yesterday 1.7 s, as of 30 days back 15 s (890,000 packs touched: the set-based
 * shape, 13 s); one drug 0.3 s. Reading the drug out of every payload had taken 8.3 s of a 9.4 s report.
 */
import type { Knex } from 'knex';
import type { UploadState } from '../../core/insurance/upload.js';
import type { PackState } from '../../core/ledger/pack.js';
import type {
  CodeFact,
  CodeQuery,
  HourCountRow,
  InventoryCountRow,
  LedgerScope,
  ReconciliationStore,
  StateCountRow,
  UploadCountRow,
  WindowEventRow,
  WindowScope,
} from '../../core/ports/reconciliation-store.js';
import type { BookStock } from '../../core/reports/reconciliation/book-stock.js';
import { RECEIVED_TWICE_CODES } from '../../core/reports/reconciliation/reconciliation-categories.js';
import type { StoreDialect } from './knex-config.js';
import { latestBookStock, saveBookStock } from './knex-book-stock.js';
import { hourlyCounts } from './knex-hourly-counts.js';
import { codesQuery, rowToCodeFact } from './knex-reconciliation-codes.js';
import {
  asOfDeltas,
  auditRefusals,
  currentStateCounts,
  implicitReceiptEvents,
  lastCountsQuery,
  openedUnits,
  stockOutEvents,
  unuploadedSalesQuery,
  uploadChangeQueries,
  uploadCountsQuery,
} from './knex-reconciliation-queries.js';
import { LOOKUP_MAX_EVENTS, touchedEventCount, type TouchedShape } from './reconciliation-scope.js';
import type { Row } from './row-mappers.js';

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

const SHAPE_TTL_MS = 60_000;

export class KnexReconciliation implements ReconciliationStore {
  private readonly shapes = new Map<string, { shape: TouchedShape; at: number }>();

  constructor(
    private readonly db: Knex,
    private readonly dialect: StoreDialect,
    /** Above this many events after a day, the as-of reads use the set-based shape (tests force either). */
    private readonly lookupMaxEvents = LOOKUP_MAX_EVENTS
  ) {}

  async stateCounts(scope: LedgerScope): Promise<StateCountRow[]> {
    const [counts, units, deltas] = await Promise.all([
      this.run(currentStateCounts(this.db, scope)),
      this.run(openedUnits(this.db, scope)),
      scope.until === null ? Promise.resolve([] as Row[]) : this.deltas(scope.until, scope.hisDrugCode),
    ]);
    const tally = new StateTally();
    for (const r of counts) {
      tally.add(String(r.his_drug_code), r.state as PackState, num(r.n), 0);
    }
    for (const r of units) {
      tally.add(String(r.his_drug_code), 'opened', 0, num(r.u));
    }
    for (const r of deltas) {
      const drug = String(r.his_drug_code);
      const n = num(r.n);
      tally.add(drug, r.now_state as PackState, -n, r.now_state === 'opened' ? -num(r.now_units) : 0);
      if (r.then_state !== null && r.then_state !== undefined) {
        // An opened pack then: a full pack's units less what was taken from it before the day.
        const units = r.then_state === 'opened' ? n * num(r.upp) - num(r.taken) : 0;
        tally.add(drug, r.then_state as PackState, n, units);
      }
    }
    return tally.rows();
  }

  async windowEvents(r: WindowScope): Promise<WindowEventRow[]> {
    const [implicit, stockOut, audit] = await Promise.all([
      this.run(implicitReceiptEvents(this.db, this.dialect, r)),
      this.run(stockOutEvents(this.db, this.dialect, r)),
      this.run(auditRefusals(this.db, this.dialect, r)),
    ]);
    const received = new Set<string>(RECEIVED_TWICE_CODES);
    return [
      ...implicit.map((x) => windowRow(x, 'dispensed_never_received', null)),
      ...stockOut.map((x) => windowRow(x, x.action === 'scrap' ? 'scrapped' : 'transferred_out', null)),
      ...audit
        .filter((x) => x.his_drug_code !== null && x.his_drug_code !== undefined)
        .map((x) =>
          windowRow(x, received.has(String(x.code)) ? 'received_twice' : 'returns_not_matching', String(x.trace_code))
        ),
    ];
  }

  async unuploadedSales(scope: LedgerScope): Promise<{ hisDrugCode: string; codes: number }[]> {
    const rows = await this.run(unuploadedSalesQuery(this.db, this.dialect, scope));
    return rows.map((r) => ({ hisDrugCode: String(r.his_drug_code), codes: num(r.n) }));
  }

  async uploadCounts(scope: LedgerScope): Promise<UploadCountRow[]> {
    const until = scope.until;
    const changes = until === null ? null : uploadChangeQueries(this.db, until, scope.hisDrugCode);
    const [now, created, delivered, gaveUp] = await Promise.all([
      this.run(uploadCountsQuery(this.db, scope)),
      changes ? this.run(changes.created) : [],
      changes ? this.run(changes.delivered) : [],
      changes ? this.run(changes.gaveUp) : [],
    ]);
    const tally = new UploadTally();
    for (const r of now) {
      tally.add(r, String(r.state) as UploadState, num(r.n));
    }
    // As of the day: rows written since were not there; rows delivered or given up since were still pending.
    for (const r of created) {
      tally.add(r, String(r.state) as UploadState, -num(r.n));
    }
    for (const r of [...delivered, ...gaveUp]) {
      tally.add(r, String(r.state) as UploadState, -num(r.n));
      tally.add(r, 'pending', num(r.n));
    }
    return tally.rows();
  }

  async lastCounts(asOfDate: string, hisDrugCode?: string): Promise<InventoryCountRow[]> {
    const rows = await this.run(lastCountsQuery(this.db, this.dialect, asOfDate, hisDrugCode));
    const out = new Map<string, InventoryCountRow>();
    for (const r of rows) {
      const drug = String(r.his_drug_code);
      const row = out.get(drug) ?? { hisDrugCode: drug, date: String(r.invdate), packs: 0 };
      row.packs += num(r.inv_cnt);
      out.set(drug, row);
    }
    return [...out.values()];
  }

  async codes(query: CodeQuery): Promise<CodeFact[]> {
    const shape = query.until === null ? 'lookup' : await this.shapeFor(query.until);
    const rows = await this.run(codesQuery(this.db, this.dialect, query, shape));
    return rows.map(rowToCodeFact);
  }

  saveBookStock(rows: BookStock[]): Promise<void> {
    return saveBookStock(this.db, this.dialect, rows);
  }

  bookStock(asOfDate: string, hisDrugCode?: string): Promise<BookStock[]> {
    return latestBookStock(this.db, asOfDate, hisDrugCode);
  }

  hourlyCounts(from: string, until: string): Promise<HourCountRow[]> {
    return hourlyCounts(this.db, this.dialect, from, until);
  }

  private async deltas(until: string, hisDrugCode?: string): Promise<Row[]> {
    return this.run(asOfDeltas(this.db, until, hisDrugCode, await this.shapeFor(until)));
  }

  /** Per day asked (a report asks the same day once per listed category), remembered for a minute. */
  private async shapeFor(until: string): Promise<TouchedShape> {
    const now = Date.now();
    const known = this.shapes.get(until);
    if (known && now - known.at < SHAPE_TTL_MS) {
      return known.shape;
    }
    const [row] = await this.run(touchedEventCount(this.db, until));
    const shape: TouchedShape = num(row?.n) > this.lookupMaxEvents ? 'join' : 'lookup';
    if (this.shapes.size >= 32) {
      this.shapes.clear();
    }
    this.shapes.set(until, { shape, at: now });
    return shape;
  }

  /**
   * PostgreSQL JIT-compiles any plan it costs high, and the per-pack lookups of an as-of query cost high on paper:
   * the compile (1–2 s) dwarfs the index-driven work, so these reads run with JIT off (where the server has it).
   */
  private async run(q: Knex.QueryBuilder): Promise<Row[]> {
    if (this.dialect !== 'postgres') {
      return (await q) as Row[];
    }
    return this.db.transaction(async (trx) => {
      await trx.raw("select set_config('jit', 'off', true) where current_setting('jit', true) is not null");
      return (await q.transacting(trx)) as Row[];
    });
  }
}

function windowRow(r: Row, category: WindowEventRow['category'], traceCode: string | null): WindowEventRow {
  const hour = r.hour === null || r.hour === undefined ? null : String(r.hour);
  return { hisDrugCode: String(r.his_drug_code), category, hour, traceCode, count: num(r.n) };
}

/** Upload rows per drug, infno and state, summed from current counts and as-of corrections. */
class UploadTally {
  private readonly byKey = new Map<string, UploadCountRow>();

  add(r: Row, state: UploadState, rows: number): void {
    const hisDrugCode = String(r.his_drug_code);
    const infno = String(r.infno) as UploadCountRow['infno'];
    const key = `${hisDrugCode}\u0000${infno}\u0000${state}`;
    const row = this.byKey.get(key) ?? { hisDrugCode, infno, state, rows: 0 };
    row.rows += rows;
    this.byKey.set(key, row);
  }

  rows(): UploadCountRow[] {
    return [...this.byKey.values()].filter((r) => r.rows !== 0);
  }
}

/** Packs and opened units per drug and state, summed from current counts and as-of corrections. */
class StateTally {
  private readonly byKey = new Map<string, StateCountRow>();

  add(hisDrugCode: string, state: PackState, packs: number, unitsLeft: number): void {
    const key = `${hisDrugCode}\u0000${state}`;
    const row = this.byKey.get(key) ?? { hisDrugCode, state, packs: 0, unitsLeft: 0 };
    row.packs += packs;
    row.unitsLeft += unitsLeft;
    this.byKey.set(key, row);
  }

  rows(): StateCountRow[] {
    return [...this.byKey.values()].filter((r) => r.packs !== 0);
  }
}
