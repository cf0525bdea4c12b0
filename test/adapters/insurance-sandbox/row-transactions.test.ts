import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { parseResponse } from '../../../core/insurance/envelope.js';
import type { Sandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { startSandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { FIXMEDINS_CODE, call, envelope, post, sale } from './sandbox-test-kit.js';

const purchase = (bchno: string): Record<string, unknown> => ({
  med_list_codg: 'XC10AAA034A001010100445',
  fixmedins_hilist_id: 'Y0001',
  fixmedins_hilist_name: '阿托伐他汀钙片',
  fixmedins_bchno: bchno,
  spler_name: '国药控股',
  manu_lotnum: '20260315',
  prodentp_name: '某药业',
  aprvno: '国药准字H20051408',
  manu_date: '2026-03-15',
  expy_end: '2028-02-29',
  purc_retn_cnt: '20',
  rx_flag: '1',
  purc_retn_stoin_time: '2026-11-20 09:00:00',
  purc_retn_opter_name: '库管员',
});

/** Written out here rather than imported, so the test checks the sandbox against the formula itself. */
const tifSignature = (timestamp: string, token: string, nonce: string): string =>
  createHash('sha256')
    .update(timestamp + token + nonce + timestamp)
    .digest('hex');

describe('insurance sandbox: 3501–3507 rows', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: 7 });
  });
  after(async () => {
    await sandbox.stop();
  });
  beforeEach(async () => {
    await sandbox.reset();
  });

  it('records a valid 3505 with its drugtracinfo and answers retRslt 1 成功', async () => {
    const codes = ['81010010000000000001', '81010010000000000002'];
    const res = await call(sandbox, envelope('3505', { selinfo: sale('S-1', codes) }));
    expect(res).to.deep.include({ infcode: 0, output: { result: { retRslt: '1', msgRslt: '成功' } } });
    expect(parseResponse(res).ok).to.equal(true);
    const [row] = sandbox.rows({ bchno: 'S-1' });
    expect(row).to.include({ infno: '3505', requestInfno: '3505', dataType: '4', fixmedinsCode: FIXMEDINS_CODE });
    expect(row?.traceCodes).to.deep.equal(codes);
    expect(row?.infRefmsgid).to.equal(res.inf_refmsgid);
    expect(row?.fields.phar_name).to.equal('张敏');
    expect(sandbox.stats().rows).to.deep.equal({ received: 1, recorded: 1, refused: 0, deleted: 0, live: 1 });
  });

  it('refuses a 3505 missing phar_name or with a 60-character fixmedins_bchno, naming the field', async () => {
    const { phar_name: _p, ...noPharmacist } = sale('S-2');
    const missing = await call(sandbox, envelope('3505', { selinfo: noPharmacist }));
    expect(missing.infcode).to.equal(0);
    expect(missing.output.result.retRslt).to.equal('0');
    expect(missing.output.result.msgRslt).to.equal('3505 必填字段 phar_name 为空');
    expect(parseResponse(missing)).to.include({ ok: false, retRslt: '0' });

    const long = await call(sandbox, envelope('3505', { selinfo: sale('B'.repeat(60)) }));
    expect(long.output.result.retRslt).to.equal('0');
    expect(long.output.result.msgRslt).to.match(/^3505 字段 fixmedins_bchno：长度 60 超过上限 30/);
    expect(sandbox.rows()).to.have.length(0);
    expect(sandbox.stats().rows).to.include({ received: 2, recorded: 0, refused: 2 });
  });

  it('3505A records the good rows, lists the bad one in selinfoErrDetail, and answers retRslt 0', async () => {
    const bad = { ...sale('A-2'), sel_retn_time: '2026-11-22T17:30:15Z' };
    const res = await call(sandbox, envelope('3505A', { selinfoDetail: [sale('A-1'), bad] }));
    expect(res.infcode).to.equal(0);
    expect(res.output.result.retRslt).to.equal('0');
    expect(res.output.selinfoErrDetail).to.have.length(1);
    expect(res.output.selinfoErrDetail[0]).to.include({ fixmedins_bchno: 'A-2', retRslt: '0' });
    expect(res.output.selinfoErrDetail[0].msgRslt).to.contain('sel_retn_time');
    const parsed = parseResponse(res);
    expect(parsed.ok).to.equal(false);
    expect(parsed.rowErrors.map((e) => e.key.fixmedins_bchno)).to.deep.equal(['A-2']);
    expect(sandbox.rows().map((r) => r.bchno)).to.deep.equal(['A-1']);
    expect(sandbox.rows()[0]?.requestInfno).to.equal('3505A');

    const allGood = await call(sandbox, envelope('3505A', { selinfoDetail: [sale('A-3'), sale('A-4')] }));
    expect(allGood.output).to.deep.equal({ result: { retRslt: '1', msgRslt: '成功' }, selinfoErrDetail: [] });
    expect(parseResponse(allGood).ok).to.equal(true);
  });

  it('checks 3503 and 3502 rows with their own fields', async () => {
    const ok = await call(sandbox, envelope('3503', { purcinfo: purchase('P-1') }));
    expect(ok.output.result.retRslt).to.equal('1');
    const change = {
      med_list_codg: 'X',
      inv_chg_type: '199',
      fixmedins_hilist_id: 'Y0001',
      fixmedins_hilist_name: '阿托伐他汀钙片',
      fixmedins_bchno: 'C-1',
      pric: '1.5',
      cnt: '2',
      rx_flag: '1',
      inv_chg_time: '2026-11-20 09:00:00',
      trdn_flag: '0',
    };
    const res = await call(sandbox, envelope('3502A', { invinfoDetail: [change] }));
    expect(res.output.invinfoErrDetail[0].msgRslt).to.contain('inv_chg_type');
  });

  it('duplicate bchno, reject mode: the second copy is refused naming the bchno, and both are counted', async () => {
    expect((await call(sandbox, envelope('3505', { selinfo: sale('D-1') }))).output.result.retRslt).to.equal('1');
    const again = await call(sandbox, envelope('3505', { selinfo: sale('D-1') }));
    expect(again.output.result).to.deep.equal({ retRslt: '0', msgRslt: '定点医药机构批次流水号 D-1 已存在' });
    expect(sandbox.rows({ bchno: 'D-1' })).to.have.length(1);
    expect(sandbox.receivedCount('D-1')).to.equal(2);
    expect(sandbox.receivedCount('D-1', '3')).to.equal(0);
    const stats = sandbox.stats();
    expect(stats.bchnoReceivedMoreThanOnce).to.deep.equal([
      { fixmedinsCode: FIXMEDINS_CODE, dataType: '4', bchno: 'D-1', received: 2, recorded: 1, deleted: 0 },
    ]);
    // The same bchno under another data type (a purchase) is another row.
    expect((await call(sandbox, envelope('3503', { purcinfo: purchase('D-1') }))).output.result.retRslt).to.equal('1');
    // A 3506 shares data type 4 with 3505: same bchno is a duplicate.
    const ret = await call(sandbox, envelope('3506', { selinfo: { ...sale('D-1'), medins_prod_sel_no: 'D-1' } }));
    expect(ret.output.result.retRslt).to.equal('0');
  });

  it('duplicate bchno, accept mode: the second copy is recorded too, and both are counted', async () => {
    const accepting = await startSandbox({ duplicateBchno: 'accept' });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await call(accepting, envelope('3505', { selinfo: sale('D-2') }));
        expect(res.output.result.retRslt).to.equal('1');
      }
      expect(accepting.rows({ bchno: 'D-2' })).to.have.length(3);
      expect(accepting.receivedCount('D-2')).to.equal(3);
      expect(accepting.stats().bchno).to.deep.equal([
        { fixmedinsCode: FIXMEDINS_CODE, dataType: '4', bchno: 'D-2', received: 3, recorded: 3, deleted: 0 },
      ]);
    } finally {
      await accepting.stop();
    }
  });

  it('3507 deletes a recorded row so it can be uploaded again; an unknown one is refused naming it', async () => {
    await call(sandbox, envelope('3505', { selinfo: sale('R-1', ['81010010000000000009']) }));
    const wrongType = await call(sandbox, envelope('3507', { data: { fixmedins_bchno: 'R-1', inv_data_type: '3' } }));
    expect(wrongType.output.result.retRslt).to.equal('0');
    expect(wrongType.output.result.msgRslt).to.contain('R-1').and.contain('进销存数据类型 3');
    const deleted = await call(sandbox, envelope('3507', { data: { fixmedins_bchno: 'R-1', inv_data_type: '4' } }));
    expect(deleted.output.result).to.deep.equal({ retRslt: '1', msgRslt: '成功' });
    expect(sandbox.rows({ bchno: 'R-1' })).to.have.length(0);
    const again = await call(sandbox, envelope('3507', { data: { fixmedins_bchno: 'R-1', inv_data_type: '4' } }));
    expect(again.output.result.msgRslt).to.contain('未找到定点医药机构批次流水号 R-1');

    const reupload = await call(sandbox, envelope('3505', { selinfo: sale('R-1', ['81010010000000000010']) }));
    expect(reupload.output.result.retRslt).to.equal('1');
    expect(sandbox.rows({ bchno: 'R-1' })[0]?.traceCodes).to.deep.equal(['81010010000000000010']);
    expect(sandbox.stats().bchno).to.deep.equal([
      { fixmedinsCode: FIXMEDINS_CODE, dataType: '4', bchno: 'R-1', received: 2, recorded: 2, deleted: 1 },
    ]);

    const batch = await call(
      sandbox,
      envelope('3507A', {
        goodDetail: [
          { fixmedins_bchno: 'R-1', inv_data_type: '4' },
          { fixmedins_bchno: 'NONE', inv_data_type: '4' },
          { fixmedins_bchno: 'R-2', inv_data_type: '7' },
        ],
      })
    );
    expect(batch.output.result.retRslt).to.equal('0');
    expect(batch.output.goodErrDetail.map((e: any) => e.fixmedins_bchno)).to.deep.equal(['NONE', 'R-2']);
    expect(batch.output.goodErrDetail[1].msgRslt).to.contain('inv_data_type');
    expect(sandbox.rows()).to.have.length(0);
  });

  it('echoes any other well-formed infno, so a proxy can be shown passing it through', async () => {
    for (const infno of ['1101', '2207', '2207A', '9002']) {
      const res = await call(sandbox, envelope(infno, { data: {} }));
      expect(res).to.deep.include({ infcode: 0, output: { echo: infno } });
    }
    expect(sandbox.stats().requests.byInfno).to.deep.equal({ '1101': 1, '2207': 1, '2207A': 1, '9002': 1 });
  });

  it('requireSignIn: 35xx needs a sign_no issued by 9001', async () => {
    const strict = await startSandbox({ requireSignIn: true });
    try {
      const none = await call(strict, envelope('3505', { selinfo: sale('SI-1') }));
      expect(none).to.include({ infcode: -1 });
      expect(none.err_msg).to.match(/sign_no 为空，请先签到【9001】/);
      const forged = await call(strict, envelope('3505', { selinfo: sale('SI-1') }, { sign_no: 'X'.repeat(30) }));
      expect(forged.err_msg).to.match(/sign_no「X+」无效/);
      const signIn = await call(strict, envelope('9001', { signIn: { opter_no: 'P001', mac: '', ip: '' } }));
      expect(signIn.infcode).to.equal(0);
      const { sign_no: signNo, sign_time: signTime } = signIn.output.signinoutb;
      expect(signNo).to.have.length(30);
      expect(signTime).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const ok = await call(strict, envelope('3505', { selinfo: sale('SI-1') }, { sign_no: signNo }));
      expect(ok.output.result.retRslt).to.equal('1');
      expect((await call(strict, envelope('1101', {}))).infcode, 'not a 35xx').to.equal(0);
    } finally {
      await strict.stop();
    }
  });

  it('TIF check: refuses a missing or wrong x-tif-signature, accepts a right one', async () => {
    const tif = await startSandbox({ tif: { paasToken: 'paas-token-123' } });
    try {
      const body = (): Record<string, unknown> => envelope('9001', {});
      const none = await post(tif.serviceUrl, body());
      expect(none.kind === 'reply' && none.json.err_msg).to.match(/TIF 网关校验失败/);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = 'n0nce';
      const headers = { 'x-tif-paasid': 'hos01', 'x-tif-timestamp': timestamp, 'x-tif-nonce': nonce };
      const wrong = await post(tif.serviceUrl, body(), {
        headers: { ...headers, 'x-tif-signature': tifSignature(timestamp, 'other', nonce) },
      });
      expect(wrong.kind === 'reply' && wrong.json.err_msg).to.equal('TIF 网关校验失败：签名不正确');
      const right = await post(tif.serviceUrl, body(), {
        headers: { ...headers, 'x-tif-signature': tifSignature(timestamp, 'paas-token-123', nonce).toUpperCase() },
      });
      expect(right.kind === 'reply' && right.json.infcode).to.equal(0);
      expect(tif.stats().envelopeErrors.byCode).to.deep.equal({ TIF_SIGNATURE_INVALID: 2 });
    } finally {
      await tif.stop();
    }
  });
});
