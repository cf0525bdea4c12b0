/**
 * The codes of one drug and one reconciliation category, one page at a time, in code order. Every query starts from
 * an index on the drug (tg_packs_drug_state_idx), the window (tg_pack_events_at_idx, the partial implicit-receipt
 * index, tg_audit_code_idx) or the undelivered uploads (tg_business_rows_due_idx), so a page costs what the category
 * holds for that drug, not what the ledger holds.
 */
import type { Knex } from 'knex';
import type { UploadState } from '../../core/insurance/upload.js';
import type { PackState } from '../../core/ledger/pack.js';
import type { CodeFact, CodeQuery } from '../../core/ports/reconciliation-store.js';
import {
  categoryState,
  RECEIVED_TWICE_CODES,
  RETURN_MISMATCH_CODES,
} from '../../core/reports/reconciliation/reconciliation-categories.js';
import type { StoreDialect } from './knex-config.js';
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
import type { Row } from './row-mappers.js';
import { TABLES } from './tables.js';

export function codesQuery(
  db: Knex,
  dialect: StoreDialect,
  q: CodeQuery,
  shape: TouchedShape = 'lookup'
): Knex.QueryBuilder {
  const page = (qb: Knex.QueryBuilder, order: string[]): Knex.QueryBuilder =>
    qb
      .orderBy(order.map((column) => ({ column })))
      .limit(q.limit)
      .offset(q.offset);
  switch (q.category) {
    case 'opened':
    case 'quarantined':
    case 'in_stock':
      return page(packsInState(db, q, categoryState[q.category]!, shape), ['u.trace_code']);
    case 'dispensed_never_received':
      return page(ledgerEvents(db, q).whereRaw(implicitReceipt(db)), ['p.trace_code', 'e.seq']);
    case 'scrapped':
      return page(ledgerEvents(db, q).where('e.action', 'scrap'), ['p.trace_code', 'e.seq']);
    case 'transferred_out':
      return page(ledgerEvents(db, q).where('e.action', 'transfer_out'), ['p.trace_code', 'e.seq']);
    case 'received_twice':
      return page(refusedCodes(db, dialect, q, RECEIVED_TWICE_CODES), ['a.trace_code']);
    case 'returns_not_matching':
      return page(refusedCodes(db, dialect, q, RETURN_MISMATCH_CODES), ['a.trace_code']);
    case 'sold_not_uploaded':
      return page(unuploadedCodes(db, dialect, q), ['g.trace_code']);
    default:
      return q.category satisfies never;
  }
}

/**
 * Packs of the drug in `state`: now (the fast path), or as of `until`: those in it now and untouched since, plus
 * those touched since whose last event before `until` left them in it.
 */
function packsInState(db: Knex, q: CodeQuery, state: PackState, shape: TouchedShape): Knex.QueryBuilder {
  const now = db(`${TABLES.packs} as p`)
    .select('p.trace_code', 'p.updated_at as at', 'p.ref', 'p.state', 'p.units_remaining as units_left')
    .where('p.his_drug_code', q.hisDrugCode)
    .where('p.state', state);
  if (q.until === null) {
    return db.from(now.as('u')).select('u.*');
  }
  const until = q.until;
  now.whereNotExists(
    db(`${TABLES.events} as n`)
      .select(db.raw('1'))
      .whereRaw('?? = ??', ['n.trace_code', 'p.trace_code'])
      .where('n.occurred_at', '>=', until)
  );
  const then = touchedWithThen(db, until, shape)
    .leftJoin(`${TABLES.drugs} as d`, 'd.his_drug_code', 'y.his_drug_code')
    .select('y.trace_code', 'y.then_at as at', 'y.then_ref as ref', 'y.then_state as state')
    .select(
      db.raw("case when ?? = 'opened' then ?? - coalesce(??, 0) end as ??", [
        'y.then_state',
        'd.units_per_pack',
        'y.taken',
        'units_left',
      ])
    )
    .where('y.his_drug_code', q.hisDrugCode)
    .where('y.then_state', state);
  return db.from(now.unionAll(then).as('u')).select('u.*');
}

/** Events of the drug's packs in the window (e, p). */
function ledgerEvents(db: Knex, q: CodeQuery): Knex.QueryBuilder {
  return db(`${TABLES.events} as e`)
    .join(`${TABLES.packs} as p`, 'p.trace_code', 'e.trace_code')
    .select('p.trace_code', 'e.occurred_at as at', 'e.ref', 'p.state')
    .where('p.his_drug_code', q.hisDrugCode)
    .modify((qb) => inRange(qb, 'e.occurred_at', q.from, q.until));
}

/** Refused codes of the drug in the window: the last refusal, its session, and how often. */
function refusedCodes(db: Knex, dialect: StoreDialect, q: CodeQuery, codes: readonly string[]): Knex.QueryBuilder {
  const qb = db(`${TABLES.audit} as a`);
  const drug = auditDrug(db, dialect, qb);
  return qb
    .select('a.trace_code')
    .max({ at: 'a.at' })
    .max({ ref: 'a.session_id' })
    .min({ refusal_code: 'a.code' })
    .count({ refusals: '*' })
    .max({ state: 'p.state' })
    .whereIn('a.code', codes)
    .whereNotIn('a.action', NOT_REFUSALS)
    .whereNotNull('a.trace_code')
    .whereRaw('? = ?', [drug, q.hisDrugCode])
    .modify((x) => inRange(x, 'a.at', q.from, q.until))
    .groupBy('a.trace_code');
}

/** The drug's packs on 3505 uploads not delivered as of the scope, each with its latest such upload. */
function unuploadedCodes(db: Knex, dialect: StoreDialect, q: CodeQuery): Knex.QueryBuilder {
  const latest = uploadPacks(db, dialect)
    .select('p.trace_code')
    .max({ id: 'b.id' })
    .where('p.his_drug_code', q.hisDrugCode)
    .groupBy('p.trace_code');
  undeliveredSaleRows(latest, q.until);
  return db
    .from(latest.as('g'))
    .join(`${TABLES.businessRows} as b2`, 'b2.id', 'g.id')
    .join(`${TABLES.packs} as p2`, 'p2.trace_code', 'g.trace_code')
    .select(
      'g.trace_code',
      'b2.created_at as at',
      'b2.session_id as ref',
      'p2.state',
      'b2.id as upload_id',
      'b2.state as upload_state'
    );
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const count = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function rowToCodeFact(r: Row): CodeFact {
  return {
    traceCode: String(r.trace_code),
    at: text(r.at),
    ref: text(r.ref),
    state: text(r.state) as PackState | null,
    unitsLeft: count(r.units_left),
    refusalCode: text(r.refusal_code),
    refusals: count(r.refusals),
    uploadId: count(r.upload_id),
    uploadState: text(r.upload_state) as UploadState | null,
  };
}
