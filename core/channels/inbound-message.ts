/**
 * Every message a HIS channel receives is stored before it is decided, raw bytes and all, so that it can be
 * answered again (a repeated control id gets the stored answer), recovered after a crash, and re-driven.
 */
import type { HisEventKind } from './his-event.js';

/**
 * received: stored, not yet decided (or tracegate stopped while deciding: recovery finishes it) · accepted: the
 * window took it · refused: a rule said no (the code says which) · invalid: it could not be read (parse error).
 */
export const InboundStates = ['received', 'accepted', 'refused', 'invalid'] as const;
export type InboundState = (typeof InboundStates)[number];

export interface InboundMessage {
  /** tracegate's id (≤ 24 characters); the window session deciding it is derived from it. */
  id: string;
  /** The configured channel's name (hl7, fhir, his-db…): which parser reads `raw` again on re-drive. */
  channel: string;
  /** The sender's own key, unique per channel: MSH-10, the FHIR resource id and version, the HIS event id. */
  sourceKey: string;
  kind: HisEventKind | null;
  receivedAt: string;
  /** The bytes as received (before any decoding), so a wrong charset can be fixed and the message re-driven. */
  raw: Uint8Array;
  state: InboundState;
  /** The machine code of a refusal or parse error (the same codes as the HTTP API). */
  code: string | null;
  /** Why, for people (Chinese). */
  message: string | null;
  /** The window session that decided it. */
  sessionId: string | null;
  /** The answer given to the sender (an HL7 ACK, an OperationOutcome…), replayed for a repeated key. */
  reply: string | null;
  /** A re-drive's link to the message it re-drove. */
  originalId: string | null;
  /** Prescription, visit or return reference, to find messages by. */
  reference: string | null;
  updatedAt: string;
}

export interface InboundQuery {
  channel?: string;
  state?: InboundState;
  kind?: HisEventKind;
  /** receivedAt ≥ from, < to (ISO). */
  from?: string;
  to?: string;
  reference?: string;
  /** Messages re-driven from this one. */
  originalId?: string;
  limit: number;
  /** Paging: ids after this one, in id order. */
  afterId?: string;
}

/** A message without its bytes (lists stay small); `rawBytes` says how big it was. */
export function inboundSummary(m: InboundMessage): Omit<InboundMessage, 'raw'> & { rawBytes: number } {
  const { raw, ...rest } = m;
  return { ...rest, rawBytes: raw.byteLength };
}
