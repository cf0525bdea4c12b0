/**
 * Query pieces the reconciliation's aggregates and code lists share: the packs touched after a day (whose state as of
 * that day is rebuilt from their events), the drug of a refused code, and time ranges.
 *
 * As-of cost: the packs whose state differs from now are exactly those with an event at or after `until`; they are
 * found by a range scan of tg_pack_events_at_idx (occurred_at leads), and each one's events by its primary key. So the
 * work is proportional to the activity since the day, not to the ledger: a reconciliation as of yesterday on a ledger
 * of 10 M codes reads yesterday's and today's events, plus the GROUP BY of tg_packs the current counts need anyway.
 */
import type { Knex } from 'knex';
import type { UploadState } from '../../core/insurance/upload.js';
import { IMPLICIT_RECEIPT_LIKE } from '../../migrations/0005-reconciliation.js';
import type { StoreDialect } from './knex-config.js';
import { substrSql } from './reconciliation-sql.js';
import { TABLES } from './tables.js';

/**
 * One row per pack touched at or after `until`: its row now (his_drug_code, now_state, now_units), the seq of its
 * last event before `until` (last_seq; null when it did not exist then) and the units taken from it (拆零) before
 * `until` (taken). Everything per pack is a correlated lookup by primary key rather than a join, so no planner turns
 * it into a scan of tg_packs or tg_pack_events when it misjudges how many packs were touched.
 */
// Table aliases without AS: Oracle refuses AS before a table alias.
export function touchedPacks(db: Knex, until: string): Knex.QueryBuilder {
  const pack = (column: string, alias: string): Knex.Raw =>
    db.raw('(select ?? from ?? ?? where ?? = ??) as ??', [
      `tp.${column}`,
      TABLES.packs,
      'tp',
      'tp.trace_code',
      't.trace_code',
      alias,
    ]);
  return db
    .from(db(TABLES.events).distinct('trace_code').where('occurred_at', '>=', until).as('t'))
    .select('t.trace_code', pack('his_drug_code', 'his_drug_code'), pack('state', 'now_state'))
    .select(pack('units_remaining', 'now_units'))
    .select(
      db.raw('(select max(??) from ?? ?? where ?? = ?? and ?? < ?) as ??', [
        'm.seq',
        TABLES.events,
        'm',
        'm.trace_code',
        't.trace_code',
        'm.occurred_at',
        until,
        'last_seq',
      ])
    )
    .select(
      db.raw('(select sum(??) from ?? ?? where ?? = ?? and ?? = ? and ?? < ?) as ??', [
        'u.units',
        TABLES.events,
        'u',
        'u.trace_code',
        't.trace_code',
        'u.action',
        'dispense_units',
        'u.occurred_at',
        until,
        'taken',
      ])
    );
}

/** A column of a touched pack's last event before `until` (x is touchedPacks), by primary key. */
export function lastEventColumn(db: Knex, column: string, alias: string): Knex.Raw {
  return db.raw('(select ?? from ?? ?? where ?? = ?? and ?? = ??) as ??', [
    `le.${column}`,
    TABLES.events,
    'le',
    'le.trace_code',
    'x.trace_code',
    'le.seq',
    'x.last_seq',
    alias,
  ]);
}

/**
 * How the packs touched since a day are read: a primary-key lookup per pack (cost ∝ touched packs, no scans) while
 * they are few; past LOOKUP_MAX_EVENTS events, one pass of hash joins (cost ∝ the tables), which is then cheaper.
 */
export type TouchedShape = 'lookup' | 'join';
export const LOOKUP_MAX_EVENTS = 200_000;

/** Events at or after `until`, counted no further than one past LOOKUP_MAX_EVENTS (an index range scan that stops). */
export function touchedEventCount(db: Knex, until: string): Knex.QueryBuilder {
  const some = db(TABLES.events)
    .select('trace_code')
    .where('occurred_at', '>=', until)
    .limit(LOOKUP_MAX_EVENTS + 1);
  return db.from(some.as('s')).count({ n: '*' });
}

/**
 * The touched packs with their state then (then_state; null: did not exist), and when and under which reference they
 * got it (then_at, then_ref), as a derived table `y` with the columns of touchedPacks.
 */
export function touchedWithThen(db: Knex, until: string, shape: TouchedShape = 'lookup'): Knex.QueryBuilder {
  const y =
    shape === 'lookup'
      ? db
          .from(touchedPacks(db, until).as('x'))
          .select('x.*')
          .select(lastEventColumn(db, 'to_state', 'then_state'))
          .select(lastEventColumn(db, 'occurred_at', 'then_at'))
          .select(lastEventColumn(db, 'ref', 'then_ref'))
      : touchedJoined(db, until);
  return db.from(y.as('y'));
}

/** The same rows as one set-based pass: the touched packs' events grouped, then joined to tg_packs and the last event. */
function touchedJoined(db: Knex, until: string): Knex.QueryBuilder {
  const x = db(`${TABLES.events} as t`)
    .select('t.trace_code')
    .select(db.raw('max(case when ?? < ? then ?? end) as ??', ['t.occurred_at', until, 't.seq', 'last_seq']))
    .select(
      db.raw('sum(case when ?? < ? and ?? = ? then ?? end) as ??', [
        't.occurred_at',
        until,
        't.action',
        'dispense_units',
        't.units',
        'taken',
      ])
    )
    .whereIn('t.trace_code', db(TABLES.events).select('trace_code').where('occurred_at', '>=', until))
    .groupBy('t.trace_code');
  return db
    .from(x.as('x'))
    .join(`${TABLES.packs} as p`, 'p.trace_code', 'x.trace_code')
    .leftJoin(`${TABLES.events} as e`, function () {
      this.on('e.trace_code', '=', 'x.trace_code').andOn('e.seq', '=', 'x.last_seq');
    })
    .select('x.trace_code', 'p.his_drug_code', 'p.state as now_state', 'p.units_remaining as now_units')
    .select('x.last_seq', 'x.taken', 'e.to_state as then_state', 'e.occurred_at as then_at', 'e.ref as then_ref');
}

/** `col >= from and col < until`, each side only when given. */
export function inRange(qb: Knex.QueryBuilder, column: string, from: string | null, until: string | null): void {
  if (from !== null) {
    qb.where(column, '>=', from);
  }
  if (until !== null) {
    qb.where(column, '<', until);
  }
}

/**
 * The implicit-receipt predicate on events aliased `e`, with literals (not bound values) so PostgreSQL and SQLite can
 * prove it implies their partial index tg_pack_events_impl_idx. An implicit receipt is always a code's first event.
 */
export function implicitReceipt(db: Knex): Knex.Raw {
  return db.raw(`?? = 'receive' and ?? = 1 and ?? like '${IMPLICIT_RECEIPT_LIKE}'`, ['e.action', 'e.seq', 'e.details']);
}

/**
 * The drug of an audited code (alias `a`): the ledger's pack (p) or, for a code the ledger never had, the owner of its
 * 7-digit product prefix (dp). Both joins are added here.
 */
export function auditDrug(db: Knex, dialect: StoreDialect, qb: Knex.QueryBuilder): Knex.Raw {
  qb.leftJoin(`${TABLES.packs} as p`, 'p.trace_code', 'a.trace_code').leftJoin(
    `${TABLES.prefixes} as dp`,
    'dp.prefix',
    db.raw(substrSql(dialect, 1, 7), ['a.trace_code'])
  );
  return db.raw('coalesce(??, ??)', ['p.his_drug_code', 'dp.his_drug_code']);
}

/** Audit actions that restate a scan rather than refuse one (a warning, a scan taken back). */
export const NOT_REFUSALS = ['scan_warning', 'scan_withdrawn'] as const;

/** Upload states that mean "not (yet) at the platform". */
export const UNDELIVERED: readonly UploadState[] = ['pending', 'sending', 'ambiguous', 'dead'];

/** As of `until`: rows created before it that were not delivered before it (dead or waiting then). */
export function undeliveredSaleRows(qb: Knex.QueryBuilder, until: string | null): void {
  qb.where('b.infno', '3505');
  if (until === null) {
    qb.whereIn('b.state', UNDELIVERED);
    return;
  }
  qb.where('b.created_at', '<', until).where((w) => {
    w.whereIn('b.state', UNDELIVERED).orWhere((d) =>
      d.where('b.state', 'delivered').where('b.delivered_at', '>=', until)
    );
  });
}

/** The packs of an upload: its `code:` order keys (k), joined to the ledger (p). */
export function uploadPacks(db: Knex, dialect: StoreDialect): Knex.QueryBuilder {
  return db(`${TABLES.businessRows} as b`)
    .join(`${TABLES.uploadKeys} as k`, 'k.row_id', 'b.id')
    .join(`${TABLES.packs} as p`, 'p.trace_code', db.raw(substrSql(dialect, 6, 100), ['k.order_key']))
    .where('k.order_key', 'like', 'code:%');
}
