/**
 * One poll of the HIS's event query. Never misses, never decides twice:
 * - read from the stored watermark (or, within this process, from where the last poll stopped);
 * - each event is stored and decided through the inbound service under the key `event:<event_id>`; a key already
 *   decided (a restart re-reading events it handled) is only written back again;
 * - the stored watermark moves only past events that were stored, decided and written back. An event whose
 *   write-back failed holds it (the poll goes on reading after it), so a restart re-reads that event and the replay
 *   writes it back.
 * A full batch may end inside an event: that event is left for the next poll, unless it is the batch's only event,
 * which is then read again with a bigger :limit (up to maxEventLines).
 */
import type { Knex } from 'knex';
import type { InboundMessage } from '../../core/channels/inbound-message.js';
import type { InboundService } from '../../core/channels/inbound-service.js';
import type { Clock } from '../../core/ports/clock.js';
import type { InboundStore } from '../../core/ports/inbound-store.js';
import { eventBytes, groupEvents, type HisDbEvent } from './event-batch.js';
import type { HisDbConfig } from './his-db-config.js';
import { runQuery } from './his-db-queries.js';
import type { WriteBacks } from './write-back.js';

export interface PollResult {
  /** Events handled (decided now or replayed). */
  events: number;
  /** Of those, events already decided before (only written back again). */
  replayed: number;
}

export interface PollerDeps {
  inbound: Pick<InboundService, 'receive'>;
  store: InboundStore;
  clock: Clock;
}

/** How many re-drives of one message are looked at to find the decision to write back. */
const REDRIVES_SEEN = 100;

export class HisDbPoller {
  /** Read position within this process (at or after the stored mark). */
  private cursor: string | null = null;
  private savedMark: string | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: HisDbConfig,
    private readonly db: Knex,
    private readonly writeBacks: WriteBacks,
    private readonly deps: PollerDeps
  ) {}

  /** One poll; polls never overlap (the loop and a manual call queue behind each other). */
  pollOnce(): Promise<PollResult> {
    const next = this.running.then(
      () => this.poll(),
      () => this.poll()
    );
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Resolves when no poll is in progress. */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Where the next poll reads from. */
  async position(): Promise<string> {
    return this.cursor ?? (await this.storedMark()) ?? this.config.startWatermark;
  }

  private async storedMark(): Promise<string | null> {
    const mark = await this.deps.store.getChannelMark(this.config.name);
    this.savedMark = mark;
    return mark;
  }

  private async poll(): Promise<PollResult> {
    await this.writeBacks.retry(this.deps.store, this.config.batchSize);
    const start = await this.position();
    let cursor = start;
    const result: PollResult = { events: 0, replayed: 0 };
    try {
      for (const event of await this.fetchEvents(start)) {
        const replayed = await this.handle(event);
        if (this.writeBacks.isPending(event.eventId)) {
          this.writeBacks.holdBefore(event.eventId, cursor);
        }
        cursor = event.watermark;
        result.events++;
        result.replayed += replayed ? 1 : 0;
      }
    } finally {
      // Also after a failure part-way: the events before it are stored and decided.
      this.cursor = cursor;
      await this.saveMark(this.writeBacks.heldMark() ?? cursor);
    }
    return result;
  }

  /** Store and decide one event (its write-back runs after the decision); true when it was decided before. */
  private async handle(event: HisDbEvent): Promise<boolean> {
    const { message, replayed } = await this.deps.inbound.receive(
      this.config.name,
      `event:${event.eventId}`,
      eventBytes(event)
    );
    if (replayed) {
      await this.writeBacks.write(await this.latestDecision(message));
    }
    return replayed;
  }

  /** A message re-driven since holds the decision that counts (the HIS should show that one). */
  private async latestDecision(message: InboundMessage): Promise<InboundMessage> {
    const redrives = await this.deps.store.listInbound({
      channel: this.config.name,
      originalId: message.id,
      limit: REDRIVES_SEEN,
    });
    return redrives.filter((m) => m.state !== 'received').at(-1) ?? message;
  }

  private async fetchEvents(after: string): Promise<HisDbEvent[]> {
    let limit = this.config.batchSize;
    for (;;) {
      const rows = await runQuery(this.db, this.config, 'eventQuery', { watermark: after, limit });
      const events = groupEvents(rows);
      if (rows.length < limit) {
        return events;
      }
      if (events.length > 1) {
        // The last event's lines may go on past the batch: it is read whole by the next poll.
        return events.slice(0, -1);
      }
      // One event fills the batch and may go on: read it again with room for more, up to one line past the cap.
      if (rows.length > this.config.maxEventLines) {
        return events.map((e) => ({ ...e, truncated: true }));
      }
      limit = Math.min(limit * 2, this.config.maxEventLines + 1);
    }
  }

  private async saveMark(mark: string): Promise<void> {
    if (mark === this.savedMark) {
      return;
    }
    await this.deps.store.setChannelMark(this.config.name, mark, this.deps.clock.now().toISOString());
    this.savedMark = mark;
  }
}
