import { expect } from 'chai';
import { startSandbox, type Sandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { loadDemoData } from '../../../plugin/demo/load-demo-data.js';
import type { Tracegate } from '../../../plugin/tracegate.js';
import { hisEnvelope, hisSaleRow } from '../../support/his-rows.js';
import { startTempTracegate } from '../../support/temp-tracegate.js';

const HEAD = 'demo-pharmacy-head-token';
const HIS = 'demo-integration-token';
const PHARMACIST = 'demo-pharmacist-token';
const code = (prefix: string, n: number): string => `${prefix}${String(n).padStart(13, '0')}`;

describe('insurance relay over HTTP: stock changes, the uploads API and the proxy', () => {
  let tg: Tracegate;
  let url: string;
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
    ({ tg, url } = await startTempTracegate({
      insurance: {
        upstream: { baseUrl: sandbox.url },
        outbox: { pollMs: 20, backoff: { baseMs: 20, maxMs: 200 } },
        rowDefaults: { '3502': { pric: '12.5' } },
      },
    }));
    await loadDemoData(tg);
  });
  after(async () => {
    await tg.stop();
    await sandbox.stop();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    token = HIS
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = await probe();
      if (v !== undefined) {
        return v;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const uploadOf = async (key: string) =>
    (await call('GET', `/api/v1/uploads?businessKey=${encodeURIComponent(key)}`, undefined, HEAD)).body.uploads[0];

  it('a scrap moves the ledger and queues a 3502 that reaches the platform once', async () => {
    const box = code('8103001', 3);
    const res = await call(
      'POST',
      '/api/v1/stock-changes',
      { changeType: '105', scans: [box], reason: '破损销毁' },
      HEAD
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const key = res.body.uploads[0].businessKey as string;
    expect(res.body.uploads[0].payload).to.include({ inv_chg_type: '105', cnt: 1 });
    expect((await call('GET', `/api/v1/codes/${box}`)).body.state).to.equal('scrapped');
    const delivered = await until('delivery', async () => {
      const u = await uploadOf(key);
      return u?.state === 'delivered' ? u : undefined;
    });
    expect(delivered).to.include({ infno: '3502', source: 'ledger' });
    expect(sandbox.receivedCount(key)).to.equal(1);
  });

  it('refuses a stock change the ledger forbids, a bad type and a pharmacist, and writes nothing', async () => {
    const box = code('8103001', 4);
    await call('POST', '/api/v1/stock-changes', { changeType: '102', scans: [box] }, HEAD);
    const again = await call('POST', '/api/v1/stock-changes', { changeType: '105', scans: [box] }, HEAD);
    expect(again.status).to.be.within(400, 499);
    expect(again.body.error.message).to.contain(box);
    expect((await call('POST', '/api/v1/stock-changes', { changeType: '999', scans: [box] }, HEAD)).status).to.equal(
      400
    );
    expect(
      (await call('POST', '/api/v1/stock-changes', { changeType: '105', scans: [box] }, PHARMACIST)).status
    ).to.equal(403);
    expect((await call('GET', `/api/v1/codes/${box}`)).body.state).to.equal('transferred_out');
  });

  it('an inventory count queues a 3501 per lot that reaches the platform, and names counted boxes not in stock', async () => {
    const boxes = [code('8106001', 1), code('8106001', 2), code('8106001', 3)];
    await call('POST', '/api/v1/stock-changes', { changeType: '105', scans: [boxes[2]] }, HEAD);
    const res = await call('POST', '/api/v1/inventory-counts', { hisDrugCode: 'Y0006', scans: boxes }, HEAD);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.counted).to.equal(3);
    expect(res.body.notInStock).to.deep.equal([{ traceCode: boxes[2], state: 'scrapped' }]);
    const row = res.body.uploads[0];
    expect(row.payload).to.include({ inv_cnt: 3, fixmedins_hilist_id: 'Y0006', manu_lotnum: '20260315' });
    await until('delivery', async () => ((await uploadOf(row.businessKey))?.state === 'delivered' ? true : undefined));
    expect(sandbox.receivedCount(row.businessKey)).to.equal(1);
    const foreign = await call(
      'POST',
      '/api/v1/inventory-counts',
      { hisDrugCode: 'Y0006', scans: [code('8101001', 50)] },
      HEAD
    );
    expect(foreign.status).to.equal(422);
    expect(foreign.body.error.code).to.equal('INVENTORY_CODE_FOREIGN');
  });

  it('lists, shows, holds, retries, re-drives and undoes uploads; bad input is a 4xx', async () => {
    const list = await call('GET', '/api/v1/uploads?state=delivered&limit=5', undefined, HEAD);
    expect(list.status).to.equal(200);
    expect(list.body.counts).to.have.keys('pending', 'sending', 'ambiguous', 'delivered', 'dead', 'held');
    const first = list.body.uploads[0];
    const shown = await call('GET', `/api/v1/uploads/${first.id}`, undefined, HEAD);
    expect(shown.body.attempts.length).to.be.greaterThan(0);
    expect(shown.body.attempts[0].msgid).to.have.length(30);
    const redriven = await call('POST', '/api/v1/uploads/redrive', { ids: [first.id] });
    expect(redriven.status).to.equal(201);
    expect(redriven.body.uploads[0]).to.include({ originalId: first.id, businessKey: `${first.businessKey}:r2` });
    const undo = await call('POST', `/api/v1/uploads/${first.id}/undo`);
    expect(undo.status).to.equal(201);
    expect(undo.body.upload).to.include({ infno: '3507' });
    expect((await call('POST', '/api/v1/uploads/hold', { ids: [first.id] })).status).to.equal(400);
    expect((await call('GET', '/api/v1/uploads?state=nonsense', undefined, HEAD)).status).to.equal(400);
    expect((await call('GET', '/api/v1/uploads/abc', undefined, HEAD)).status).to.equal(400);
    expect((await call('GET', '/api/v1/uploads/999999', undefined, HEAD)).status).to.equal(404);
    expect((await call('POST', '/api/v1/uploads/retry', { ids: [first.id] }, PHARMACIST)).status).to.equal(403);
  });

  it('the proxy relays through the platform, refuses a second sale of the same box, and passes other transactions', async () => {
    const envelope = (msgid: string, infno: string, input: unknown) => hisEnvelope(infno, msgid, input);
    const row = (bchno: string) =>
      hisSaleRow(bchno, [code('8103001', 5)], {
        med_list_codg: 'XC09DAE058A001010101509',
        fixmedins_hilist_id: 'Y0003',
        fixmedins_hilist_name: '厄贝沙坦氢氯噻嗪片',
        mdtrt_sn: 'MZ-P1',
        rtal_docno: 'RX-P1',
      });
    const post = async (body: unknown) => {
      const res = await fetch(`${url}/fsi/api/rsfComIfsService/callService`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const ok = await post(envelope('H31011500001202611291000000101', '3505', { selinfo: row('HIS-P1') }));
    expect(ok).to.deep.include({ status: 200 });
    expect(ok.body.infcode).to.equal(0);
    expect(sandbox.receivedCount('HIS-P1')).to.equal(1);
    const twice = await post(envelope('H31011500001202611291000000102', '3505', { selinfo: row('HIS-P2') }));
    expect(twice.status).to.equal(200);
    expect(twice.body.infcode).to.equal(-1);
    expect(twice.body.err_msg).to.contain(code('8103001', 5));
    expect(sandbox.receivedCount('HIS-P2')).to.equal(0);
    const other = await post(envelope('H31011500001202611291000000103', '1101', { data: { psn_no: '1' } }));
    expect(other.body).to.include({ infcode: 0 });
    expect(other.body.output).to.deep.equal({ echo: '1101' });
  });
});
