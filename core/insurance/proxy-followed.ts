/**
 * The proxy's followed path: 3501–3504 and 3507. What the ledger would do is checked first (an illegal step is
 * refused before the platform is asked), the request goes to the platform untouched with its packs held, and only
 * its acceptance moves the ledger: 3502 by its change type, a 3507 of a known sale or return puts the packs back.
 * Inventory counts and purchases (no codes to check) are kept as delivered uploads, the record reconciliation reads.
 * No answer from the platform: in flight until its record query (3508–3511) settles it. In both proxy modes the
 * platform's answer decides.
 */
import { isTracegateError, refused, TracegateError } from '../errors.js';
import type { LedgerStep } from '../ledger/ledger-service.js';
import { StoreConflict } from '../ports/ledger-store.js';
import type { BusinessRow } from '../window/business-row.js';
import { classifyReply } from './classify-reply.js';
import type { InboundRequest } from './inbound-request.js';
import { orderKeysOf } from './order-keys.js';
import { parseJson, type ProxyAnswer, type ProxyDeps, type ProxyDesk, type ProxyIncoming } from './proxy-desk.js';
import { deletionSteps, stockChangeSteps } from './stock-change-steps.js';
import { rowsOfInput, traceCodesOfRow, transactionOf, TRANSACTIONS } from './transactions.js';
import { parseInboundRequest } from './inbound-request.js';
import type { ProxyRequest } from '../ports/proxy-store.js';
import type { RowInfno } from './row-fields.js';

export class FollowedRequests {
  private readonly deps: ProxyDeps;

  constructor(private readonly desk: ProxyDesk) {
    this.deps = desk.deps;
  }

  /**
   * 3502 and 3507: the steps are checked against the ledger first (an illegal one is refused), the request goes to
   * the platform, and the ledger follows only its acceptance. In both modes: the platform's answer decides.
   */
  async handle(req: ProxyIncoming, inbound: InboundRequest, infno: string): Promise<ProxyAnswer> {
    const actor = { actor: this.desk.actorOf(inbound).actor, location: '医保接口代理', ref: inbound.msgid };
    let rows: Record<string, unknown>[];
    let steps: LedgerStep[];
    try {
      rows = rowsOfInput(inbound.infno, inbound.input);
      steps = await this.stepsOf(infno, rows);
      await this.deps.ledger.prepare(steps, actor);
    } catch (e) {
      return this.desk.refuseAndRecord(req, inbound, e);
    }
    const held = await this.desk.hold([...new Set(steps.map((s) => s.traceCode))], inbound.msgid);
    if (held.length > 0) {
      return this.desk.refusal(
        refused('CODE_HELD', `追溯码 ${held[0]} 正在另一笔医保上传中，请稍后再试`, { traceCode: held[0] })
      );
    }
    const about = { sessionIds: [], businessKeys: rows.map((r) => String(r.fixmedins_bchno ?? '')) };
    await this.deps.proxy.saveProxyRequest(this.desk.record(req, inbound, about, 'sync', 'inflight', null));
    const reply = await this.deps.upstream.relay(req);
    const verdict = reply.kind === 'reply' ? classifyReply(reply.status, parseJson(reply.raw)) : null;
    if (reply.kind === 'failure' && reply.errorClass === 'ambiguous') {
      // The platform may or may not have applied it: in flight, packs held, until a query settles it.
      return this.desk.uncertain(reply.message);
    }
    if (verdict?.kind === 'delivered') {
      await this.applyFollowed(infno, rows, steps, actor, inbound.msgid);
    }
    if (reply.kind === 'reply') {
      await this.desk.answered(inbound.msgid, reply.raw.toString('utf8'));
      return { kind: 'upstream', reply };
    }
    const answer = this.desk.envelopeOf(new TracegateError(reply.code, reply.message, 'unavailable'));
    await this.desk.answered(inbound.msgid, JSON.stringify(answer.body));
    return answer;
  }

  /**
   * A request the platform never answered: ask its record query for each row. A stock change, count or purchase took
   * effect when its rows are there; a deletion when its rows are gone. All took effect → the ledger follows now;
   * none → nothing happened; otherwise ask again later.
   */
  async settle(request: ProxyRequest): Promise<boolean> {
    const inbound = parseInboundRequest(Buffer.from(request.request, 'utf8'));
    const infno = transactionOf(inbound.infno)?.spec.infno ?? '';
    const rows = rowsOfInput(inbound.infno, inbound.input);
    const applied: boolean[] = [];
    for (const row of rows) {
      const query = recordQueryOf(infno, row);
      const verdict = query
        ? await this.desk.queryPlatform(query, String(row.fixmedins_bchno ?? ''), request.receivedAt)
        : null;
      if (!verdict || verdict.kind === 'unknown') {
        return false;
      }
      applied.push(infno === '3507' ? verdict.kind === 'not_found' : verdict.kind === 'found');
    }
    if (applied.every(Boolean)) {
      const actor = { actor: this.desk.actorOf(inbound).actor, location: '医保接口代理', ref: inbound.msgid };
      await this.applyFollowed(infno, rows, await this.stepsOf(infno, rows), actor, inbound.msgid);
      await this.desk.answered(request.msgid, null);
      return true;
    }
    if (applied.some(Boolean)) {
      return false;
    }
    await this.desk.answered(request.msgid, null);
    return true;
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
}

/**
 * The upload key of a followed HIS row. The platform keeps fixmedins_bchno unique per data type only, so a
 * purchase and a stock change may share one: their keys carry the data type. Sales and returns (type 4, the
 * checked path) keep the bare bchno, which a later 3506 names in medins_prod_sel_no. A deletion is keyed by its
 * message.
 */
/** The query that finds a row: its own transaction's, or for a 3507 the one of the data type it deletes. */
function recordQueryOf(infno: string, row: Record<string, unknown>): string | null {
  if (infno !== '3507') {
    return TRANSACTIONS[infno as RowInfno]?.queryInfno ?? null;
  }
  const deleted = Object.values(TRANSACTIONS).find((t) => t.dataType === String(row.inv_data_type ?? ''));
  return deleted?.queryInfno ?? null;
}

function followedKey(infno: string, payload: Record<string, unknown>, msgid: string): string {
  const bchno = String(payload.fixmedins_bchno ?? '');
  return infno === '3507' ? `${bchno}:del:${msgid}` : `${bchno}#${transactionOf(infno)?.spec.dataType ?? '0'}`;
}
