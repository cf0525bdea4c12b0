/** The HIS channels' part of MemoryStore: the twin of knex-inbound.ts, by the rules of inbound-rules.ts. */
import type { InboundMessage, InboundQuery } from '../../core/channels/inbound-message.js';
import type { InboundDecision, InboundStore } from '../../core/ports/inbound-store.js';
import { inboundNotFound, matchesInbound } from './inbound-rules.js';

const copy = (m: InboundMessage): InboundMessage => ({ ...m, raw: Uint8Array.from(m.raw) });

export class MemoryInbound implements InboundStore {
  private messages = new Map<string, InboundMessage>();
  private byKey = new Map<string, string>();
  private marks = new Map<string, string>();

  async insertInbound(message: InboundMessage): Promise<{ message: InboundMessage; inserted: boolean }> {
    const key = `${message.channel}\u0000${message.sourceKey}`;
    const storedId = this.byKey.get(key);
    const stored = storedId === undefined ? undefined : this.messages.get(storedId);
    if (stored) {
      return { message: copy(stored), inserted: false };
    }
    this.messages.set(message.id, copy(message));
    this.byKey.set(key, message.id);
    return { message: copy(message), inserted: true };
  }

  async getInbound(id: string): Promise<InboundMessage | undefined> {
    const stored = this.messages.get(id);
    return stored && copy(stored);
  }

  async findInbound(channel: string, sourceKey: string): Promise<InboundMessage | undefined> {
    const id = this.byKey.get(`${channel}\u0000${sourceKey}`);
    return id === undefined ? undefined : this.getInbound(id);
  }

  async decideInbound(id: string, decision: InboundDecision, at: string): Promise<InboundMessage> {
    const stored = this.messages.get(id);
    if (!stored) {
      throw inboundNotFound(id);
    }
    Object.assign(stored, decision, { updatedAt: at });
    return copy(stored);
  }

  async listInbound(query: InboundQuery): Promise<InboundMessage[]> {
    return [...this.messages.values()]
      .filter((m) => matchesInbound(m, query))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, query.limit)
      .map(copy);
  }

  async getChannelMark(channel: string): Promise<string | null> {
    return this.marks.get(channel) ?? null;
  }

  async setChannelMark(channel: string, mark: string): Promise<void> {
    this.marks.set(channel, mark);
  }

  clear(): void {
    this.messages.clear();
    this.byKey.clear();
    this.marks.clear();
  }
}
