/**
 * The HIS database channel as the inbound service sees it: the stored bytes are the UTF-8 JSON of one event's rows,
 * read again on re-drive; the answer is a short JSON of the decision; after every decision (re-drives included) the
 * result is written back into the HIS's table.
 */
import type { InboundChannel, ReadResult } from '../../core/channels/inbound-channel.js';
import type { InboundMessage } from '../../core/channels/inbound-message.js';
import { readHisDbEvent } from './read-his-event.js';
import type { WriteBacks } from './write-back.js';

export class HisDbChannel implements InboundChannel {
  constructor(
    readonly name: string,
    private readonly writeBacks: WriteBacks
  ) {}

  read(raw: Uint8Array): ReadResult {
    return readHisDbEvent(raw);
  }

  replyOf(message: InboundMessage): string {
    return JSON.stringify({
      result: message.state,
      code: message.code,
      message: message.message,
      sessionId: message.sessionId,
    });
  }

  text(raw: Uint8Array): string {
    return new TextDecoder().decode(raw);
  }

  /** Never throws: a failed write-back is pending and retried by the next poll; the decision stands. */
  async afterDecision(message: InboundMessage): Promise<void> {
    await this.writeBacks.write(message);
  }
}
