/**
 * Window-session rules shared by the knex store and its memory twin, so both index, find, refuse and order
 * sessions, business rows and audit entries the same way.
 *
 * Stale writes: saveSession and completeSession guard the session by its version. When the stored version
 * is no longer `expectedVersion` (another window saved first, or there is no such session) they throw
 * StoreConflict with an EMPTY code list and reason 'stale'; a ledger conflict inside completeSession names
 * its trace codes, so `traceCodes.length === 0` tells the two apart.
 */
import { conflict, type TracegateError } from '../../core/errors.js';
import { StoreConflict } from '../../core/ports/ledger-store.js';
import type { SessionQuery } from '../../core/ports/session-store.js';
import type { BusinessRow } from '../../core/window/business-row.js';
import type { DispenseOrder, Session } from '../../core/window/session.js';
import { contactKey } from '../../core/anomalies/contact-key.js';
import { largestLineBoxes } from '../../core/anomalies/line-boxes.js';
import { duplicatesIn } from './ledger-rules.js';
import { compareCodes } from './ordering.js';

export interface SessionKeys {
  prescriptionNo: string | null;
  visitNo: string | null;
  /** Dispenses only (0006-anomalies): the patient's name, the agent's contact key, the largest line in boxes. */
  patientName: string | null;
  contact: string | null;
  maxBoxes: number | null;
}

/** The prescription and visit a session is about: a dispense's order, a return's naming of the sale; none for a receipt. */
export function sessionKeys(session: Session): SessionKeys {
  const order = session.order as { prescriptionNo?: unknown; visitNo?: unknown };
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  const dispense = session.kind === 'dispense' ? (session.order as DispenseOrder) : null;
  return {
    prescriptionNo: str(order.prescriptionNo),
    visitNo: str(order.visitNo),
    patientName: dispense ? (str(dispense.patientName)?.slice(0, 100) ?? null) : null,
    contact: dispense ? contactKey(dispense.agent) : null,
    maxBoxes: largestLineBoxes(session),
  };
}

export function matchesQuery(session: Session, query: SessionQuery): boolean {
  if (session.kind !== query.kind) {
    return false;
  }
  if (query.state !== undefined && session.state !== query.state) {
    return false;
  }
  if (query.id !== undefined && session.id !== query.id) {
    return false;
  }
  const keys = sessionKeys(session);
  if (query.prescriptionNo !== undefined && keys.prescriptionNo !== query.prescriptionNo) {
    return false;
  }
  if (query.visitNo !== undefined && keys.visitNo !== query.visitNo) {
    return false;
  }
  return true;
}

/** Oldest first; sessions opened in the same millisecond by id (code-unit order, as everywhere in the store). */
export function sortSessions(sessions: Session[]): Session[] {
  return sessions.sort((a, b) => compareCodes(a.createdAt, b.createdAt) || compareCodes(a.id, b.id));
}

/** What a guarded write stores and returns: the caller's document at the next version. */
export function nextVersion(session: Session, expectedVersion: number): Session {
  return { ...session, version: expectedVersion + 1 };
}

export function staleSession(): StoreConflict {
  return new StoreConflict([], 'stale');
}

export function sessionExists(id: string): TracegateError {
  return conflict('SESSION_EXISTS', `会话 ${id} 已存在`, { sessionId: id });
}

export function businessRowExists(keys: string[]): TracegateError {
  return conflict(
    'BUSINESS_ROW_EXISTS',
    `业务流水号 ${keys.slice(0, 5).join('、')}${keys.length > 5 ? ` 等 ${keys.length} 个` : ''} 已存在，同一业务不能重复生成上传记录`,
    { businessKeys: keys }
  );
}

/** A business key used twice within one completion is refused like one already stored. */
export function checkBusinessRowBatch(rows: BusinessRow[]): void {
  const dups = duplicatesIn(rows.map((r) => r.businessKey));
  if (dups.length > 0) {
    throw businessRowExists(dups);
  }
}
