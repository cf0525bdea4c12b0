/**
 * What the anomaly rules read, in SQL: each query is bounded by its period through an index range (events by time:
 * tg_pack_events_at_idx; implicit receipts: tg_pack_events_impl_idx where partial indexes exist; refusals by code
 * and time: tg_audit_code_idx — all three from 0005-reconciliation; dispenses by contact or time:
 * tg_sessions_contact_idx / tg_sessions_state_idx), reaches further rows only through primary keys, aggregates in
 * the database, and stops at a row limit. The ledger as a whole is never scanned.
 */
import type { Knex } from 'knex';
import type {
  AnomalyReads,
  AuditedScan,
  CodeEvent,
  DispenseRecord,
  DrugSales,
  Period,
  UnreceivedSale,
} from '../../core/ports/anomaly-store.js';
import type { Session } from '../../core/window/session.js';
import {
  keepLatest,
  latestDispenses,
  REPEAT_SALE_ACTIONS,
  SALE_ACTIONS,
  SALE_AND_RETURN_ACTIONS,
  sortCodeEvents,
  sortDrugSales,
} from './anomaly-rules.js';
import { rowToAuditedScan, rowToCodeEvent, rowToDispenseRecord, rowToUnreceivedSale } from './anomaly-row-mappers.js';
import { batchLimits, chunks } from './batching.js';
import type { StoreDialect } from './knex-config.js';
import { compareCodes } from './ordering.js';
import { rowToSession, type Row } from './row-mappers.js';
import { sortSessions } from './session-rules.js';
import { TABLES } from './tables.js';

/**
 * An implicit receipt (发药时补记入库): a receive whose details (JSON text, written without spaces) contain this. The
 * partial index tg_pack_events_impl_idx (0005) has this very predicate, so it is written into the SQL as text, not
 * bound: PostgreSQL and SQLite can then prove the index applies.
 */
const IMPLICIT_RECEIPT_SQL = `?? = 'receive' and ?? like '%"implicit":true%'`;
const CODE_EVENT_COLUMNS = [
  'e.trace_code',
  'p.his_drug_code',
  'e.seq',
  'e.action',
  'e.occurred_at',
  'e.actor',
  'e.location',
  'e.ref',
  'e.reason',
];

/** Sales in the period: a range of tg_pack_events_at_idx (occurred_at first), filtered on the action in the index. */
function salesIn(q: Knex.QueryBuilder, alias: string, period: Period): Knex.QueryBuilder {
  return q
    .whereIn(`${alias}.action`, SALE_ACTIONS)
    .andWhere(`${alias}.occurred_at`, '>=', period.from)
    .andWhere(`${alias}.occurred_at`, '<', period.to);
}

/** Codes sold in the period that had been sold before (by primary key), and all their sales, returns, corrections. */
export function repeatSaleQuery(db: Knex, period: Period, limit: number): Knex.QueryBuilder {
  const resold = salesIn(db({ d: TABLES.events }).select('d.trace_code'), 'd', period)
    .andWhere('d.action', 'dispense')
    .whereExists(
      db({ x: TABLES.events })
        .select(db.raw('1'))
        .whereRaw('?? = ??', ['x.trace_code', 'd.trace_code'])
        .andWhere('x.action', 'dispense')
        .andWhereRaw('?? < ??', ['x.seq', 'd.seq'])
    );
  return db({ e: TABLES.events })
    .join({ p: TABLES.packs }, 'p.trace_code', 'e.trace_code')
    .select(CODE_EVENT_COLUMNS)
    .whereIn('e.action', REPEAT_SALE_ACTIONS)
    .whereIn('e.trace_code', resold)
    .orderBy([{ column: 'e.trace_code' }, { column: 'e.seq' }])
    .limit(limit);
}

/** Audit entries by code in the period (tg_audit_code_idx), with their session and pack by primary key. */
export function auditedScansQuery(
  db: Knex,
  period: Period,
  codes: readonly string[],
  limit: number
): Knex.QueryBuilder {
  return db({ a: TABLES.audit })
    .leftJoin({ s: TABLES.sessions }, 's.id', 'a.session_id')
    .leftJoin({ p: TABLES.packs }, 'p.trace_code', 'a.trace_code')
    .select(
      'a.id',
      'a.at',
      'a.actor',
      'a.action',
      'a.code',
      'a.reason',
      'a.trace_code',
      'a.raw',
      'a.session_id',
      { s_kind: 's.kind' },
      { s_state: 's.state' },
      { s_prescription_no: 's.prescription_no' },
      { s_visit_no: 's.visit_no' },
      { s_patient_name: 's.patient_name' },
      { s_location: 's.location' },
      { s_created_by: 's.created_by' },
      { p_his_drug_code: 'p.his_drug_code' },
      { p_state: 'p.state' },
      { p_ref: 'p.ref' },
      { p_location: 'p.location' },
      { p_updated_at: 'p.updated_at' }
    )
    .whereIn('a.code', [...codes])
    .andWhere('a.at', '>=', period.from)
    .andWhere('a.at', '<', period.to)
    .orderBy([{ column: 'a.at' }, { column: 'a.id' }])
    .limit(limit);
}

/**
 * Implicit receipts in the period (a range of the partial index, or of the time index elsewhere) and the sale
 * right after each (seq + 1, by primary key): the receipt and its sale are written by one commit, at one time.
 */
export function unreceivedSalesQuery(db: Knex, period: Period, limit: number): Knex.QueryBuilder {
  return db({ r: TABLES.events })
    .join({ d: TABLES.events }, function () {
      this.on('d.trace_code', '=', 'r.trace_code').andOn('d.seq', '=', db.raw('?? + 1', ['r.seq']));
    })
    .join({ p: TABLES.packs }, 'p.trace_code', 'd.trace_code')
    .select('d.trace_code', 'p.his_drug_code', 'd.occurred_at', 'd.actor', 'd.location', 'd.ref', {
      pack_state: 'p.state',
    })
    .whereRaw(IMPLICIT_RECEIPT_SQL, ['r.action', 'r.details'])
    .andWhere('r.occurred_at', '>=', period.from)
    .andWhere('r.occurred_at', '<', period.to)
    .whereIn('d.action', SALE_ACTIONS)
    .orderBy([{ column: 'd.occurred_at' }, { column: 'd.trace_code' }])
    .limit(limit);
}

/**
 * Per drug over the period's sales: distinct packs sold, and those whose previous event (seq − 1, by primary key)
 * is an implicit receipt.
 */
export function drugSalesQuery(db: Knex, period: Period, minUnreceived: number): Knex.QueryBuilder {
  const q = db({ d: TABLES.events })
    .join({ p: TABLES.packs }, 'p.trace_code', 'd.trace_code')
    .leftJoin({ r: TABLES.events }, function () {
      this.on('r.trace_code', '=', 'd.trace_code')
        .andOn('r.seq', '=', db.raw('?? - 1', ['d.seq']))
        .andOn(db.raw(IMPLICIT_RECEIPT_SQL, ['r.action', 'r.details']));
    })
    .select('p.his_drug_code', {
      sold: db.raw('count(distinct ??)', ['d.trace_code']),
      unreceived: db.raw('count(distinct ??)', ['r.trace_code']),
    });
  return salesIn(q, 'd', period)
    .groupBy('p.his_drug_code')
    .havingRaw('count(distinct ??) >= ?', ['r.trace_code', minUnreceived]);
}

/** Completed dispenses in the period (tg_sessions_state_idx, or tg_sessions_contact_idx with a contact). */
function dispensesIn(db: Knex, period: Period): Knex.QueryBuilder {
  return db(TABLES.sessions)
    .where({ kind: 'dispense', state: 'completed' })
    .andWhere('created_at', '>=', period.from)
    .andWhere('created_at', '<', period.to);
}

export function agentContactsQuery(
  db: Knex,
  period: Period,
  minPatients: number,
  minPrescriptions: number
): Knex.QueryBuilder {
  return dispensesIn(db, period)
    .select('contact')
    .whereNotNull('contact')
    .groupBy('contact')
    .havingRaw('count(distinct ??) >= ? and count(*) >= ?', ['patient_name', minPatients, minPrescriptions]);
}

export function sessionsAboveBoxesQuery(db: Knex, period: Period, boxes: number, limit: number): Knex.QueryBuilder {
  return dispensesIn(db, period)
    .select('version', 'doc')
    .andWhere('max_boxes', '>', boxes)
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(limit);
}

export class KnexAnomalyReads implements AnomalyReads {
  constructor(
    protected readonly db: Knex,
    protected readonly dialect: StoreDialect
  ) {}

  async repeatSaleEvents(period: Period, limit: number): Promise<CodeEvent[]> {
    const rows: Row[] = await repeatSaleQuery(this.db, period, limit);
    return sortCodeEvents(rows.map(rowToCodeEvent));
  }

  async auditedScans(period: Period, codes: readonly string[], limit: number): Promise<AuditedScan[]> {
    const rows: Row[] = await auditedScansQuery(this.db, period, codes, limit);
    return rows.map(rowToAuditedScan);
  }

  async unreceivedSales(period: Period, limit: number): Promise<UnreceivedSale[]> {
    const rows: Row[] = await unreceivedSalesQuery(this.db, period, limit);
    return rows.map(rowToUnreceivedSale);
  }

  async drugSales(period: Period, minUnreceived: number): Promise<DrugSales[]> {
    const rows: Row[] = await drugSalesQuery(this.db, period, minUnreceived);
    return sortDrugSales(
      rows.map((r) => ({
        hisDrugCode: String(r.his_drug_code),
        sold: Number(r.sold),
        unreceived: Number(r.unreceived),
      }))
    );
  }

  async agentContacts(period: Period, minPatients: number, minPrescriptions: number): Promise<string[]> {
    const rows: Row[] = await agentContactsQuery(this.db, period, minPatients, minPrescriptions);
    return rows.map((r) => String(r.contact)).sort(compareCodes);
  }

  async sessionsOfContacts(period: Period, contacts: readonly string[], limit: number): Promise<Session[]> {
    const out: Session[] = [];
    for (const chunk of chunks([...new Set(contacts)], batchLimits[this.dialect].inList)) {
      const rows: Row[] = await dispensesIn(this.db, period)
        .select('version', 'doc')
        .whereIn('contact', chunk)
        .orderBy([{ column: 'created_at' }, { column: 'id' }])
        .limit(limit - out.length);
      out.push(...rows.map(rowToSession));
      if (out.length >= limit) {
        break;
      }
    }
    return sortSessions(out);
  }

  async sessionsAboveBoxes(period: Period, boxes: number, limit: number): Promise<Session[]> {
    const rows: Row[] = await sessionsAboveBoxesQuery(this.db, period, boxes, limit);
    return sortSessions(rows.map(rowToSession));
  }

  async dispensesOf(prescriptionNos: readonly string[]): Promise<DispenseRecord[]> {
    const latest = new Map<string, DispenseRecord>();
    for (const chunk of chunks([...new Set(prescriptionNos)], batchLimits[this.dialect].inList)) {
      const rows: Row[] = await this.db(TABLES.sessions)
        .select('id', 'prescription_no', 'patient_name', 'contact', 'created_by', 'location', 'completed_at')
        .where({ kind: 'dispense', state: 'completed' })
        .whereIn('prescription_no', chunk);
      for (const record of rows.map(rowToDispenseRecord)) {
        keepLatest(latest, record);
      }
    }
    return latestDispenses(latest);
  }

  async saleEventsOf(traceCodes: readonly string[]): Promise<CodeEvent[]> {
    const out: CodeEvent[] = [];
    for (const chunk of chunks([...new Set(traceCodes)], batchLimits[this.dialect].inList)) {
      const rows: Row[] = await this.db({ e: TABLES.events })
        .join({ p: TABLES.packs }, 'p.trace_code', 'e.trace_code')
        .select(CODE_EVENT_COLUMNS)
        .whereIn('e.trace_code', chunk)
        .whereIn('e.action', SALE_AND_RETURN_ACTIONS);
      out.push(...rows.map(rowToCodeEvent));
    }
    return sortCodeEvents(out);
  }
}
