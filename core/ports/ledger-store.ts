import type { LedgerChange, LedgerEvent, Pack } from '../ledger/pack.js';
import type { BusinessRow } from '../window/business-row.js';

/** Times in packs and events are ISO-8601 UTC strings (`Date.toISOString()`); stores keep them as given. */
export interface LedgerStore {
  getPacks(traceCodes: string[]): Promise<Map<string, Pack>>;
  history(traceCode: string): Promise<LedgerEvent[]>;
  /**
   * Apply changes atomically: all or none. A change with `before: null` inserts a new pack (the primary
   * key refuses a second receipt); any other change updates the pack only if its seq is still
   * `before.seq`; every event is appended with a unique (traceCode, seq). When another writer got there
   * first the store throws StoreConflict naming the codes, and nothing is written.
   * `rows`, when given, are queued in the upload outbox in the same transaction (a stock change and its 3502).
   */
  commit(changes: LedgerChange[], rows?: BusinessRow[]): Promise<void>;
  /** Count of packs per state (for doctor, reports and benchmarks). */
  countByState(): Promise<Record<string, number>>;
}

/** Thrown by a store when a uniqueness rule or a seq guard stopped a commit. */
export class StoreConflict extends Error {
  override readonly name = 'StoreConflict';
  constructor(
    readonly traceCodes: string[],
    readonly reason: 'exists' | 'stale'
  ) {
    // An empty list means the guarded row was a session, not a pack (see SessionStore.saveSession).
    super(
      traceCodes.length > 0
        ? `ledger conflict (${reason}) on ${traceCodes.slice(0, 5).join(', ')}`
        : `store conflict (${reason}): the session changed since it was read`
    );
  }
}
