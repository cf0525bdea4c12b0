/** Helpers for the sandbox tests: envelopes and rows as a hospital sends them, and a raw node:http client. */
import { request } from 'node:http';
import { MsgIdSource } from '../../../core/insurance/msgid-source.js';
import type { Sandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { hisEnvelope, hisReturnRow, hisSaleRow } from '../../support/his-rows.js';

export const FIXMEDINS_CODE = 'H15090201645';
const msgids = new MsgIdSource(FIXMEDINS_CODE);

export function nextMsgid(): string {
  return msgids.next(new Date());
}

export function envelope(infno: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return hisEnvelope(infno, nextMsgid(), input, {
    mdtrtarea_admvs: '150902',
    insuplc_admdvs: '150902',
    opter: 'P001',
    inf_time: '2026-11-22 19:30:00',
    fixmedins_code: FIXMEDINS_CODE,
    fixmedins_name: '某某市人民医院',
    ...extra,
  });
}

/** A complete 3505 row; codes become its drugtracinfo. */
export function sale(bchno: string, codes: string[] = ['81010010000000000001'], extra: Record<string, unknown> = {}) {
  return hisSaleRow(bchno, codes, {
    setl_id: 'S20261122001',
    psn_no: 'P4400001',
    psn_name: '李四',
    mdtrt_setl_type: '1',
    ...extra,
  });
}

/** A complete 3506 row returning codes of the sale `originalBchno`. */
export function saleReturn(bchno: string, originalBchno: string, codes: string[]) {
  return hisReturnRow(bchno, originalBchno, codes, { setl_id: 'S20261122001', psn_no: 'P4400001', psn_name: '李四' });
}

export type Reply =
  { kind: 'reply'; status: number; text: string; json: any; ms: number } | { kind: 'error'; code: string; ms: number };

/**
 * POST over a fresh connection (no keep-alive pool, so drops and a closed listener show as they would to a new
 * client). An object body is sent as JSON; a Buffer or string is sent as is.
 */
export function post(url: string, body: unknown, opts: { timeoutMs?: number; headers?: Record<string, string> } = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const started = Date.now();
  return new Promise<Reply>((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': bytes.length, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e: NodeJS.ErrnoException) =>
          resolve({ kind: 'error', code: e.code ?? e.message, ms: Date.now() - started })
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ kind: 'reply', status: res.statusCode ?? 0, text, json, ms: Date.now() - started });
        });
      }
    );
    if (opts.timeoutMs !== undefined) {
      req.setTimeout(opts.timeoutMs, () => {
        req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' }));
      });
    }
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ kind: 'error', code: e.code ?? e.message, ms: Date.now() - started })
    );
    req.end(bytes);
  });
}

/** POST an envelope and return the platform's JSON answer (failing the test on anything else). */
export async function call(sandbox: Sandbox, body: unknown): Promise<any> {
  const reply = await post(sandbox.serviceUrl, body);
  if (reply.kind !== 'reply' || reply.status !== 200 || reply.json === undefined) {
    throw new Error(`expected an HTTP 200 envelope, got ${JSON.stringify(reply)}`);
  }
  return reply.json;
}

export async function admin(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandbox.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
