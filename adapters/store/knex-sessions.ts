/**
 * The window-session half of KnexStore: sessions as versioned JSON documents, the business rows a completed
 * session hands to the insurance relay, and the audit trail. completeSession writes the ledger changes, the
 * session, the business rows and the audit entries in ONE transaction.
 */
import type { Knex } from 'knex';
import { isTracegateError } from '../../core/errors.js';
import type { LedgerChange } from '../../core/ledger/pack.js';
import { StoreConflict } from '../../core/ports/ledger-store.js';
import type { SessionQuery } from '../../core/ports/session-store.js';
import type { AuditEntry, BusinessRow } from '../../core/window/business-row.js';
import type { Session } from '../../core/window/session.js';
import { bulkInsert } from './bulk-insert.js';
import { classifyDbError } from './db-errors.js';
import type { StoreDialect } from './knex-config.js';
import { planLedgerCommit, type KnexLedger } from './knex-ledger.js';
import type { KnexUploads } from './knex-uploads.js';
import { auditValues, rowToAudit, rowToSession, sessionUpdate, sessionValues, type Row } from './row-mappers.js';
import { nextVersion, sessionExists, sortSessions, staleSession } from './session-rules.js';
import { AUDIT_COLUMNS, columnNames, SESSION_COLUMNS, TABLES } from './tables.js';
import { checkNewUploads, uploadToBusinessRow } from './upload-rules.js';

type Db = Knex | Knex.Transaction;

const auditColumns = columnNames(AUDIT_COLUMNS);

/** The guarded save of one session: it only touches the row if nobody bumped its version since the caller read it. */
export function guardedSessionUpdate(db: Db, saved: Session, expectedVersion: number): Knex.QueryBuilder {
  return db(TABLES.sessions).where({ id: saved.id, version: expectedVersion }).update(sessionUpdate(saved));
}

/** Which write of completeSession was running when it failed (decides what the failure means). */
type Step = 'session' | 'ledger' | 'rows' | 'audit';

export class KnexSessions {
  constructor(
    private readonly db: Knex,
    private readonly dialect: StoreDialect,
    private readonly ledger: KnexLedger,
    private readonly uploads: KnexUploads
  ) {}

  async createSession(session: Session): Promise<void> {
    try {
      await bulkInsert(this.db, this.dialect, TABLES.sessions, SESSION_COLUMNS, [sessionValues(session)]);
    } catch (e) {
      throw classifyDbError(this.dialect, e) === 'unique' ? sessionExists(session.id) : e;
    }
  }

  async getSession(id: string): Promise<Session | undefined> {
    const row: Row | undefined = await this.db(TABLES.sessions).select('version', 'doc').where('id', id).first();
    return row ? rowToSession(row) : undefined;
  }

  async saveSession(session: Session, expectedVersion: number): Promise<Session> {
    const saved = nextVersion(session, expectedVersion);
    const affected = Number(await guardedSessionUpdate(this.db, saved, expectedVersion));
    if (affected !== 1) {
      throw staleSession();
    }
    return saved;
  }

  /**
   * Session first (so a second completion of the same session waits on its row and then misses the version),
   * then the ledger exactly as `commit`, then the business rows (unique business_key) with their order keys
   * (the upload outbox), then the audit entries. Everything runs on the one knex transaction, so bulkInsert
   * stays on SQLite's prepared-statement path and a failure anywhere rolls back all four.
   */
  async completeSession(
    session: Session,
    expectedVersion: number,
    changes: LedgerChange[],
    rows: BusinessRow[],
    audit: AuditEntry[]
  ): Promise<Session> {
    const plan = planLedgerCommit(changes);
    checkNewUploads(rows);
    const saved = nextVersion(session, expectedVersion);
    let step: Step = 'session';
    try {
      await this.db.transaction(async (trx) => {
        const affected = Number(await guardedSessionUpdate(trx, saved, expectedVersion));
        if (affected !== 1) {
          throw staleSession();
        }
        step = 'ledger';
        await this.ledger.applyIn(trx, plan);
        step = 'rows';
        await this.uploads.writeIn(trx, rows);
        step = 'audit';
        await bulkInsert(trx, this.dialect, TABLES.audit, AUDIT_COLUMNS, audit.map(auditValues));
      });
    } catch (e) {
      throw await this.explain(e, step, changes, rows);
    }
    return saved;
  }

  /** LedgerStore.commit with business rows: the ledger changes and the rows in ONE transaction. */
  async commitWithRows(changes: LedgerChange[], rows: BusinessRow[]): Promise<void> {
    const plan = planLedgerCommit(changes);
    checkNewUploads(rows);
    let step: Step = 'ledger';
    try {
      await this.db.transaction(async (trx) => {
        await this.ledger.applyIn(trx, plan);
        step = 'rows';
        await this.uploads.writeIn(trx, rows);
      });
    } catch (e) {
      throw await this.explain(e, step, changes, rows);
    }
  }

  async findSessions(query: SessionQuery): Promise<Session[]> {
    const where: Row = { kind: query.kind };
    if (query.state !== undefined) {
      where.state = query.state;
    }
    if (query.prescriptionNo !== undefined) {
      where.prescription_no = query.prescriptionNo;
    }
    if (query.visitNo !== undefined) {
      where.visit_no = query.visitNo;
    }
    if (query.id !== undefined) {
      where.id = query.id;
    }
    const rows: Row[] = await this.db(TABLES.sessions).select('version', 'doc').where(where).orderBy('created_at');
    return sortSessions(rows.map(rowToSession));
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    await this.db.transaction((trx) =>
      bulkInsert(trx, this.dialect, TABLES.audit, AUDIT_COLUMNS, entries.map(auditValues))
    );
  }

  async listAudit(sessionId: string): Promise<AuditEntry[]> {
    const rows: Row[] = await this.db(TABLES.audit).select(auditColumns).where('session_id', sessionId).orderBy('id');
    return rows.map(rowToAudit);
  }

  async listBusinessRows(sessionId: string): Promise<BusinessRow[]> {
    return (await this.uploads.listBySession(sessionId)).map(uploadToBusinessRow);
  }

  /**
   * A failed completion (already rolled back) in the port's terms: a missed guard is already StoreConflict;
   * a ledger failure means what it means for `commit`; a key violation on the business rows is
   * BUSINESS_ROW_EXISTS naming the stored keys; a deadlock or serialization failure anywhere is
   * StoreConflict(stale) like one in `commit` (nothing was written, the same work may succeed on retry).
   */
  private async explain(error: unknown, step: Step, changes: LedgerChange[], rows: BusinessRow[]): Promise<unknown> {
    if (error instanceof StoreConflict || isTracegateError(error)) {
      return error;
    }
    if (step === 'ledger') {
      return this.ledger.explain(error, changes);
    }
    const kind = classifyDbError(this.dialect, error);
    if (kind === 'retryable') {
      return new StoreConflict([...new Set(changes.map((c) => c.after.traceCode))], 'stale');
    }
    if (kind === 'unique' && step === 'rows') {
      return this.uploads.explainInsert(error, rows);
    }
    return error;
  }
}
