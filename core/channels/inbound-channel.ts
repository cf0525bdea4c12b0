import type { TracegateError } from '../errors.js';
import type { HisEvent } from './his-event.js';
import type { InboundMessage } from './inbound-message.js';

/** What a channel reads out of the bytes it stored: the event and a reference to find it by, or why not. */
export type ReadResult = { ok: true; event: HisEvent } | { ok: false; error: TracegateError };

/**
 * A HIS channel as the inbound service sees it. The adapter (HL7, FHIR, HIS database) registers one per configured
 * channel, so a stored message can be read again from its bytes on re-drive and answered in the channel's form.
 */
export interface InboundChannel {
  readonly name: string;
  /** Read stored bytes. Never throws for bad input: the error is the answer. */
  read(raw: Uint8Array): ReadResult;
  /** The answer the sender gets for a decided message (stored with it and replayed for a repeated key). */
  replyOf(message: InboundMessage): string | null;
  /** The stored bytes as text for people (decoded with the channel's charset), for the message browser. */
  text?(raw: Uint8Array): string;
  /** After every decision, re-drives included: e.g. write the result back into the HIS's table. */
  afterDecision?(message: InboundMessage): Promise<void>;
}
