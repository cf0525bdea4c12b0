/**
 * The HIS channels' one way in: store the message (raw bytes) before anything is decided, decide it through the
 * window once, store the decision with the answer the sender gets, and replay that answer for a repeated key.
 * Messages left undecided by a crash are finished by `recover`; any stored message can be re-driven.
 */
import { conflict, invalid, notFound, type TracegateError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import type { InboundDecision, InboundStore } from '../ports/inbound-store.js';
import type { SessionStore } from '../ports/session-store.js';
import type { WindowService } from '../window/window-service.js';
import { applyHisEvent } from './apply-his-event.js';
import type { HisEvent } from './his-event.js';
import type { InboundChannel } from './inbound-channel.js';
import type { InboundMessage, InboundQuery } from './inbound-message.js';
import { boundedKey, referenceOf, sessionIdFor } from './inbound-keys.js';

export interface ReceiveResult {
  message: InboundMessage;
  /** True when the key was already decided: the stored answer is given again, nothing is decided. */
  replayed: boolean;
}

/** Re-driving more than this many messages at once is refused: narrow the filter. */
export const REDRIVE_LIMIT = 500;

export class InboundService {
  private readonly channels = new Map<string, InboundChannel>();

  constructor(
    private readonly store: InboundStore & SessionStore,
    private readonly window: WindowService,
    private readonly clock: Clock,
    private readonly ids: IdSource
  ) {}

  register(channel: InboundChannel): void {
    if (this.channels.has(channel.name)) {
      throw invalid('CHANNEL_NAME_TAKEN', `通道名 ${channel.name} 重复`, { channel: channel.name });
    }
    this.channels.set(channel.name, channel);
  }

  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  /**
   * Store, decide, answer. A store failure throws (nothing was acknowledged: the sender retries, and the stored
   * message, if any, is finished then or by `recover`).
   */
  async receive(channelName: string, senderKey: string, raw: Uint8Array): Promise<ReceiveResult> {
    const channel = this.channel(channelName);
    const sourceKey = boundedKey(senderKey);
    const found = await this.store.findInbound(channelName, sourceKey);
    if (found && found.state !== 'received') {
      return { message: found, replayed: true };
    }
    const stored = found ?? (await this.insert(channelName, sourceKey, raw, null));
    if (stored.state !== 'received') {
      return { message: stored, replayed: true };
    }
    return { message: await this.decide(channel, stored), replayed: false };
  }

  /** Finish messages stored but never decided (tracegate stopped in between), oldest first. */
  async recover(receivedBefore: string, limit = 100): Promise<InboundMessage[]> {
    const stuck = await this.store.listInbound({ state: 'received', to: receivedBefore, limit });
    const done: InboundMessage[] = [];
    for (const message of stuck) {
      const channel = this.channels.get(message.channel);
      if (channel) {
        done.push(await this.decide(channel, message));
      }
    }
    return done;
  }

  async get(id: string): Promise<InboundMessage> {
    const message = await this.store.getInbound(id);
    if (!message) {
      throw notFound('INBOUND_NOT_FOUND', `消息 ${id} 不存在`, { id });
    }
    return message;
  }

  /** The stored bytes as the channel reads them (UTF-8 when the channel is no longer configured). */
  textOf(message: InboundMessage): string {
    const channel = this.channels.get(message.channel);
    return channel?.text ? channel.text(message.raw) : new TextDecoder().decode(message.raw);
  }

  list(query: InboundQuery): Promise<InboundMessage[]> {
    return this.store.listInbound(query);
  }

  /**
   * Decide a stored message again from its bytes, as a new message linked to it (the original keeps its decision).
   * An accepted message is not re-driven: its packs have moved, a second decision could only refuse or duplicate.
   */
  async redrive(id: string): Promise<InboundMessage> {
    const original = await this.get(id);
    const channel = this.channel(original.channel);
    if (original.state === 'accepted') {
      throw conflict(
        'INBOUND_ALREADY_ACCEPTED',
        `消息 ${id} 已被接受（会话 ${original.sessionId ?? ''}），不能重复处理`,
        {
          id,
        }
      );
    }
    if (original.state === 'received') {
      return this.decide(channel, original);
    }
    const copy = await this.insert(original.channel, `redrive:${this.clock.now().getTime()}:${id}`, original.raw, id);
    const decided = await this.decide(channel, copy);
    return decided;
  }

  /** Re-drive every message the filter finds that is not accepted (at most REDRIVE_LIMIT). */
  async redriveMany(query: Omit<InboundQuery, 'limit'>): Promise<{ redriven: InboundMessage[]; skipped: string[] }> {
    const found = await this.store.listInbound({ ...query, limit: REDRIVE_LIMIT + 1 });
    if (found.length > REDRIVE_LIMIT) {
      throw invalid('REDRIVE_TOO_MANY', `筛选出的消息超过 ${REDRIVE_LIMIT} 条，请缩小范围后再重新处理`, {
        limit: REDRIVE_LIMIT,
      });
    }
    const redriven: InboundMessage[] = [];
    const skipped: string[] = [];
    for (const message of found) {
      if (message.state === 'accepted' || !this.channels.has(message.channel)) {
        skipped.push(message.id);
        continue;
      }
      redriven.push(await this.redrive(message.id));
    }
    return { redriven, skipped };
  }

  private async insert(
    channel: string,
    sourceKey: string,
    raw: Uint8Array,
    originalId: string | null
  ): Promise<InboundMessage> {
    const now = this.clock.now();
    const { message } = await this.store.insertInbound({
      id: this.ids.next('M', now),
      channel,
      sourceKey,
      kind: null,
      receivedAt: now.toISOString(),
      raw,
      state: 'received',
      code: null,
      message: null,
      sessionId: null,
      reply: null,
      originalId,
      reference: null,
      updatedAt: now.toISOString(),
    });
    return message;
  }

  private async decide(channel: InboundChannel, message: InboundMessage): Promise<InboundMessage> {
    const read = channel.read(message.raw);
    const decision = read.ok ? await this.decideEvent(message, read.event) : invalidDecision(read.error);
    const reply = channel.replyOf({ ...message, ...decision });
    const saved = await this.store.decideInbound(message.id, { ...decision, reply }, this.clock.now().toISOString());
    await channel.afterDecision?.(saved);
    return saved;
  }

  private async decideEvent(message: InboundMessage, event: HisEvent): Promise<Omit<InboundDecision, 'reply'>> {
    const who = { actor: event.actor ?? message.channel, roles: ['pharmacist'], location: event.location };
    const sessionId = sessionIdFor(message.id, event.kind);
    const outcome = await applyHisEvent(this.window, this.store, event, sessionId, who);
    const common = { kind: event.kind, reference: referenceOf(event) };
    return outcome.accepted
      ? { ...common, state: 'accepted', code: null, message: null, sessionId: outcome.session.id }
      : {
          ...common,
          state: 'refused',
          code: outcome.refusal.code,
          message: outcome.refusal.message,
          sessionId: outcome.session?.id ?? null,
        };
  }

  private channel(name: string): InboundChannel {
    const channel = this.channels.get(name);
    if (!channel) {
      throw notFound('CHANNEL_NOT_FOUND', `未配置通道 ${name}`, { channel: name });
    }
    return channel;
  }
}

function invalidDecision(error: TracegateError): Omit<InboundDecision, 'reply'> {
  return { state: 'invalid', code: error.code, message: error.message, sessionId: null, kind: null, reference: null };
}
