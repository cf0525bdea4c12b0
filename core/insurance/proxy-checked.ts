/**
 * The proxy's checked path: 3505 sales and 3506 returns, decided exactly as the pharmacy window decides them (a
 * window session is opened from the rows and their codes are scanned into it).
 *
 * sync: the packs are held while the platform is asked; the ledger changes only if it accepts (the session is
 * completed with the HIS's rows marked delivered), the session is cancelled if it refuses. A platform that does not
 * answer leaves the request in flight until `settleInflight` asks the platform whether it has the rows.
 * store-and-forward: the rows must also pass the platform's field limits; the session completes at once with the
 * HIS's rows queued in the outbox, and the answer is a success whose warn_msg says so.
 */
import { isTracegateError, refused, TracegateError } from '../errors.js';
import { StoreConflict } from '../ports/ledger-store.js';
import type { TransportFailure } from '../ports/insurance-upstream.js';
import type { ProxyRequest } from '../ports/proxy-store.js';
import type { BusinessRow } from '../window/business-row.js';
import type { DispenseOrder, ReturnOrder, Session, SessionKind } from '../window/session.js';
import type { WindowActor } from '../window/window-service.js';
import { classifyReply } from './classify-reply.js';
import { completeAndCheckRow } from './complete-row.js';
import { acceptedEnvelope } from './response-envelope.js';
import { parseInboundRequest, type InboundRequest } from './inbound-request.js';
import { countMismatch, duplicateCodeInMessage } from './message-checks.js';
import { orderKeysOf } from './order-keys.js';
import {
  parseJson,
  type ProxyAnswer,
  type ProxyDeps,
  type ProxyDesk,
  type ProxyIncoming,
  type ProxyOptions,
} from './proxy-desk.js';
import { dispenseOrderOfRows, returnOrdersOfRows } from './proxy-orders.js';
import { resolveReturnTargets } from './return-targets.js';
import { rowsOfInput, traceCodesOfRow } from './transactions.js';

/** A decided 3505/3506 message: its open sessions and, per session, the HIS rows it will complete with. */
interface Decided {
  kind: SessionKind;
  parts: { session: Session; rows: Record<string, unknown>[] }[];
  who: WindowActor;
}

export class CheckedRequests {
  private readonly deps: ProxyDeps;
  private readonly options: ProxyOptions;

  constructor(
    private readonly desk: ProxyDesk,
    /** Called after rows were queued (store-and-forward), so the sender need not wait for its next round. */
    private readonly onQueued: () => void
  ) {
    this.deps = desk.deps;
    this.options = desk.options;
  }

  /** Decide a 3505/3506 message as the window would, then ask the platform (sync) or queue it (store-and-forward). */
  async handle(req: ProxyIncoming, inbound: InboundRequest, infno: string): Promise<ProxyAnswer> {
    let decided: Decided;
    let rows: Record<string, unknown>[] = [];
    try {
      rows = rowsOfInput(inbound.infno, inbound.input);
      decided = infno === '3505' ? await this.decideSale(inbound, rows) : await this.decideReturn(inbound, rows);
    } catch (e) {
      // Checked only on refusal, so the accepted path costs nothing: the HIS resending rows tracegate already took
      // (its answer was lost) gets success, not "already dispensed".
      if (rows.length > 0 && (await this.alreadyTaken(infno, rows))) {
        return this.answerTaken(req, inbound);
      }
      return this.desk.refuseAndRecord(req, inbound, e);
    }
    return this.options.mode === 'sync' ? this.forward(req, inbound, decided) : this.queue(req, inbound, decided);
  }

  /** Every row already on record under its fixmedins_bchno, with the same codes, and not refused by the platform. */
  private async alreadyTaken(infno: string, rows: Record<string, unknown>[]): Promise<boolean> {
    for (const row of rows) {
      const upload = await this.deps.uploads.getUploadByKey(String(row.fixmedins_bchno ?? ''));
      const same =
        upload !== undefined &&
        upload.infno === infno &&
        upload.state !== 'dead' &&
        traceCodesOfRow(upload.payload).join(',') === traceCodesOfRow(row).join(',');
      if (!same) {
        return false;
      }
    }
    return true;
  }

  private async answerTaken(req: ProxyIncoming, inbound: InboundRequest): Promise<ProxyAnswer> {
    const at = this.deps.clock.now();
    const answer = acceptedEnvelope(
      this.deps.msgids.next(at),
      at.toISOString(),
      '溯码网关已受理过这些明细（重复提交），未重复上传'
    );
    await this.deps.proxy.saveProxyRequest(
      this.desk.record(req, inbound, null, 'replayed', 'answered', JSON.stringify(answer))
    );
    return { kind: 'envelope', body: answer, code: null };
  }

  private async decideSale(inbound: InboundRequest, rows: Record<string, unknown>[]): Promise<Decided> {
    await this.checkMessage(rows);
    const who = this.desk.actorOf(inbound);
    const decided: Decided = { kind: 'dispense', parts: [], who };
    await this.openPart(decided, dispenseOrderOfRows(rows), rows);
    return decided;
  }

  private async decideReturn(inbound: InboundRequest, rows: Record<string, unknown>[]): Promise<Decided> {
    await this.checkMessage(rows);
    const who = this.desk.actorOf(inbound);
    const targets = await resolveReturnTargets(rows, this.deps.uploads, this.deps.sessions);
    const reason = typeof rows[0]?.memo === 'string' ? rows[0].memo : null;
    const decided: Decided = { kind: 'return', parts: [], who };
    for (const order of returnOrdersOfRows(targets, reason)) {
      const rowsOfSale = targets.filter((t) => t.dispenseId === order.dispenseId).map((t) => t.row);
      await this.openPart(decided, order, rowsOfSale);
    }
    return decided;
  }

  /**
   * One window session for `rows`, its codes scanned in (one write); the first refused scan or incomplete line
   * refuses the whole message, and the parts opened before it are cancelled.
   */
  private async openPart(
    decided: Decided,
    order: DispenseOrder | ReturnOrder,
    rows: Record<string, unknown>[]
  ): Promise<void> {
    const kind = decided.kind === 'dispense' ? 'dispense' : 'return';
    const { session, refusal } = await this.deps.window.decideMessage(
      kind,
      order,
      rows.flatMap(traceCodesOfRow),
      decided.who,
      { cancelReason: '医保上传被拒绝' }
    );
    if (refusal) {
      await this.cancel(decided, '医保上传被拒绝');
      throw refusal;
    }
    decided.parts.push({ session, rows });
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

  private async forward(req: ProxyIncoming, inbound: InboundRequest, decided: Decided): Promise<ProxyAnswer> {
    const held = await this.desk.hold(
      decided.parts.flatMap((p) => p.rows.flatMap(traceCodesOfRow)),
      inbound.msgid
    );
    if (held.length > 0) {
      await this.cancel(decided, '追溯码正在另一笔上传中');
      return this.desk.refusal(
        refused('CODE_HELD', `追溯码 ${held[0]} 正在另一笔医保上传中（等待平台答复），请稍后再试`, {
          traceCode: held[0],
        })
      );
    }
    await this.deps.proxy.saveProxyRequest(this.desk.record(req, inbound, aboutOf(decided), 'sync', 'inflight', null));
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
      return this.desk.uncertain(`平台答复：${verdict.message}`);
    }
    await this.cancel(decided, `医保平台拒绝：${verdict.message}`);
    await this.desk.answered(inbound.msgid, reply.raw.toString('utf8'));
    return { kind: 'upstream', reply };
  }

  private async afterFailure(
    inbound: InboundRequest,
    decided: Decided,
    failure: TransportFailure
  ): Promise<ProxyAnswer> {
    if (failure.errorClass === 'ambiguous') {
      return this.desk.uncertain(failure.message);
    }
    await this.cancel(decided, failure.message);
    const answer = this.desk.envelopeOf(
      new TracegateError(failure.code, `${failure.message}；本次未上传，可稍后重试`, 'unavailable')
    );
    await this.desk.answered(inbound.msgid, JSON.stringify(answer.kind === 'envelope' ? answer.body : null));
    return answer;
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
      return this.desk.refuseAndRecord(req, inbound, e);
    }
    for (const part of decided.parts) {
      await this.deps.window.complete(part.session.id, decided.who, undefined, decided.kind, {
        businessRows: () => this.hisRows(infno, part, 'pending', null),
        session: part.session,
      });
    }
    const at = this.deps.clock.now();
    const answer = acceptedEnvelope(
      this.deps.msgids.next(at),
      at.toISOString(),
      '溯码网关已核验并暂存，将按顺序上传医保平台（store-and-forward）'
    );
    await this.deps.proxy.saveProxyRequest(
      this.desk.record(req, inbound, aboutOf(decided), 'queued', 'answered', JSON.stringify(answer))
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
          session: part.session,
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
    await this.desk.answered(msgid, response);
    return true;
  }

  /**
   * A sync request the platform never answered (or whose process stopped during the call): ask the platform (3511)
   * for its rows; all there → the sale stands; none there → it never happened; otherwise ask again later.
   */
  async settle(request: ProxyRequest): Promise<boolean> {
    const found: boolean[] = [];
    for (const bchno of request.businessKeys) {
      const verdict = await this.desk.queryPlatform('3511', bchno, request.receivedAt);
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
    await this.desk.answered(request.msgid, null);
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
    const who = this.desk.actorOf(inbound);
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
}

/** What the stored request record says about a decided message: its sessions and its rows' keys. */
function aboutOf(decided: Decided): { sessionIds: string[]; businessKeys: string[] } {
  return {
    sessionIds: decided.parts.map((p) => p.session.id),
    businessKeys: decided.parts.flatMap((p) => p.rows.map((r) => String(r.fixmedins_bchno ?? ''))),
  };
}
