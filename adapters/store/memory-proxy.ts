/** The insurance-proxy part of MemoryStore: the twin of knex-proxy.ts, by the rules of proxy-rules.ts. */
import type { ProxyRequest, ProxyRequestState, ProxyStore } from '../../core/ports/proxy-store.js';
import { heldByOthers, holdExpired, proxyRequestNotFound, sortProxyRequests, type PackHold } from './proxy-rules.js';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryProxy implements ProxyStore {
  private requests = new Map<string, ProxyRequest>();
  private holds = new Map<string, PackHold>();

  async saveProxyRequest(request: ProxyRequest): Promise<ProxyRequest> {
    const stored = this.requests.get(request.msgid);
    if (stored) {
      return copy(stored);
    }
    this.requests.set(request.msgid, copy(request));
    return copy(request);
  }

  async getProxyRequest(msgid: string): Promise<ProxyRequest | undefined> {
    const stored = this.requests.get(msgid);
    return stored && copy(stored);
  }

  async updateProxyRequest(
    msgid: string,
    update: Pick<ProxyRequest, 'state' | 'response' | 'sessionId'>,
    at: string
  ): Promise<void> {
    const stored = this.requests.get(msgid);
    if (!stored) {
      throw proxyRequestNotFound(msgid);
    }
    Object.assign(stored, {
      state: update.state,
      response: update.response,
      sessionId: update.sessionId,
      updatedAt: at,
    });
  }

  async listProxyRequests(query: { state: ProxyRequestState; receivedBefore?: string }): Promise<ProxyRequest[]> {
    const { state, receivedBefore } = query;
    const found = [...this.requests.values()].filter(
      (r) => r.state === state && (receivedBefore === undefined || r.receivedAt < receivedBefore)
    );
    return sortProxyRequests(found.map(copy));
  }

  async deleteAnsweredProxyRequests(before: string): Promise<number> {
    let removed = 0;
    for (const [msgid, r] of this.requests) {
      if (r.state === 'answered' && r.receivedAt < before) {
        this.requests.delete(msgid);
        removed++;
      }
    }
    return removed;
  }

  /** Checked first, then written: another holder's live hold on any code → those codes, nothing held. */
  async acquireHolds(codes: string[], holder: string, at: string, expiresAt: string): Promise<string[]> {
    const wanted = [...new Set(codes)];
    const live = wanted.flatMap((c) => this.holds.get(c) ?? []);
    const others = heldByOthers(wanted, live, holder, at);
    if (others.length > 0) {
      return others;
    }
    for (const traceCode of wanted) {
      const current = this.holds.get(traceCode);
      if (current && current.holder === holder && !holdExpired(current, at)) {
        current.expiresAt = expiresAt;
      } else {
        this.holds.set(traceCode, { traceCode, holder, heldAt: at, expiresAt });
      }
    }
    return [];
  }

  async releaseHolds(holder: string): Promise<void> {
    for (const [code, hold] of this.holds) {
      if (hold.holder === holder) {
        this.holds.delete(code);
      }
    }
  }

  clear(): void {
    this.requests.clear();
    this.holds.clear();
  }
}
