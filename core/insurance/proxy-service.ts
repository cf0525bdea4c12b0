/**
 * The insurance proxy: the HIS's insurance URL points here. Every request goes to the platform untouched, except:
 * 3505 sales and 3506 returns, first decided exactly as the pharmacy window decides them (proxy-checked.ts), and
 * 3501–3504/3507, relayed and then followed by the ledger once the platform accepts (proxy-followed.ts). A refusal
 * is answered in the platform's own envelope so the HIS screen shows it; a repeated msgid gets the stored answer.
 */
import { CheckedRequests } from './proxy-checked.js';
import { ProxyDesk, type ProxyAnswer, type ProxyDeps, type ProxyIncoming, type ProxyOptions } from './proxy-desk.js';
import { FollowedRequests } from './proxy-followed.js';
import { parseInboundRequest, type InboundRequest } from './inbound-request.js';
import { transactionOf } from './transactions.js';

export type { ProxyAnswer, ProxyDeps, ProxyIncoming, ProxyMode, ProxyOptions } from './proxy-desk.js';

/** Decided as the window decides: sales and returns. */
const CHECKED = new Set(['3505', '3506']);
/** Relayed first, then followed once the platform accepts. */
const FOLLOWED = new Set(['3501', '3502', '3503', '3504', '3507']);

export class ProxyService {
  private readonly desk: ProxyDesk;
  private readonly checked: CheckedRequests;
  private readonly followed: FollowedRequests;

  constructor(deps: ProxyDeps, options: ProxyOptions, onQueued: () => void = () => {}) {
    this.desk = new ProxyDesk(deps, options);
    this.checked = new CheckedRequests(this.desk, onQueued);
    this.followed = new FollowedRequests(this.desk);
  }

  async handle(req: ProxyIncoming): Promise<ProxyAnswer> {
    let inbound: InboundRequest;
    try {
      inbound = parseInboundRequest(req.body);
    } catch (e) {
      return this.desk.refusal(e);
    }
    const infno = transactionOf(inbound.infno)?.spec.infno;
    if (!infno || (!CHECKED.has(infno) && !FOLLOWED.has(infno))) {
      return this.desk.relay(req);
    }
    const prior = await this.desk.deps.proxy.getProxyRequest(inbound.msgid);
    if (prior) {
      return this.desk.replay(prior);
    }
    return CHECKED.has(infno) ? this.checked.handle(req, inbound, infno) : this.followed.handle(req, inbound, infno);
  }

  /**
   * Settle requests the platform never answered (or whose process stopped during the call), older than
   * `settleAfterMs`, by asking the platform's record queries; returns how many were settled.
   */
  async settleInflight(): Promise<number> {
    const { deps, options } = this.desk;
    const before = new Date(deps.clock.now().getTime() - options.settleAfterMs).toISOString();
    let settled = 0;
    for (const request of await deps.proxy.listProxyRequests({ state: 'inflight', receivedBefore: before })) {
      const infno = transactionOf(request.infno)?.spec.infno ?? '';
      const done = CHECKED.has(infno) ? await this.checked.settle(request) : await this.followed.settle(request);
      settled += done ? 1 : 0;
    }
    return settled;
  }
}
