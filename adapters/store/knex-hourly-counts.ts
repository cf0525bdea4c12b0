/**
 * The daily trend's counts per UTC hour: pack events by action and implicit receipts (tg_pack_events_at_idx and the
 * partial index), refused scans (tg_audit_at_idx), uploads delivered (tg_business_rows_dlv_idx) and given up (the dead
 * ones, tg_business_rows_due_idx). Each is a range scan over the days asked for.
 */
import type { Knex } from 'knex';
import type { DailyMetric, HourCountRow } from '../../core/ports/reconciliation-store.js';
import type { StoreDialect } from './knex-config.js';
import { aliased, groupByAll, hourOf } from './reconciliation-sql.js';
import { implicitReceipt, inRange } from './reconciliation-scope.js';
import type { Row } from './row-mappers.js';
import { TABLES } from './tables.js';

const METRIC_OF_ACTION: Record<string, DailyMetric> = {
  receive: 'received',
  dispense: 'dispensed',
  dispense_units: 'split_dispensed',
  return_to_stock: 'returned',
  return_to_quarantine: 'returned',
};

/** Count per hour of `column` in [from, until) on `table` aliased `alias`, with the caller's conditions. */
function perHour(
  db: Knex,
  dialect: StoreDialect,
  table: string,
  column: string,
  range: { from: string; until: string },
  where: (qb: Knex.QueryBuilder) => void
): Knex.QueryBuilder {
  const hour = hourOf(db, dialect, column);
  return db(table)
    .select(aliased(db, hour, 'hour'))
    .count({ n: '*' })
    .modify((qb) => inRange(qb, column, range.from, range.until))
    .modify(where)
    .groupBy(hour);
}

export function hourlyQueries(db: Knex, dialect: StoreDialect, from: string, until: string) {
  const range = { from, until };
  const events = `${TABLES.events} as e`;
  const hour = hourOf(db, dialect, 'e.occurred_at');
  return {
    actions: db(events)
      .select(aliased(db, hour, 'hour'), 'e.action')
      .count({ n: '*' })
      .whereIn('e.action', Object.keys(METRIC_OF_ACTION))
      .modify((qb) => inRange(qb, 'e.occurred_at', from, until))
      .modify((qb) => groupByAll(qb, hour, 'e.action')),
    implicit: perHour(db, dialect, events, 'e.occurred_at', range, (qb) => qb.whereRaw(implicitReceipt(db))),
    refused: perHour(db, dialect, `${TABLES.audit} as a`, 'a.at', range, (qb) => qb.where('a.action', 'scan_refused')),
    delivered: perHour(db, dialect, `${TABLES.businessRows} as b`, 'b.delivered_at', range, () => undefined),
    failed: perHour(db, dialect, `${TABLES.businessRows} as b`, 'b.updated_at', range, (qb) =>
      qb.where('b.state', 'dead')
    ),
  };
}

export async function hourlyCounts(
  db: Knex,
  dialect: StoreDialect,
  from: string,
  until: string
): Promise<HourCountRow[]> {
  const q = hourlyQueries(db, dialect, from, until);
  const [actions, implicit, refused, delivered, failed] = (await Promise.all([
    q.actions,
    q.implicit,
    q.refused,
    q.delivered,
    q.failed,
  ])) as Row[][];
  const rows = (list: Row[] | undefined, metric: (r: Row) => DailyMetric): HourCountRow[] =>
    (list ?? []).map((r) => ({ hour: String(r.hour), metric: metric(r), count: Number(r.n) }));
  return [
    ...rows(actions, (r) => METRIC_OF_ACTION[String(r.action)]!),
    ...rows(implicit, () => 'implicit_received'),
    ...rows(refused, () => 'refused_scans'),
    ...rows(delivered, () => 'uploads_delivered'),
    ...rows(failed, () => 'uploads_failed'),
  ];
}
