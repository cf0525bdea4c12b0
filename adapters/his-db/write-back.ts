/**
 * Writing each decision back into the HIS (the configured `writeBack` statement). A write-back never blocks or
 * undoes a decision: a failure is remembered and retried on the next poll, and logged once per failure streak (a
 * broken statement must not flood the log, integration-anchors B12). While any write-back is pending, the poller
 * keeps the stored watermark before the first such event, so a restart re-reads it and the replay writes it back.
 */
import type { Knex } from 'knex';
import type { InboundMessage } from '../../core/channels/inbound-message.js';
import type { ChannelLog } from '../../core/ports/channel-runtime.js';
import type { InboundStore } from '../../core/ports/inbound-store.js';
import { isTracegateError } from '../../core/errors.js';
import { parseEventBytes } from './event-batch.js';
import { bindStatement } from './sql-params.js';

export const WriteBackResults = ['accepted', 'refused', 'invalid'] as const;
export type WriteBackResult = (typeof WriteBackResults)[number];

export interface WriteBackParams {
  eventId: string;
  result: WriteBackResult;
  code: string | null;
  message: string | null;
  sessionId: string | null;
}

interface Pending {
  messageId: string;
  /** The watermark the poller read this event after (null: not read by the poller, e.g. a re-drive). */
  markBefore: string | null;
}

export interface WriteBackOptions {
  channel: string;
  db: Knex;
  sql: string | undefined;
  messageMaxLength: number;
  queryTimeoutMs: number;
  log: ChannelLog;
}

export class WriteBacks {
  /** By event id, oldest first (a Map keeps insertion order, and a re-set keeps the place). */
  private readonly pending = new Map<string, Pending>();
  private failures = 0;

  constructor(private readonly options: WriteBackOptions) {}

  /** Write one decided message back. False when it failed: it is then pending and retried. */
  async write(message: InboundMessage): Promise<boolean> {
    const sql = this.options.sql;
    const event = parseEventBytes(message.raw);
    if (sql === undefined || isTracegateError(event)) {
      return true;
    }
    const params = writeBackParams(event.eventId, message, this.options.messageMaxLength);
    if (params === null) {
      return true;
    }
    try {
      await bindStatement(this.options.db, 'writeBack', sql, { ...params }).timeout(this.options.queryTimeoutMs);
      this.succeeded(event.eventId);
      return true;
    } catch (e) {
      this.failed(event.eventId, message.id, e);
      return false;
    }
  }

  /** The poller says which watermark the pending event was read after (what a restart must re-read from). */
  holdBefore(eventId: string, markBefore: string): void {
    const entry = this.pending.get(eventId);
    if (entry && entry.markBefore === null) {
      entry.markBefore = markBefore;
    }
  }

  isPending(eventId: string): boolean {
    return this.pending.has(eventId);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** The watermark the stored mark must not pass: before the oldest pending event the poller read. */
  heldMark(): string | null {
    for (const entry of this.pending.values()) {
      if (entry.markBefore !== null) {
        return entry.markBefore;
      }
    }
    return null;
  }

  /** Try the pending write-backs again, oldest first, at most `limit`. The message's stored decision is written. */
  async retry(store: InboundStore, limit: number): Promise<void> {
    for (const [eventId, entry] of [...this.pending].slice(0, limit)) {
      const message = await store.getInbound(entry.messageId);
      if (!message) {
        this.pending.delete(eventId);
        continue;
      }
      await this.write(message);
    }
  }

  private succeeded(eventId: string): void {
    this.pending.delete(eventId);
    if (this.failures > 0 && this.pending.size === 0) {
      this.options.log.info('HIS write-back recovered: every pending write-back is done', {
        channel: this.options.channel,
        failedAttempts: this.failures,
      });
      this.failures = 0;
    }
  }

  private failed(eventId: string, messageId: string, e: unknown): void {
    const markBefore = this.pending.get(eventId)?.markBefore ?? null;
    this.pending.set(eventId, { messageId, markBefore });
    if (this.failures === 0) {
      this.options.log.error(
        'HIS write-back failed; the decision is kept and the write-back retried on every poll (not logged again until it recovers)',
        {
          channel: this.options.channel,
          statement: 'writeBack',
          eventId,
          error: e instanceof Error ? e.message : String(e),
          fix: 'check the table and column names and widths in writeBack, and that the HIS account may UPDATE that table',
        }
      );
    }
    this.failures++;
  }
}

/** What the statement's parameters are for a decided message (null: not decided, nothing to write). */
export function writeBackParams(eventId: string, message: InboundMessage, maxLength: number): WriteBackParams | null {
  const result = resultOf(message.state);
  if (result === null) {
    return null;
  }
  return {
    eventId,
    result,
    code: message.code,
    message: message.message === null ? null : cut(message.message, maxLength),
    sessionId: message.sessionId,
  };
}

function resultOf(state: InboundMessage['state']): WriteBackResult | null {
  switch (state) {
    case 'accepted':
    case 'refused':
    case 'invalid':
      return state;
    case 'received':
      return null;
    default:
      return state satisfies never;
  }
}

/** By characters, not UTF-16 units, so a Chinese text is never cut inside a character. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
