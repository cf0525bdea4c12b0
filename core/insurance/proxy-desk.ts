/**
 * What every path of the insurance proxy shares: its ports and settings, the answers it gives (the platform's own
 * reply, or a refusal in the platform's envelope), the stored record of each checked request, and pack holds.
 */
import type { CatalogService } from '../catalog/catalog-service.js';
import { isTracegateError, TracegateError } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { Clock } from '../ports/clock.js';
import type { InsuranceUpstream, UpstreamReply } from '../ports/insurance-upstream.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { ProxyRequest, ProxyStore } from '../ports/proxy-store.js';
import type { SessionStore } from '../ports/session-store.js';
import type { UploadStore } from '../ports/upload-store.js';
import type { WindowActor, WindowService } from '../window/window-service.js';
import type { RowCompletion } from './complete-row.js';
import { buildRequest, type Institution, type Operator } from './envelope.js';
import { refusalEnvelope, type PlatformResponse } from './response-envelope.js';
import { settlementInput, settlementVerdict, type SettlementVerdict } from './settlement-query.js';
import { shanghaiDate } from '../shanghai-time.js';
import type { InboundRequest } from './inbound-request.js';
import type { MsgIdSource } from './msgid-source.js';

export type ProxyMode = 'sync' | 'store-and-forward';

export interface ProxyOptions {
  mode: ProxyMode;
  /** How long a sync request's packs stay held (longer than the platform timeout plus settling). */
  holdMs: number;
  /** An in-flight sync request older than this is settled by asking the platform. */
  settleAfterMs: number;
  /** Store-and-forward rows must pass the platform's limits before they are accepted. */
  completion: RowCompletion;
  /** For the settling queries tracegate itself sends. */
  institution: Institution;
  operator: Operator;
}

export interface ProxyIncoming {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp: string;
}

/** What to answer the HIS: the platform's reply as it came, or an envelope of tracegate's own. */
export type ProxyAnswer =
  | { kind: 'upstream'; reply: UpstreamReply }
  | { kind: 'envelope'; body: PlatformResponse; code: string | null }
  | { kind: 'stored'; text: string };

export interface ProxyDeps {
  window: WindowService;
  ledger: LedgerService;
  ledgerStore: LedgerStore & Pick<SessionStore, 'appendAudit'>;
  sessions: SessionStore;
  uploads: UploadStore;
  proxy: ProxyStore;
  catalog: CatalogService;
  upstream: InsuranceUpstream;
  msgids: MsgIdSource;
  clock: Clock;
}

export class ProxyDesk {
  constructor(
    readonly deps: ProxyDeps,
    readonly options: ProxyOptions
  ) {}

  /** Hold packs for a request while the platform is asked; returns the codes another request holds (nothing held then). */
  async hold(codes: string[], msgid: string): Promise<string[]> {
    const now = this.deps.clock.now();
    return this.deps.proxy.acquireHolds(
      codes,
      msgid,
      now.toISOString(),
      new Date(now.getTime() + this.options.holdMs).toISOString()
    );
  }

  /** Ask the platform's record query (3508–3511) whether it holds the row `bchno`, written at `since` or later. */
  async queryPlatform(queryInfno: string, bchno: string, since: string): Promise<SettlementVerdict> {
    const now = this.deps.clock.now();
    const envelope = buildRequest({
      infno: queryInfno,
      msgid: this.deps.msgids.next(now),
      input: settlementInput({ bchno, medListCodg: null, since }, shanghaiDate(now.toISOString())),
      institution: this.options.institution,
      operator: this.options.operator,
      at: now.toISOString(),
    });
    return settlementVerdict((await this.deps.upstream.send(envelope)).outcome, bchno);
  }

  /** The request stays in flight (packs held) until settled; the HIS is told not to resend under new keys. */
  uncertain(detail: string): Extract<ProxyAnswer, { kind: 'envelope' }> {
    return this.envelopeOf(
      new TracegateError(
        'UPSTREAM_UNCERTAIN',
        `医保平台未给出明确结果（${detail}），上传结果待核实；溯码网关将自动向平台核实，核实前这些追溯码不能再次上传`,
        'unavailable'
      )
    );
  }

  async answered(msgid: string, response: string | null): Promise<void> {
    await this.deps.proxy.releaseHolds(msgid);
    await this.deps.proxy.updateProxyRequest(
      msgid,
      { state: 'answered', response, sessionId: null },
      this.deps.clock.now().toISOString()
    );
  }

  async relay(req: ProxyIncoming): Promise<ProxyAnswer> {
    const reply = await this.deps.upstream.relay(req);
    if (reply.kind === 'reply') {
      return { kind: 'upstream', reply };
    }
    return this.envelopeOf(new TracegateError(reply.code, reply.message, 'unavailable'));
  }

  async replay(prior: ProxyRequest): Promise<ProxyAnswer> {
    if (prior.state === 'answered' && prior.response) {
      return { kind: 'stored', text: prior.response };
    }
    return this.refusal(
      new TracegateError(
        'REQUEST_IN_FLIGHT',
        `报文 ${prior.msgid} 已收到，正在等待医保平台的结果，请勿重复发送`,
        'conflict'
      )
    );
  }

  async refuseAndRecord(req: ProxyIncoming, inbound: InboundRequest, e: unknown): Promise<ProxyAnswer> {
    const answer = this.refusal(e);
    if (answer.kind === 'envelope') {
      await this.deps.proxy.saveProxyRequest(
        this.record(req, inbound, null, 'refused', 'answered', JSON.stringify(answer.body))
      );
    }
    return answer;
  }

  refusal(e: unknown): ProxyAnswer {
    if (!isTracegateError(e)) {
      throw e;
    }
    return this.envelopeOf(e);
  }

  envelopeOf(e: TracegateError): Extract<ProxyAnswer, { kind: 'envelope' }> {
    const at = this.deps.clock.now();
    return {
      kind: 'envelope',
      body: refusalEnvelope(`【溯码网关】${e.message}（${e.code}）`, this.deps.msgids.next(at), at.toISOString()),
      code: e.code,
    };
  }

  record(
    req: ProxyIncoming,
    inbound: InboundRequest,
    about: { sessionIds: string[]; businessKeys: string[] } | null,
    mode: string,
    state: ProxyRequest['state'],
    response: string | null
  ): ProxyRequest {
    const at = this.deps.clock.now().toISOString();
    return {
      msgid: inbound.msgid,
      infno: inbound.infno,
      receivedAt: at,
      sourceIp: req.sourceIp,
      sessionId: about && about.sessionIds.length > 0 ? about.sessionIds.join(',') : null,
      mode,
      state,
      request: req.body.toString('utf8'),
      response,
      businessKeys: about?.businessKeys ?? [],
      updatedAt: at,
    };
  }

  actorOf(inbound: InboundRequest): WindowActor {
    return {
      actor: inbound.opterName || inbound.opter || 'HIS',
      roles: ['integration'],
      location: '医保接口代理',
    };
  }
}

/** The platform's reply as JSON; undefined when it is not. */
export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
