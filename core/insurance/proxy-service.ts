/**
 * The insurance proxy: the HIS's insurance URL points here. Every request goes to the platform untouched, except
 * 3505 sales and 3506 returns, which are first decided exactly as the pharmacy window decides them (a window
 * session is opened from the rows and their codes are scanned into it). A refusal is answered in the platform's
 * own envelope so the HIS screen shows it.
 *
 * sync: the packs are held while the platform is asked; the ledger changes only if it accepts (the session is
 * completed with the HIS's rows marked delivered), the session is cancelled if it refuses. A platform that does not
 * answer leaves the request in flight until `settleInflight` asks the platform whether it has the rows.
 * store-and-forward: the session completes at once with the HIS's rows queued in the outbox, and the answer is a
 * success whose warn_msg says so.
 */
import type { CatalogService } from '../catalog/catalog-service.js';
import { isTracegateError, refused, TracegateError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { InsuranceUpstream, TransportFailure, UpstreamReply } from '../ports/insurance-upstream.js';
import { StoreConflict } from '../ports/ledger-store.js';
import type { ProxyRequest, ProxyStore } from '../ports/proxy-store.js';
import type { SessionStore } from '../ports/session-store.js';
import type { UploadStore } from '../ports/upload-store.js';
import { shanghaiDate } from '../shanghai-time.js';
import type { AuditEntry, BusinessRow } from '../window/business-row.js';
import type { LedgerService, LedgerStep } from '../ledger/ledger-service.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { deletionSteps, stockChangeSteps } from './stock-change-steps.js';
import type { Session, SessionKind } from '../window/session.js';
import type { WindowActor, WindowService } from '../window/window-service.js';
import { classifyReply } from './classify-reply.js';
import type { RowCompletion } from './complete-row.js';
import { acceptedEnvelope, buildRequest, refusalEnvelope, type Institution, type Operator } from './envelope.js';
import { parseInboundRequest, type InboundRequest } from './inbound-request.js';
import { countMismatch, duplicateCodeInMessage } from './message-checks.js';
import type { MsgIdSource } from './msgid-source.js';
import { orderKeysOf } from './order-keys.js';
import { dispenseOrderOfRows, returnOrdersOfRows } from './proxy-orders.js';
import { resolveReturnTargets } from './return-targets.js';
import { completeAndCheckRow } from './complete-row.js';
import { settlementInput, settlementVerdict } from './settlement-query.js';
import { rowsOfInput, traceCodesOfRow, transactionOf } from './transactions.js';

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
  | { kind: 'envelope'; body: Record<string, unknown>; code: string | null }
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

/** A decided 3505/3506 message: its open sessions and, per session, the HIS rows it will complete with. */
interface Decided {
  kind: SessionKind;
  parts: { session: Session; rows: Record<string, unknown>[] }[];
  who: WindowActor;
}

/** Decided as the window decides: sales and returns. */
const CHECKED = new Set(['3505', '3506']);
/**
 * Relayed first, then followed once the platform accepts: stock changes and deletions move the ledger; inventory
 * counts and purchases (no codes to check) are kept as delivered uploads, the record reconciliation reads.
 */
const FOLLOWED = new Set(['3501', '3502', '3503', '3504', '3507']);

export class ProxyService {
  constructor(
    private readonly deps: ProxyDeps,
    private readonly options: ProxyOptions,
    /** Called after rows were queued (store-and-forward), so the sender need not wait for its next round. */
    private readonly onQueued: () => void = () => {}
  ) {}

  async handle(req: ProxyIncoming): Promise<ProxyAnswer> {
    let inbound: InboundRequest;
    try {
      inbound = parseInboundRequest(req.body);
    } catch (e) {
      return this.refusal(e);
    }
    const tx = transactionOf(inbound.infno);
    if (!tx || (!CHECKED.has(tx.spec.infno) && !FOLLOWED.has(tx.spec.infno))) {
      return this.relay(req);
    }
    const prior = await this.deps.proxy.getProxyRequest(inbound.msgid);
    if (prior) {
      return this.replay(prior);
    }
    if (FOLLOWED.has(tx.spec.infno)) {
      return this.followed(req, inbound, tx.spec.infno);
    }
    let decided: Decided;
    try {
      const rows = rowsOfInput(inbound.infno, inbound.input);
      decided =
        tx.spec.infno === '3505' ? await this.decideSale(inbound, rows) : await this.decideReturn(inbound, rows);
    } catch (e) {
      return this.refuseAndRecord(req, inbound, e);
    }
    return this.options.mode === 'sync' ? this.forward(req, inbound, decided) : this.queue(req, inbound, decided);
  }

  /**
   * Settle sync requests whose platform call never answered (or whose process stopped during it): ask the platform
   * for their rows; all there → the sale stands; none there → it never happened; otherwise ask again later.
   */
  async settleInflight(): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - this.options.settleAfterMs).toISOString();
    const inflight = await this.deps.proxy.listProxyRequests({ state: 'inflight', receivedBefore: before });
    let settled = 0;
    for (const request of inflight) {
      settled += (await this.settle(request)) ? 1 : 0;
    }
    return settled;
  }

  /**
   * 3502 and 3507: the steps are checked against the ledger first (an illegal one is refused), the request goes to
   * the platform, and the ledger follows only its acceptance. In both modes: the platform's answer decides.
   */
  private async followed(req: ProxyIncoming, inbound: InboundRequest, infno: string): Promise<ProxyAnswer> {
    const actor = { actor: this.actorOf(inbound).actor, location: '医保接口代理', ref: inbound.msgid };
    let rows: Record<string, unknown>[];
    let steps: LedgerStep[];
    try {
      rows = rowsOfInput(inbound.infno, inbound.input);
      steps = await this.stepsOf(infno, rows);
      await this.deps.ledger.prepare(steps, actor);
    } catch (e) {
      return this.refuseAndRecord(req, inbound, e);
    }
    const now = this.deps.clock.now();
    const codes = [...new Set(steps.map((s) => s.traceCode))];
    const held = await this.deps.proxy.acquireHolds(
      codes,
      inbound.msgid,
      now.toISOString(),
      new Date(now.getTime() + this.options.holdMs).toISOString()
    );
    if (held.length > 0) {
      return this.refusal(
        refused('CODE_HELD', `追溯码 ${held[0]} 正在另一笔医保上传中，请稍后再试`, { traceCode: held[0] })
      );
    }
    await this.deps.proxy.saveProxyRequest(this.record(req, inbound, null, 'sync', 'inflight', null));
    const reply = await this.deps.upstream.relay(req);
    const verdict = reply.kind === 'reply' ? classifyReply(reply.status, parseJson(reply.raw)) : null;
    if (verdict?.kind === 'delivered') {
      await this.applyFollowed(infno, rows, steps, actor, inbound.msgid);
    } else if (reply.kind === 'failure' && reply.errorClass === 'ambiguous') {
      // The platform may or may not have applied it: the ledger stays as it was, and the pharmacy head sees why.
      await this.deps.ledgerStore.appendAudit([this.uncertainAudit(inbound, reply.message)]);
    }
    if (reply.kind === 'reply') {
      await this.answered(inbound.msgid, reply.raw.toString('utf8'));
      return { kind: 'upstream', reply };
    }
    const answer = this.envelopeOf(new TracegateError(reply.code, reply.message, 'unavailable'));
    await this.answered(inbound.msgid, JSON.stringify(answer.body));
    return answer;
  }

  /** The platform accepted: the ledger follows (prepared again, against the packs as they are now). */
  private async applyFollowed(
    infno: string,
    rows: Record<string, unknown>[],
    steps: LedgerStep[],
    actor: { actor: string; location: string; ref: string },
    msgid: string
  ): Promise<void> {
    try {
      await this.deps.ledgerStore.commit(await this.deps.ledger.prepare(steps, actor));
    } catch (e) {
      if (!isTracegateError(e) && !(e instanceof StoreConflict)) {
        throw e;
      }
      await this.deps.ledgerStore.appendAudit([
        {
          at: this.deps.clock.now().toISOString(),
          actor: actor.actor,
          role: 'integration',
          action: 'proxy_ledger_conflict',
          sessionId: null,
          raw: null,
          traceCode: steps[0]?.traceCode ?? null,
          code: isTracegateError(e) ? e.code : 'STORE_CONFLICT',
          reason: `医保平台已接受 ${infno}（报文 ${msgid}），但台账未能同步：${e.message}`,
        },
      ]);
    }
    await this.recordDelivered(infno, rows, msgid);
  }

  /** Keep the HIS's accepted rows in the outbox as delivered (the record of what the platform has). */
  private async recordDelivered(infno: string, rows: Record<string, unknown>[], msgid: string): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    const spec = transactionOf(infno)?.spec;
    const businessRows: BusinessRow[] = rows.map((payload) => ({
      infno: spec?.infno ?? '3502',
      businessKey: followedKey(infno, payload, msgid),
      sessionId: msgid,
      payload,
      createdAt: at,
      source: 'proxy',
      orderKeys: orderKeysOf(payload),
      state: 'delivered',
      delivery: { msgid, infRefmsgid: null, at },
    }));
    try {
      await this.deps.uploads.enqueueUploads(businessRows);
    } catch (e) {
      // A key the platform accepted twice (the HIS resent it under a new msgid) is already on record.
      if (!isTracegateError(e) || e.code !== 'BUSINESS_ROW_EXISTS') {
        throw e;
      }
    }
  }

  private stepsOf(infno: string, rows: Record<string, unknown>[]): Promise<LedgerStep[]> {
    switch (infno) {
      case '3502':
        return this.stockSteps(rows);
      case '3507':
        return this.deletionStepsOf(rows);
      default:
        return Promise.resolve([]);
    }
  }

  private async stockSteps(rows: Record<string, unknown>[]): Promise<LedgerStep[]> {
    const codes = rows.flatMap(traceCodesOfRow);
    const packs = await this.deps.ledgerStore.getPacks(codes);
    for (const row of rows) {
      for (const code of traceCodesOfRow(row).filter((c) => !packs.has(c))) {
        // A pack new to the ledger must belong to the row's drug (the same check a receipt makes).
        const owner = await this.deps.catalog.resolve(this.deps.ledger.recognize(code));
        if (owner.owner.drug.hisDrugCode !== String(row.fixmedins_hilist_id ?? '')) {
          throw refused(
            'CODE_DRUG_MISMATCH',
            `追溯码 ${code} 属于 ${owner.owner.drug.name}（${owner.owner.drug.hisDrugCode}），不是本行药品 ${String(row.fixmedins_hilist_id ?? '')}`,
            { traceCode: code }
          );
        }
      }
    }
    return stockChangeSteps(rows, packs);
  }

  /** 3507 of a sale or return tracegate knows (data type 4): its packs go back; other deletions only pass. */
  private async deletionStepsOf(rows: Record<string, unknown>[]): Promise<LedgerStep[]> {
    const steps: LedgerStep[] = [];
    for (const row of rows) {
      const key = String(row.fixmedins_bchno ?? '');
      const target = String(row.inv_data_type ?? '') === '4' ? await this.deps.uploads.getUploadByKey(key) : undefined;
      if (target && (target.infno === '3505' || target.infno === '3506') && target.state === 'delivered') {
        steps.push(...deletionSteps(target.infno, traceCodesOfRow(target.payload), key));
      }
    }
    return steps;
  }

  private uncertainAudit(inbound: InboundRequest, detail: string): AuditEntry {
    return {
      at: this.deps.clock.now().toISOString(),
      actor: this.actorOf(inbound).actor,
      role: 'integration',
      action: 'proxy_uncertain',
      sessionId: null,
      raw: null,
      traceCode: null,
      code: 'UPSTREAM_UNCERTAIN',
      reason: `${inbound.infno}（报文 ${inbound.msgid}）医保平台结果未知（${detail}），台账未变更，请核对平台记录`,
    };
  }

  private async decideSale(inbound: InboundRequest, rows: Record<string, unknown>[]): Promise<Decided> {
    await this.checkMessage(rows);
    const who = this.actorOf(inbound);
    const session = await this.deps.window.openDispense(dispenseOrderOfRows(rows), who);
    const decided: Decided = { kind: 'dispense', parts: [{ session, rows }], who };
    await this.scanAll(decided);
    return decided;
  }

  private async decideReturn(inbound: InboundRequest, rows: Record<string, unknown>[]): Promise<Decided> {
    await this.checkMessage(rows);
    const who = this.actorOf(inbound);
    const targets = await resolveReturnTargets(rows, this.deps.uploads, this.deps.sessions);
    const reason = typeof rows[0]?.memo === 'string' ? rows[0].memo : null;
    const parts: Decided['parts'] = [];
    for (const order of returnOrdersOfRows(targets, reason)) {
      const session = await this.deps.window.openReturn(order, who);
      const rowsOfSale = targets.filter((t) => t.dispenseId === order.dispenseId).map((t) => t.row);
      parts.push({ session, rows: rowsOfSale });
    }
    const decided: Decided = { kind: 'return', parts, who };
    await this.scanAll(decided);
    return decided;
  }

  /** Message-level rules first: a code twice in the message, codes not matching a row's count. */
  private async checkMessage(rows: Record<string, unknown>[]): Promise<void> {
    const twice = duplicateCodeInMessage(rows);
    if (twice) {
      throw twice;
    }
    const index = await this.deps.catalog.index();
    for (const row of rows) {
      const drug = index.drug(String(row.fixmedins_hilist_id ?? ''));
      const mismatch = countMismatch(row, drug?.exempt ?? false);
      if (mismatch) {
        throw mismatch;
      }
    }
  }

  /** Scan each part's codes into its session; the first refusal or an incomplete line refuses the message. */
  private async scanAll(decided: Decided): Promise<void> {
    try {
      for (const { session, rows } of decided.parts) {
        const codes = rows.flatMap(traceCodesOfRow);
        const outcomes = await this.deps.window.scanMany(session.id, codes, decided.who, decided.kind);
        const refusedScan = outcomes.find((o) => o.result === 'rejected');
        if (refusedScan?.problem) {
          throw refused(refusedScan.problem.code, refusedScan.problem.message, { traceCode: refusedScan.traceCode });
        }
        const summary = outcomes.at(-1)?.summary ?? (await this.deps.window.get(session.id)).summary;
        if (!summary.complete) {
          const first = summary.problems[0];
          throw refused(first?.code ?? 'SESSION_INCOMPLETE', summary.problems.map((p) => p.message).join('；'));
        }
      }
    } catch (e) {
      await this.cancel(decided, '医保上传被拒绝');
      throw e;
    }
  }

  private async forward(req: ProxyIncoming, inbound: InboundRequest, decided: Decided): Promise<ProxyAnswer> {
    const now = this.deps.clock.now();
    const codes = decided.parts.flatMap((p) => p.rows.flatMap(traceCodesOfRow));
    const held = await this.deps.proxy.acquireHolds(
      codes,
      inbound.msgid,
      now.toISOString(),
      new Date(now.getTime() + this.options.holdMs).toISOString()
    );
    if (held.length > 0) {
      await this.cancel(decided, '追溯码正在另一笔上传中');
      return this.refusal(
        refused('CODE_HELD', `追溯码 ${held[0]} 正在另一笔医保上传中（等待平台答复），请稍后再试`, {
          traceCode: held[0],
        })
      );
    }
    await this.deps.proxy.saveProxyRequest(this.record(req, inbound, decided, 'sync', 'inflight', null));
    const reply = await this.deps.upstream.relay(req);
    if (reply.kind === 'failure') {
      return this.afterFailure(inbound, decided, reply);
    }
    const verdict = classifyReply(reply.status, parseJson(reply.raw));
    if (verdict.kind === 'delivered') {
      await this.completeDelivered(inbound.msgid, decided, verdict.parsed.infRefmsgid, reply.raw.toString('utf8'));
      return { kind: 'upstream', reply };
    }
    if (verdict.errorClass === 'ambiguous') {
      // The platform says it has (some of) these rows already, or answered in no envelope: settle it by query.
      return this.uncertain(`平台答复：${verdict.message}`);
    }
    await this.cancel(decided, `医保平台拒绝：${verdict.message}`);
    await this.answered(inbound.msgid, reply.raw.toString('utf8'));
    return { kind: 'upstream', reply };
  }

  private async afterFailure(
    inbound: InboundRequest,
    decided: Decided,
    failure: TransportFailure
  ): Promise<ProxyAnswer> {
    if (failure.errorClass === 'ambiguous') {
      return this.uncertain(failure.message);
    }
    await this.cancel(decided, failure.message);
    const answer = this.envelopeOf(
      new TracegateError(failure.code, `${failure.message}；本次未上传，可稍后重试`, 'unavailable')
    );
    await this.answered(inbound.msgid, JSON.stringify(answer.kind === 'envelope' ? answer.body : null));
    return answer;
  }

  /** The request stays in flight (packs held) until settled; the HIS is told not to resend under new keys. */
  private uncertain(detail: string): ProxyAnswer {
    return this.envelopeOf(
      new TracegateError(
        'UPSTREAM_UNCERTAIN',
        `医保平台未给出明确结果（${detail}），上传结果待核实；溯码网关将自动向平台核实，核实前这些追溯码不能再次上传`,
        'unavailable'
      )
    );
  }

  private async queue(req: ProxyIncoming, inbound: InboundRequest, decided: Decided): Promise<ProxyAnswer> {
    const infno = decided.kind === 'dispense' ? '3505' : '3506';
    try {
      for (const part of decided.parts) {
        for (const row of part.rows) {
          completeAndCheckRow(infno, row, this.options.completion);
        }
      }
    } catch (e) {
      await this.cancel(decided, '上传明细不符合平台要求');
      return this.refuseAndRecord(req, inbound, e);
    }
    for (const part of decided.parts) {
      await this.deps.window.complete(part.session.id, decided.who, undefined, decided.kind, {
        businessRows: () => this.hisRows(infno, part, 'pending', null),
      });
    }
    const at = this.deps.clock.now();
    const answer = acceptedEnvelope(
      this.deps.msgids.next(at),
      at.toISOString(),
      '溯码网关已核验并暂存，将按顺序上传医保平台（store-and-forward）'
    );
    await this.deps.proxy.saveProxyRequest(
      this.record(req, inbound, decided, 'queued', 'answered', JSON.stringify(answer))
    );
    this.onQueued();
    return { kind: 'envelope', body: answer, code: null };
  }

  /** The platform accepted: the sale (or return) stands in the ledger, with the HIS's rows marked delivered. */
  private async completeDelivered(
    msgid: string,
    decided: Decided,
    infRefmsgid: string | null,
    response: string
  ): Promise<boolean> {
    const infno = decided.kind === 'dispense' ? '3505' : '3506';
    const delivery = { msgid, infRefmsgid, at: this.deps.clock.now().toISOString() };
    try {
      for (const part of decided.parts) {
        await this.deps.window.complete(part.session.id, decided.who, undefined, decided.kind, {
          businessRows: () => this.hisRows(infno, part, 'delivered', delivery),
        });
      }
    } catch (e) {
      if (!isTracegateError(e) && !(e instanceof StoreConflict)) {
        throw e;
      }
      // The platform has the sale but the ledger refused it (a pack taken meanwhile by another channel): the request
      // stays in flight, listed for the pharmacy head, rather than being forgotten.
      return false;
    }
    await this.answered(msgid, response);
    return true;
  }

  private async settle(request: ProxyRequest): Promise<boolean> {
    const today = shanghaiDate(this.deps.clock.now().toISOString());
    const found: boolean[] = [];
    for (const bchno of request.businessKeys) {
      const now = this.deps.clock.now();
      const envelope = buildRequest({
        infno: '3511',
        msgid: this.deps.msgids.next(now),
        input: settlementInput({ bchno, medListCodg: null, since: request.receivedAt }, today),
        institution: this.options.institution,
        operator: this.options.operator,
        at: now.toISOString(),
      });
      const verdict = settlementVerdict((await this.deps.upstream.send(envelope)).outcome, bchno);
      if (verdict.kind === 'unknown') {
        return false;
      }
      found.push(verdict.kind === 'found');
    }
    const decided = await this.decidedOf(request);
    if (found.every(Boolean)) {
      const at = this.deps.clock.now();
      const answer = acceptedEnvelope(this.deps.msgids.next(at), at.toISOString(), '医保平台核实：已收到该笔上传');
      return this.completeDelivered(request.msgid, decided, null, JSON.stringify(answer));
    }
    if (found.some(Boolean)) {
      // Part of a batch recorded: not for tracegate to guess; stays in flight and shows in the list.
      return false;
    }
    await this.cancel(decided, '医保平台核实：未收到该笔上传');
    await this.answered(request.msgid, null);
    return true;
  }

  /** Rebuild a stored request's decision: its sessions and the HIS rows each completes with. */
  private async decidedOf(request: ProxyRequest): Promise<Decided> {
    const inbound = parseInboundRequest(Buffer.from(request.request, 'utf8'));
    const rows = rowsOfInput(inbound.infno, inbound.input);
    const sessions: Session[] = [];
    for (const id of (request.sessionId ?? '').split(',').filter(Boolean)) {
      sessions.push((await this.deps.window.get(id)).session);
    }
    const who = this.actorOf(inbound);
    if (!inbound.infno.startsWith('3506')) {
      return { kind: 'dispense', parts: sessions.map((session) => ({ session, rows })), who };
    }
    const targets = await resolveReturnTargets(rows, this.deps.uploads, this.deps.sessions);
    const parts = sessions.map((session) => {
      const sale = 'dispenseId' in session.order ? session.order.dispenseId : null;
      return { session, rows: targets.filter((t) => t.dispenseId === sale).map((t) => t.row) };
    });
    return { kind: 'return', parts, who };
  }

  private hisRows(
    infno: '3505' | '3506',
    part: Decided['parts'][number],
    state: BusinessRow['state'],
    delivery: BusinessRow['delivery']
  ): BusinessRow[] {
    const at = this.deps.clock.now().toISOString();
    return part.rows.map((payload) => ({
      infno,
      businessKey: String(payload.fixmedins_bchno ?? ''),
      sessionId: part.session.id,
      payload,
      createdAt: at,
      source: 'proxy',
      orderKeys: orderKeysOf(payload),
      state,
      delivery,
    }));
  }

  private async cancel(decided: Decided, reason: string): Promise<void> {
    for (const { session } of decided.parts) {
      try {
        await this.deps.window.cancel(session.id, decided.who, reason, decided.kind);
      } catch (e) {
        if (!isTracegateError(e)) {
          throw e;
        }
      }
    }
  }

  private async answered(msgid: string, response: string | null): Promise<void> {
    await this.deps.proxy.releaseHolds(msgid);
    await this.deps.proxy.updateProxyRequest(
      msgid,
      { state: 'answered', response, sessionId: null },
      this.deps.clock.now().toISOString()
    );
  }

  private async relay(req: ProxyIncoming): Promise<ProxyAnswer> {
    const reply = await this.deps.upstream.relay(req);
    if (reply.kind === 'reply') {
      return { kind: 'upstream', reply };
    }
    return this.envelopeOf(new TracegateError(reply.code, reply.message, 'unavailable'));
  }

  private async replay(prior: ProxyRequest): Promise<ProxyAnswer> {
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

  private async refuseAndRecord(req: ProxyIncoming, inbound: InboundRequest, e: unknown): Promise<ProxyAnswer> {
    const answer = this.refusal(e);
    if (answer.kind === 'envelope') {
      await this.deps.proxy.saveProxyRequest(
        this.record(req, inbound, null, 'refused', 'answered', JSON.stringify(answer.body))
      );
    }
    return answer;
  }

  private refusal(e: unknown): ProxyAnswer {
    if (!isTracegateError(e)) {
      throw e;
    }
    return this.envelopeOf(e);
  }

  private envelopeOf(e: TracegateError): Extract<ProxyAnswer, { kind: 'envelope' }> {
    const at = this.deps.clock.now();
    return {
      kind: 'envelope',
      body: refusalEnvelope(`【溯码网关】${e.message}（${e.code}）`, this.deps.msgids.next(at), at.toISOString()),
      code: e.code,
    };
  }

  private record(
    req: ProxyIncoming,
    inbound: InboundRequest,
    decided: Decided | null,
    mode: string,
    state: ProxyRequest['state'],
    response: string | null
  ): ProxyRequest {
    const at = this.deps.clock.now().toISOString();
    const keys = decided ? decided.parts.flatMap((p) => p.rows.map((r) => String(r.fixmedins_bchno ?? ''))) : [];
    return {
      msgid: inbound.msgid,
      infno: inbound.infno,
      receivedAt: at,
      sourceIp: req.sourceIp,
      sessionId: decided ? decided.parts.map((p) => p.session.id).join(',') : null,
      mode,
      state,
      request: req.body.toString('utf8'),
      response,
      businessKeys: keys,
      updatedAt: at,
    };
  }

  private actorOf(inbound: InboundRequest): WindowActor {
    return {
      actor: inbound.opterName || inbound.opter || 'HIS',
      roles: ['integration'],
      location: '医保接口代理',
    };
  }
}

/**
 * The upload key of a followed HIS row. The platform keeps fixmedins_bchno unique per data type only, so a
 * purchase and a stock change may share one: their keys carry the data type. Sales and returns (type 4, the
 * checked path) keep the bare bchno, which a later 3506 names in medins_prod_sel_no. A deletion is keyed by its
 * message.
 */
function followedKey(infno: string, payload: Record<string, unknown>, msgid: string): string {
  const bchno = String(payload.fixmedins_bchno ?? '');
  return infno === '3507' ? `${bchno}:del:${msgid}` : `${bchno}#${transactionOf(infno)?.spec.dataType ?? '0'}`;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
