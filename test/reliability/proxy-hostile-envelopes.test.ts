/**
 * Hostile and malformed requests at the proxy (store-and-forward, where tracegate checks the rows against the
 * platform's field limits itself): each gets a clear answer — HTTP 200 with infcode -1 and an err_msg naming the
 * problem, or a 4xx JSON error — never a 5xx, nothing of them reaches the platform, and the process keeps
 * answering /healthz and a valid 3505 afterwards (one that sells the very pack a refused message named).
 */
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import iconv from 'iconv-lite';
import type { ProxyAnswer } from './support/his-driver.js';
import { postEnvelope } from './support/his-driver.js';
import { HisMessages } from './support/his-messages.js';
import { expectEachReceivedOnce } from './support/exactly-once.js';
import { waitUntilDrained } from './support/outbox-state.js';
import { useScenario } from './support/scenario.js';
import { packState } from './support/tracegate-process.js';

const JSON_TYPE = { 'content-type': 'application/json;charset=UTF-8' };

type Expect =
  /** HTTP 200, infcode -1, err_msg matching. */
  | { refusal: RegExp }
  /** A 4xx with the API's error shape and this machine code. */
  | { status: number; code: string }
  /** Relayed untouched: the platform's own answer (HTTP 200 and an envelope). */
  | { relayed: (json: Record<string, unknown>) => boolean };

interface HostileCase {
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  expect: Expect;
}

describe('insurance proxy: hostile and malformed envelopes (real processes)', function () {
  const scenario = useScenario('hostile');

  it('answers every malformed request with a clear error, never a 5xx, and keeps serving', async function () {
    this.timeout(180_000);
    const sandbox = await scenario.sandbox({ seed: 44 });
    const tg = await scenario.tracegate({
      upstreamUrl: sandbox.url,
      mode: 'store-and-forward',
      instanceId: 'reliability-hostile',
    });
    await waitUntilDrained(tg, 60_000);
    const his = new HisMessages();
    const valid = his.sale();
    const env = JSON.parse(valid.body) as Record<string, unknown> & { input: { selinfo: Record<string, unknown> } };
    const row = env.input.selinfo;
    const withMsgid = (patch: Record<string, unknown>): string =>
      JSON.stringify({ ...env, msgid: his.nextMsgid(), ...patch });
    const saleWith = (rowPatch: Record<string, unknown>): string =>
      withMsgid({ input: { selinfo: { ...row, ...rowPatch } } });

    const cases: HostileCase[] = [
      { name: 'bad JSON', body: '{"infno":"3505","msgid":', expect: { refusal: /ENVELOPE_NOT_JSON/ } },
      { name: 'a JSON array', body: '[{"infno":"3505"}]', expect: { refusal: /JSON 对象.*ENVELOPE_NOT_OBJECT/ } },
      { name: 'a JSON string', body: '"3505"', expect: { refusal: /ENVELOPE_NOT_OBJECT/ } },
      { name: 'JSON null', body: 'null', expect: { refusal: /ENVELOPE_NOT_OBJECT/ } },
      {
        name: 'infno a number',
        body: withMsgid({ infno: 3505 }),
        expect: { refusal: /infno.*ENVELOPE_FIELD_MISSING/ },
      },
      { name: 'msgid an object', body: withMsgid({ msgid: { id: 1 } }), expect: { refusal: /msgid.*ENVELOPE_FIELD/ } },
      { name: 'input a string', body: withMsgid({ input: 'selinfo' }), expect: { refusal: /input\.selinfo/ } },
      {
        name: 'msgid of 500 characters',
        body: withMsgid({ msgid: '9'.repeat(500) }),
        expect: { refusal: /msgid.*ENVELOPE_FIELD_TOO_LONG/ },
      },
      {
        name: 'a 3505 row with a 300-character fixmedins_bchno',
        body: saleWith({ fixmedins_bchno: 'B'.repeat(300) }),
        expect: { refusal: /fixmedins_bchno.*300/ },
      },
      {
        name: 'unknown infno ABCDEF (relayed; the platform refuses its format)',
        body: withMsgid({ infno: 'ABCDEF' }),
        expect: { refusal: /infno/ },
      },
      {
        name: 'unknown but well-formed infno 9999X (relayed untouched; the sandbox echoes it)',
        body: withMsgid({ infno: '9999X' }),
        expect: { relayed: (json) => (json.output as { echo?: unknown } | null)?.echo === '9999X' },
      },
      {
        name: 'a Chinese envelope in GBK bytes',
        body: iconv.encode(withMsgid({}), 'gbk'),
        headers: { 'content-type': 'application/json;charset=GBK' },
        expect: { refusal: /UTF-8.*ENVELOPE_NOT_JSON/ },
      },
      { name: 'an empty body', body: '', expect: { refusal: /ENVELOPE_NOT_JSON/ } },
      {
        name: 'a 3505A whose selinfoDetail is not a list',
        body: withMsgid({ infno: '3505A', input: { selinfoDetail: { ...row } } }),
        expect: { refusal: /selinfoDetail.*INPUT_NODE_INVALID/ },
      },
      {
        name: 'a trace code that is a number',
        body: saleWith({ fixmedins_bchno: `N${his.runTag}1`, drugtracinfo: [{ drug_trac_codg: 81010010000000 }] }),
        expect: { refusal: /CODE_COUNT_MISMATCH/ },
      },
      {
        name: 'a trace code of 5000 characters',
        body: saleWith({ fixmedins_bchno: `N${his.runTag}2`, drugtracinfo: [{ drug_trac_codg: '8'.repeat(5000) }] }),
        expect: { refusal: /过长/ },
      },
      {
        name: 'sel_retn_cnt not a number',
        body: saleWith({ fixmedins_bchno: `N${his.runTag}3`, sel_retn_cnt: 'abc' }),
        expect: { refusal: /sel_retn_cnt|CODE_COUNT_MISMATCH|ROW_FIELD_INVALID/ },
      },
      {
        name: 'a 30 MB body (above server.bodyLimitMb 20)',
        body: withMsgid({ memo: 'x'.repeat(30 * 1024 * 1024) }),
        expect: { status: 413, code: 'BODY_TOO_LARGE' },
      },
      {
        name: 'a gzip bomb (60 MB inflated)',
        body: gzipSync(Buffer.alloc(60 * 1024 * 1024, 32)),
        headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
        expect: { status: 413, code: 'BODY_TOO_LARGE' },
      },
      {
        name: 'Content-Encoding gzip on bytes that are not gzip',
        body: withMsgid({}),
        headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
        expect: { status: 400, code: 'BODY_ENCODING_INVALID' },
      },
    ];

    const problems: string[] = [];
    for (const c of cases) {
      let answer: ProxyAnswer;
      try {
        answer = await postEnvelope(tg.serviceUrl, c.body, 60_000, c.headers ?? JSON_TYPE);
      } catch (e) {
        problems.push(`${c.name}: no answer (${String((e as { cause?: unknown }).cause ?? e)})`);
        continue;
      }
      const problem = judge(c.expect, answer);
      if (problem) {
        problems.push(`${c.name}: ${problem}`);
      }
    }
    expect(problems, 'requests not answered with a clear 200/infcode -1 or 4xx error').to.deep.equal([]);

    // Still alive, still serving: /healthz, and a valid sale of the pack the 300-character row named.
    expect(tg.alive, 'tracegate is still running').to.equal(true);
    expect((await fetch(`${tg.url}/healthz`)).status).to.equal(200);
    expect(await packState(tg, valid.codes[0] as string), 'no refused message dispensed the pack').to.equal(null);
    const sold = await postEnvelope(tg.serviceUrl, valid.body);
    expect(sold.status).to.equal(200);
    expect(sold.json?.infcode, sold.text).to.equal(0);
    await waitUntilDrained(tg, 60_000);
    await expectEachReceivedOnce(sandbox, [valid.bchno]);
    const hostileRows = (await sandbox.rows()).filter(
      (r) => r.bchno === 'B'.repeat(300) || r.bchno.startsWith(`N${his.runTag}`)
    );
    expect(
      hostileRows.map((r) => r.bchno),
      'rows of refused messages at the platform'
    ).to.deep.equal([]);
  });
});

/** null when the answer is what the case expects, else why not. */
function judge(expected: Expect, answer: ProxyAnswer): string | null {
  const got = `HTTP ${answer.status} ${answer.text.slice(0, 200)}`;
  if (answer.status >= 500) {
    return `a 5xx: ${got}`;
  }
  if ('refusal' in expected) {
    const ok =
      answer.status === 200 &&
      answer.json?.infcode === -1 &&
      typeof answer.json.err_msg === 'string' &&
      expected.refusal.test(answer.json.err_msg);
    return ok ? null : `expected infcode -1 with err_msg ${expected.refusal}, got ${got}`;
  }
  if ('status' in expected) {
    const error = (answer.json?.error ?? null) as { code?: unknown; message?: unknown } | null;
    const ok =
      answer.status === expected.status &&
      typeof error?.code === 'string' &&
      typeof error.message === 'string' &&
      error.code === expected.code;
    return ok ? null : `expected HTTP ${expected.status} ${expected.code}, got ${got}`;
  }
  return answer.status === 200 && answer.json && expected.relayed(answer.json)
    ? null
    : `expected the platform's own answer, got ${got}`;
}
