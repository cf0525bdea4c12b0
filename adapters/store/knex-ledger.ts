/** The ledger half of KnexStore: packs, their events, and the atomic commit that guards both. */
import type { Knex } from 'knex';
import type { LedgerChange, LedgerEvent, Pack } from '../../core/ledger/pack.js';
import { StoreConflict } from '../../core/ports/ledger-store.js';
import { bulkInsert } from './bulk-insert.js';
import { classifyDbError } from './db-errors.js';
import type { StoreDialect } from './knex-config.js';
import { assertChangeShape, duplicatesIn } from './ledger-rules.js';
import { eventValues, packUpdate, packValues, rowToEvent, rowToPack, type Row } from './row-mappers.js';
import { selectIn } from './select-in.js';
import { columnNames, EVENT_COLUMNS, PACK_COLUMNS, TABLES } from './tables.js';

const packColumns = columnNames(PACK_COLUMNS);
const eventColumns = columnNames(EVENT_COLUMNS);

/** The guarded update of one pack: it only touches the row if nobody moved its seq since the caller read it. */
export function guardedPackUpdate(db: Knex | Knex.Transaction, change: LedgerChange): Knex.QueryBuilder {
  return db(TABLES.packs)
    .where({ trace_code: change.after.traceCode, seq: change.before!.seq })
    .update(packUpdate(change.after));
}

/** A commit's changes checked and mapped to rows, ready to apply inside a transaction. */
export interface LedgerPlan {
  changes: LedgerChange[];
  inserts: unknown[][];
  updates: LedgerChange[];
  events: unknown[][];
}

/** Checks every change's shape (throws before any transaction starts) and maps it to row values. */
export function planLedgerCommit(changes: LedgerChange[]): LedgerPlan {
  const inserts: unknown[][] = [];
  const updates: LedgerChange[] = [];
  const events = new Array<unknown[]>(changes.length);
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    assertChangeShape(change);
    if (change.before === null) {
      inserts.push(packValues(change.after));
    } else {
      updates.push(change);
    }
    events[i] = eventValues(change.event);
  }
  return { changes, inserts, updates, events };
}

export class KnexLedger {
  constructor(
    private readonly db: Knex,
    private readonly dialect: StoreDialect
  ) {}

  async getPacks(traceCodes: string[]): Promise<Map<string, Pack>> {
    const rows = await selectIn(this.db, this.dialect, TABLES.packs, packColumns, 'trace_code', traceCodes);
    const out = new Map<string, Pack>();
    for (const row of rows) {
      const pack = rowToPack(row);
      out.set(pack.traceCode, pack);
    }
    return out;
  }

  async history(traceCode: string): Promise<LedgerEvent[]> {
    const rows: Row[] = await this.db(TABLES.events).select(eventColumns).where('trace_code', traceCode).orderBy('seq');
    return rows.map(rowToEvent);
  }

  async countByState(): Promise<Record<string, number>> {
    const rows: Row[] = await this.db(TABLES.packs).select('state').count({ n: '*' }).groupBy('state');
    const out: Record<string, number> = {};
    for (const r of rows) {
      out[String(r.state)] = Number(r.n);
    }
    return out;
  }

  /**
   * One transaction: new packs in multi-row batches, then each update guarded by its before.seq, then all
   * events in multi-row batches. The all-new-packs path (receipt ingest) does nothing per row but map it.
   */
  async commit(changes: LedgerChange[]): Promise<void> {
    if (changes.length === 0) {
      return;
    }
    const plan = planLedgerCommit(changes);
    try {
      await this.db.transaction((trx) => this.applyIn(trx, plan));
    } catch (e) {
      throw await this.explain(e, changes);
    }
  }

  /**
   * The body of `commit` inside a transaction the caller owns (completeSession runs it beside its own
   * writes). It throws StoreConflict for a missed seq guard and the driver's own error for anything else;
   * the caller rolls back and then asks `explain` what the error means. Passing the caller's knex
   * transaction keeps bulkInsert on the SQLite prepared-statement path (it uses the transaction's connection).
   */
  async applyIn(trx: Knex.Transaction, plan: LedgerPlan): Promise<void> {
    if (plan.changes.length === 0) {
      return;
    }
    if (plan.inserts.length > 0) {
      await bulkInsert(trx, this.dialect, TABLES.packs, PACK_COLUMNS, plan.inserts);
    }
    for (const change of plan.updates) {
      const affected = Number(await guardedPackUpdate(trx, change));
      if (affected !== 1) {
        throw new StoreConflict([change.after.traceCode], 'stale');
      }
    }
    await bulkInsert(trx, this.dialect, TABLES.events, EVENT_COLUMNS, plan.events);
  }

  /**
   * Turns a failed commit (already rolled back) into StoreConflict naming the codes, when that is what it
   * was; anything else is returned unchanged. Runs outside the failed transaction (PostgreSQL refuses every
   * statement in an aborted one).
   */
  async explain(error: unknown, changes: LedgerChange[]): Promise<unknown> {
    if (error instanceof StoreConflict) {
      return error;
    }
    const kind = classifyDbError(this.dialect, error);
    if (kind === 'other') {
      return error;
    }
    const allCodes = [...new Set(changes.map((c) => c.after.traceCode))];
    if (kind === 'retryable') {
      return new StoreConflict(allCodes, 'stale');
    }
    // A key violation: either a new pack already exists (second receipt, or a concurrent one), or an event
    // (trace_code, seq) was taken by a concurrent writer. One set-based SELECT tells which.
    const newCodes = changes.filter((c) => c.before === null).map((c) => c.after.traceCode);
    const existing = new Set<string>(duplicatesIn(newCodes));
    if (newCodes.length > 0) {
      const rows = await selectIn(this.db, this.dialect, TABLES.packs, ['trace_code'], 'trace_code', newCodes);
      for (const r of rows) {
        existing.add(String(r.trace_code));
      }
    }
    const named = newCodes.filter((c) => existing.has(c));
    if (named.length > 0) {
      return new StoreConflict([...new Set(named)], 'exists');
    }
    return new StoreConflict(allCodes, 'stale');
  }
}
