import type { InboundMessage, InboundQuery, InboundState } from '../channels/inbound-message.js';

export interface InboundDecision {
  state: Exclude<InboundState, 'received'>;
  code: string | null;
  message: string | null;
  sessionId: string | null;
  reply: string | null;
  kind: InboundMessage['kind'];
  reference: string | null;
}

/**
 * The inbound message store of the HIS channels, and each polling channel's watermark (the last event it read).
 */
export interface InboundStore {
  /**
   * Insert a received message. The (channel, sourceKey) pair is unique: when it is already stored, nothing is
   * written and the stored message is returned.
   */
  insertInbound(message: InboundMessage): Promise<{ message: InboundMessage; inserted: boolean }>;
  getInbound(id: string): Promise<InboundMessage | undefined>;
  findInbound(channel: string, sourceKey: string): Promise<InboundMessage | undefined>;
  /** Record the decision (and the answer given) of a received message. */
  decideInbound(id: string, decision: InboundDecision, at: string): Promise<InboundMessage>;
  /** Newest first is not promised: id order, paged by `afterId`. */
  listInbound(query: InboundQuery): Promise<InboundMessage[]>;
  /** A polling channel's watermark (null before its first poll). */
  getChannelMark(channel: string): Promise<string | null>;
  setChannelMark(channel: string, mark: string, at: string): Promise<void>;
}
