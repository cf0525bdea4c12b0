import type { LedgerChange } from '../ledger/pack.js';
import type { AuditEntry, BusinessRow } from '../window/business-row.js';
import type { Session, SessionKind } from '../window/session.js';

export interface SessionQuery {
  kind: SessionKind;
  state?: Session['state'];
  prescriptionNo?: string;
  visitNo?: string;
  /** A dispense session id (for returns naming the original sale). */
  id?: string;
}

/**
 * Sessions live in the store, not in one process's memory, so any instance behind a load balancer can take
 * the next scan. Each write is guarded by the session's version (another writer → StoreConflict 'stale').
 */
export interface SessionStore {
  createSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | undefined>;
  /** Replace the session document if its stored version is still `expectedVersion`; bumps the version. */
  saveSession(session: Session, expectedVersion: number): Promise<Session>;
  /**
   * Complete in ONE transaction: the ledger changes (same guarantees as LedgerStore.commit), the session
   * document (guarded by version), the business rows for the insurance relay (unique businessKey) and the
   * audit entries. All or nothing.
   */
  completeSession(
    session: Session,
    expectedVersion: number,
    changes: LedgerChange[],
    rows: BusinessRow[],
    audit: AuditEntry[]
  ): Promise<Session>;
  findSessions(query: SessionQuery): Promise<Session[]>;
  appendAudit(entries: AuditEntry[]): Promise<void>;
  listAudit(sessionId: string): Promise<AuditEntry[]>;
  listBusinessRows(sessionId: string): Promise<BusinessRow[]>;
}
