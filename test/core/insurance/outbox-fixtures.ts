/** A scripted platform, a clock the test moves, and complete 35xx rows for the outbox tests. */
import type { RequestEnvelope } from '../../../core/insurance/envelope.js';
import { orderKeysOf } from '../../../core/insurance/order-keys.js';
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

export function saleRow(bchno: string, codes: string[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    med_list_codg: 'XC10AAA034A001010100445',
    fixmedins_hilist_id: 'Y0001',
    fixmedins_hilist_name: '阿托伐他汀钙片',
    fixmedins_bchno: bchno,
    prsc_dr_name: '王建国',
    phar_name: '张敏',
    phar_prac_cert_no: 'YS2019001',
    hi_feesetl_type: '1',
    mdtrt_sn: 'MZ20261122001',
    psn_cert_type: '01',
    manu_lotnum: '20260315',
    manu_date: '2026-03-15',
    expy_end: '2028-02-29',
    rx_flag: '1',
    trdn_flag: '0',
    rx_circ_flag: '0',
    rtal_docno: 'RX20261122001',
    sel_retn_cnt: codes.length,
    sel_retn_time: '2026-11-22 17:30:15',
    sel_retn_opter_name: '张敏',
    drugtracinfo: codes.map((c) => ({ drug_trac_codg: c })),
    ...over,
  };
}

export function returnRow(bchno: string, saleKey: string, codes: string[]): Record<string, unknown> {
  const {
    prsc_dr_name: _a,
    phar_name: _b,
    phar_prac_cert_no: _c,
    hi_feesetl_type: _d,
    rx_circ_flag: _e,
    rtal_docno: _f,
    ...rest
  } = saleRow(bchno, codes);
  return { ...rest, medins_prod_sel_no: saleKey };
}

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
