/**
 * What a completed session hands to the insurance relay: one row per business line (3503 receipt, 3505 sale,
 * 3506 sale return), keyed by `fixmedins_bchno` so it is sent once. The payload holds the 35xx row fields
 * tracegate knows; the relay adds the envelope and the institution's operator fields.
 */
export const BusinessRowKinds = ['3503', '3505', '3506'] as const;
export type BusinessRowKind = (typeof BusinessRowKinds)[number];

export interface BusinessRow {
  infno: BusinessRowKind;
  /** fixmedins_bchno: unique per uploaded row, ≤ 30 characters. */
  businessKey: string;
  sessionId: string;
  payload: Record<string, unknown>;
  createdAt: string;
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
