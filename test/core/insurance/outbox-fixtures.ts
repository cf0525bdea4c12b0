/** A scripted platform, a clock the test moves, and complete 35xx rows for the outbox tests. */
import type { RequestEnvelope } from '../../../core/insurance/envelope.js';
import { orderKeysOf } from '../../../core/insurance/order-keys.js';
import { hisReturnRow, hisSaleRow } from '../../support/his-rows.js';
import type {
  InsuranceUpstream,
  SendResult,
  TransportFailure,
  UpstreamReply,
} from '../../../core/ports/insurance-upstream.js';
import type { BusinessRow } from '../../../core/window/business-row.js';

export class TestClock {
  constructor(public ms = Date.parse('2026-11-29T02:00:00.000Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const code = (n: number): string => `8101001000000000${String(n).padStart(4, '0')}`;

/** A complete HIS 3505 row (test/support/his-rows.ts). */
export const saleRow = hisSaleRow;

/** A complete HIS 3506 row returning `codes` of the sale `saleKey`. */
export const returnRow = hisReturnRow;

export function businessRowOf(infno: '3505' | '3506', payload: Record<string, unknown>, at: string): BusinessRow {
  return {
    infno,
    businessKey: String(payload.fixmedins_bchno),
    sessionId: 'S1',
    payload,
    createdAt: at,
    source: 'window',
    orderKeys: orderKeysOf(payload),
    state: 'pending',
  };
}

export type Script = (envelope: RequestEnvelope) => SendResult['outcome'];

/** The platform: records what it received and answers as the test's script says. */
export class ScriptedPlatform implements InsuranceUpstream {
  readonly received: RequestEnvelope[] = [];
  constructor(public script: Script = accept) {}
  async send(envelope: RequestEnvelope): Promise<SendResult> {
    this.received.push(envelope);
    return { requestBody: JSON.stringify(envelope), outcome: this.script(envelope) };
  }
  /** Relayed HIS bytes go through the same script as tracegate's own sends. */
  async relay(req: { path: string; body: Buffer }): Promise<UpstreamReply | TransportFailure> {
    const envelope = JSON.parse(req.body.toString('utf8')) as RequestEnvelope;
    this.received.push(envelope);
    const outcome = this.script(envelope);
    return outcome.kind === 'reply'
      ? { kind: 'reply', status: outcome.status, headers: outcome.headers, raw: outcome.raw }
      : outcome;
  }
  async close(): Promise<void> {}
  infnos(): string[] {
    return this.received.map((e) => e.infno);
  }
}

export function reply(json: unknown): SendResult['outcome'] {
  const raw = Buffer.from(JSON.stringify(json));
  return { kind: 'reply', status: 200, headers: {}, raw, json };
}

export const accept: Script = () =>
  reply({
    infcode: 0,
    inf_refmsgid: '310000202611291000000000000001',
    output: { result: { retRslt: '1', msgRslt: '成功' } },
  });

export function failure(errorClass: 'transient' | 'ambiguous'): TransportFailure {
  return errorClass === 'transient'
    ? { kind: 'failure', errorClass, code: 'UPSTREAM_REFUSED', message: '医保平台连接被拒绝' }
    : { kind: 'failure', errorClass, code: 'UPSTREAM_TIMEOUT', message: '医保平台超时未答复' };
}

/** A 3511 answer listing these bchnos. */
export function queryAnswer(bchnos: string[]): SendResult['outcome'] {
  return reply({ infcode: 0, output: { data: bchnos.map((b) => ({ fixmedins_bchno: b })) } });
}
