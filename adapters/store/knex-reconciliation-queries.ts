/**
 * The reconciliation's aggregate queries, one builder per question, compiled by knex for the five dialects (the
 * offline SQL tests compile them for SQL Server and Oracle). Costs: see knex-reconciliation.ts.
 */
import type { Knex } from 'knex';
import type { LedgerScope, WindowScope } from '../../core/ports/reconciliation-store.js';
import {
  RECEIVED_TWICE_CODES,
  RETURN_MISMATCH_CODES,
} from '../../core/reports/reconciliation/reconciliation-categories.js';
import type { StoreDialect } from './knex-config.js';
import { aliased, groupByAll, hourOf, jsonField } from './reconciliation-sql.js';
import {
  auditDrug,
  implicitReceipt,
  inRange,
  NOT_REFUSALS,
  touchedWithThen,
  type TouchedShape,
  undeliveredSaleRows,
  uploadPacks,
} from './reconciliation-scope.js';
import { TABLES } from './tables.js';

const AUDIT_CODES = [...RECEIVED_TWICE_CODES, ...RETURN_MISMATCH_CODES];

function forDrug(column: string, hisDrugCode: string | undefined): (qb: Knex.QueryBuilder) => void {
  return (qb) => {
    if (hisDrugCode !== undefined) {
      qb.where(column, hisDrugCode);
    }
  };
}

export function currentStateCounts(db: Knex, scope: LedgerScope): Knex.QueryBuilder {
  return db(TABLES.packs)
    .select('his_drug_code', 'state')
    .count({ n: '*' })
    .modify(forDrug('his_drug_code', scope.hisDrugCode))
    .groupBy('his_drug_code', 'state');
}

export function openedUnits(db: Knex, scope: LedgerScope): Knex.QueryBuilder {
  return db(TABLES.packs)
    .select('his_drug_code')
    .sum({ u: 'units_remaining' })
    .where('state', 'opened')
    .modify(forDrug('his_drug_code', scope.hisDrugCode))
    .groupBy('his_drug_code');
}

/** Touched packs grouped by drug, state now and state then (null: did not exist then), with units for opened ones. */
export function asOfDeltas(
  db: Knex,
  until: string,
  hisDrugCode?: string,
  shape: TouchedShape = 'lookup'
): Knex.QueryBuilder {
  return touchedWithThen(db, until, shape)
    .leftJoin(`${TABLES.drugs} as d`, 'd.his_drug_code', 'y.his_drug_code')
    .select('y.his_drug_code', 'y.now_state', 'y.then_state', 'd.units_per_pack as upp')
    .count({ n: '*' })
    .sum({ now_units: 'y.now_units' })
    .sum({ taken: 'y.taken' })
    .modify(forDrug('y.his_drug_code', hisDrugCode))
    .groupBy('y.his_drug_code', 'y.now_state', 'y.then_state', 'd.units_per_pack');
}

/** The hour bucket of `column` when asked by hour: selected and grouped by; else nothing. */
function hourTerms(
  db: Knex,
  dialect: StoreDialect,
  column: string,
  r: WindowScope
): { select: Knex.Raw[]; group: Knex.Raw[] } {
  if (!r.byHour) {
    return { select: [], group: [] };
  }
  const hour = hourOf(db, dialect, column);
  return { select: [aliased(db, hour, 'hour')], group: [hour] };
}

export function implicitReceiptEvents(db: Knex, dialect: StoreDialect, r: WindowScope): Knex.QueryBuilder {
  const hour = hourTerms(db, dialect, 'e.occurred_at', r);
  return db(`${TABLES.events} as e`)
    .join(`${TABLES.packs} as p`, 'p.trace_code', 'e.trace_code')
    .select('p.his_drug_code', ...hour.select)
    .count({ n: '*' })
    .whereRaw(implicitReceipt(db))
    .modify((qb) => inRange(qb, 'e.occurred_at', r.from, r.until))
    .modify(forDrug('p.his_drug_code', r.hisDrugCode))
    .modify((qb) => groupByAll(qb, 'p.his_drug_code', ...hour.group));
}

export function stockOutEvents(db: Knex, dialect: StoreDialect, r: WindowScope): Knex.QueryBuilder {
  const hour = hourTerms(db, dialect, 'e.occurred_at', r);
  return db(`${TABLES.events} as e`)
    .join(`${TABLES.packs} as p`, 'p.trace_code', 'e.trace_code')
    .select('p.his_drug_code', 'e.action', ...hour.select)
    .count({ n: '*' })
    .whereIn('e.action', ['scrap', 'transfer_out'])
    .modify((qb) => inRange(qb, 'e.occurred_at', r.from, r.until))
    .modify(forDrug('p.his_drug_code', r.hisDrugCode))
    .modify((qb) => groupByAll(qb, 'p.his_drug_code', 'e.action', ...hour.group));
}

export function auditRefusals(db: Knex, dialect: StoreDialect, r: WindowScope): Knex.QueryBuilder {
  const hour = hourTerms(db, dialect, 'a.at', r);
  const qb = db(`${TABLES.audit} as a`);
  const drug = auditDrug(db, dialect, qb);
  qb.select(aliased(db, drug, 'his_drug_code'), 'a.code', 'a.trace_code', ...hour.select)
    .count({ n: '*' })
    .whereIn('a.code', AUDIT_CODES)
    .whereNotIn('a.action', NOT_REFUSALS)
    .whereNotNull('a.trace_code')
    .modify((q) => inRange(q, 'a.at', r.from, r.until))
    .modify((q) => groupByAll(q, drug, 'a.code', 'a.trace_code', ...hour.group));
  if (r.hisDrugCode !== undefined) {
    qb.whereRaw('? = ?', [drug, r.hisDrugCode]);
  }
  return qb;
}

export function unuploadedSalesQuery(db: Knex, dialect: StoreDialect, scope: LedgerScope): Knex.QueryBuilder {
  const qb = uploadPacks(db, dialect).select('p.his_drug_code').countDistinct({ n: 'p.trace_code' });
  undeliveredSaleRows(qb, scope.until);
  return qb.modify(forDrug('p.his_drug_code', scope.hisDrugCode)).groupBy('p.his_drug_code');
}

/** An upload's state as of `until`: a row delivered (or given up) after the day was still waiting on it. */
function stateThen(db: Knex, until: string | null): Knex.Raw {
  return until === null
    ? db.raw('??', ['b.state'])
    : db.raw(
        `case when ?? = 'delivered' and ?? >= ? then 'pending' when ?? = 'dead' and ?? >= ? then 'pending' else ?? end`,
        ['b.state', 'b.delivered_at', until, 'b.state', 'b.updated_at', until, 'b.state']
      );
}

/** Every drug: one pass over the 3505/3506 rows, the drug read from each payload (the table has no drug column). */
export function uploadCountsQuery(db: Knex, dialect: StoreDialect, scope: LedgerScope): Knex.QueryBuilder {
  const until = scope.until;
  const state = stateThen(db, until);
  const rows = db(`${TABLES.businessRows} as b`)
    .select(aliased(db, jsonField(db, dialect, 'b.payload', 'fixmedins_hilist_id'), 'his_drug_code'), 'b.infno')
    .select(aliased(db, state, 'state'))
    .whereIn('b.infno', ['3505', '3506'])
    .modify((qb) => inRange(qb, 'b.created_at', null, until));
  return db
    .from(rows.as('x'))
    .select('x.his_drug_code', 'x.infno', 'x.state')
    .count({ n: '*' })
    .modify(forDrug('x.his_drug_code', scope.hisDrugCode))
    .groupBy('x.his_drug_code', 'x.infno', 'x.state');
}

/**
 * One drug: its packs (tg_packs_drug_state_idx), their `code:` order keys (the key's primary key) and those uploads
 * (by id): proportional to the drug's packs, not to the outbox. An upload carrying several of its packs counts once.
 */
export function drugUploadCountsQuery(
  db: Knex,
  dialect: StoreDialect,
  scope: LedgerScope & { hisDrugCode: string }
): Knex.QueryBuilder {
  const key =
    dialect === 'mysql' || dialect === 'mssql'
      ? db.raw("concat('code:', ??)", ['p.trace_code'])
      : db.raw("'code:' || ??", ['p.trace_code']);
  const uploads = db(`${TABLES.packs} as p`)
    .join(`${TABLES.uploadKeys} as k`, 'k.order_key', key)
    .join(`${TABLES.businessRows} as b`, 'b.id', 'k.row_id')
    .distinct('b.id', 'b.infno')
    .select(aliased(db, stateThen(db, scope.until), 'state'))
    .where('p.his_drug_code', scope.hisDrugCode)
    .whereIn('b.infno', ['3505', '3506'])
    .modify((qb) => inRange(qb, 'b.created_at', null, scope.until));
  return db.from(uploads.as('x')).select('x.infno', 'x.state').count({ n: '*' }).groupBy('x.infno', 'x.state');
}

/** Each drug's 3501 rows of its latest count dated on or before `asOfDate` (one row per lot counted). */
export function lastCountsQuery(
  db: Knex,
  dialect: StoreDialect,
  asOfDate: string,
  hisDrugCode?: string
): Knex.QueryBuilder {
  const counts = (): Knex.QueryBuilder =>
    db(TABLES.businessRows)
      .select(
        aliased(db, jsonField(db, dialect, 'payload', 'fixmedins_hilist_id'), 'his_drug_code'),
        aliased(db, jsonField(db, dialect, 'payload', 'invdate'), 'invdate'),
        aliased(db, jsonField(db, dialect, 'payload', 'inv_cnt'), 'inv_cnt')
      )
      .where('infno', '3501');
  const latest = db
    .from(counts().as('l'))
    .select('l.his_drug_code')
    .max({ invdate: 'l.invdate' })
    .where('l.invdate', '<=', asOfDate)
    .modify(forDrug('l.his_drug_code', hisDrugCode))
    .groupBy('l.his_drug_code');
  return db
    .from(counts().as('c'))
    .join(latest.as('m'), function () {
      this.on('m.his_drug_code', '=', 'c.his_drug_code').andOn('m.invdate', '=', 'c.invdate');
    })
    .select('c.his_drug_code', 'c.invdate', 'c.inv_cnt');
}
