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

const UPLOAD_INFNOS = ['3505', '3506'];

/** 3505/3506 rows that name a drug (tg_business_rows.his_drug_code), optionally one drug's. */
function uploadRows(db: Knex, hisDrugCode: string | undefined): Knex.QueryBuilder {
  return db(`${TABLES.businessRows} as b`)
    .select('b.his_drug_code', 'b.infno', 'b.state')
    .count({ n: '*' })
    .whereIn('b.infno', UPLOAD_INFNOS)
    .whereNotNull('b.his_drug_code')
    .modify(forDrug('b.his_drug_code', hisDrugCode))
    .groupBy('b.his_drug_code', 'b.infno', 'b.state');
}

/**
 * Upload rows per drug, infno and state now: tg_business_rows_drug_idx (infno, his_drug_code, state) alone, an
 * index-only scan where the dialect has one; one drug is a range of it.
 */
export function uploadCountsQuery(db: Knex, scope: Pick<LedgerScope, 'hisDrugCode'>): Knex.QueryBuilder {
  return uploadRows(db, scope.hisDrugCode);
}

/**
 * The rows whose state as of `until` is not their state now, grouped as uploadCountsQuery, each set through its own
 * index so the cost follows the activity since the day: `created` at or after it (not there then;
 * tg_business_rows_infno_idx), and rows created before it that were pending then: `delivered` at or after it
 * (tg_business_rows_dlv_idx) or given up (`dead`, updated) at or after it (tg_business_rows_due_idx leads with state).
 * The three sets are disjoint.
 */
export function uploadChangeQueries(
  db: Knex,
  until: string,
  hisDrugCode?: string
): { created: Knex.QueryBuilder; delivered: Knex.QueryBuilder; gaveUp: Knex.QueryBuilder } {
  return {
    created: uploadRows(db, hisDrugCode).where('b.created_at', '>=', until),
    delivered: uploadRows(db, hisDrugCode)
      .where('b.state', 'delivered')
      .where('b.delivered_at', '>=', until)
      .where('b.created_at', '<', until),
    gaveUp: uploadRows(db, hisDrugCode)
      .where('b.state', 'dead')
      .where('b.updated_at', '>=', until)
      .where('b.created_at', '<', until),
  };
}

/** Each drug's 3501 rows of its latest count dated on or before `asOfDate` (one row per lot counted). */
export function lastCountsQuery(
  db: Knex,
  dialect: StoreDialect,
  asOfDate: string,
  hisDrugCode?: string
): Knex.QueryBuilder {
  // The drug from its column (one drug: a range of tg_business_rows_drug_idx); the count's date and packs from JSON.
  const counts = (): Knex.QueryBuilder =>
    db(TABLES.businessRows)
      .select(
        'his_drug_code',
        aliased(db, jsonField(db, dialect, 'payload', 'invdate'), 'invdate'),
        aliased(db, jsonField(db, dialect, 'payload', 'inv_cnt'), 'inv_cnt')
      )
      .where('infno', '3501')
      .whereNotNull('his_drug_code')
      .modify(forDrug('his_drug_code', hisDrugCode));
  const latest = db
    .from(counts().as('l'))
    .select('l.his_drug_code')
    .max({ invdate: 'l.invdate' })
    .where('l.invdate', '<=', asOfDate)
    .groupBy('l.his_drug_code');
  return db
    .from(counts().as('c'))
    .join(latest.as('m'), function () {
      this.on('m.his_drug_code', '=', 'c.his_drug_code').andOn('m.invdate', '=', 'c.invdate');
    })
    .select('c.his_drug_code', 'c.invdate', 'c.inv_cnt');
}
