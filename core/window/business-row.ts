/**
 * What a completed session hands to the insurance relay: one row per business line (3503 receipt, 3505 sale,
 * 3506 sale return), keyed by `fixmedins_bchno` so it is sent once. The payload holds the 35xx row fields
 * tracegate knows; the relay adds the envelope and the institution's operator fields.
 */
import type { RowInfno } from '../insurance/row-fields.js';
import type { UploadSource, UploadState } from '../insurance/upload.js';

export type BusinessRowKind = RowInfno;

/** How a row enters the outbox: to be sent, already delivered (by the proxy, in sync mode), or not for tracegate. */
export const InitialUploadStates = ['pending', 'delivered', 'held'] as const;
export type InitialUploadState = (typeof InitialUploadStates)[number];

export interface BusinessRow {
  infno: BusinessRowKind;
  /** The upload's unique key: fixmedins_bchno (≤ 30 characters) for 3501–3506. */
  businessKey: string;
  sessionId: string;
  payload: Record<string, unknown>;
  createdAt: string;
  source: UploadSource;
  /** See Upload.orderKeys: uploads sharing a key are sent in the order they were written. */
  orderKeys: string[];
  /**
   * Written as one of InitialUploadStates (how the row enters the outbox); read back, the upload's current
   * state, which the sender moves on.
   */
  state: UploadState;
  /** A re-driven upload names the upload it repeats. */
  originalId?: number | null;
  /** For a row delivered by the proxy: the msgid it went under and the platform's reference. */
  delivery?: { msgid: string; infRefmsgid: string | null; at: string } | null;
}

/** Refusals, overrides and withdrawals: who, when, the raw scan and the reason. */
export interface AuditEntry {
  at: string;
  actor: string;
  role: string | null;
  /** scan_refused | scan_warning | scan_withdrawn | override | session_cancelled */
  action: string;
  sessionId: string | null;
  raw: string | null;
  traceCode: string | null;
  code: string | null;
  reason: string;
}
