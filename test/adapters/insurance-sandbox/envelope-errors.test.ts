import { expect } from 'chai';
import iconv from 'iconv-lite';
import { parseResponse } from '../../../core/insurance/envelope.js';
import type { Sandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { startSandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { call, envelope, nextMsgid, post, sale } from './sandbox-test-kit.js';

describe('insurance sandbox: the request envelope', () => {
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

  /** POST raw bytes or a body and expect an infcode -1 envelope whose err_msg matches. */
  async function refused(body: unknown, errMsg: RegExp): Promise<any> {
    const reply = await post(sandbox.serviceUrl, body);
    expect(reply.kind).to.equal('reply');
    if (reply.kind !== 'reply') {
      throw new Error('no reply');
    }
    expect(reply.status).to.equal(200);
    expect(reply.json).to.include({ infcode: -1, output: null, warn_msg: null });
    expect(reply.json.err_msg).to.match(errMsg);
    return reply.json;
  }

  it('answers a well-formed request in the platform’s shape (30-character inf_refmsgid, hospital-time stamps)', async () => {
    const before = Date.now();
    const res = await call(sandbox, envelope('1101', { data: { psn_no: 'P1' } }));
    expect(res).to.deep.include({ infcode: 0, err_msg: null, warn_msg: null, output: { echo: '1101' } });
    expect(res).to.include({ cainfo: null, signtype: null, enctype: null });
    expect(res.inf_refmsgid).to.match(/^310000\d{24}$/);
    expect(res.refmsg_time).to.match(/^\d{17}$/);
    expect(res.respond_time >= res.refmsg_time).to.equal(true);
    const hospitalNow = new Date(before + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 12);
    expect(res.refmsg_time.slice(0, 12)).to.equal(hospitalNow);
    expect(res.inf_refmsgid.slice(6, 18)).to.equal(hospitalNow);
    expect(parseResponse(res).ok).to.equal(true);
    const next = await call(sandbox, envelope('2207', {}));
    expect(next.inf_refmsgid).to.not.equal(res.inf_refmsgid);
  });

  it('refuses bodies that are not UTF-8 JSON objects', async () => {
    const gbk = iconv.encode(JSON.stringify(envelope('3505', { selinfo: sale('G1') })), 'gbk');
    await refused(gbk, /不是 UTF-8 编码/);
    await refused('{"infno":', /不是合法的 JSON/);
    await refused('', /不是合法的 JSON/);
    await refused('[1,2]', /应为 JSON 对象/);
    await refused('"3505"', /应为 JSON 对象/);
    await refused('null', /应为 JSON 对象/);
    await refused(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), /不是 UTF-8/);
    const stats = sandbox.stats();
    expect(stats.envelopeErrors.byCode).to.deep.equal({ BODY_NOT_UTF8: 2, BODY_NOT_JSON: 2, BODY_NOT_OBJECT: 3 });
    expect(stats.rows.received).to.equal(0);
  });

  it('refuses a 3 MB body with infcode -1, and keeps answering afterwards', async () => {
    const big = JSON.stringify(envelope('3505', { selinfo: sale('BIG', [], { memo: 'x'.repeat(3 * 1024 * 1024) }) }));
    await refused(big, /超过 2 MB 上限/);
    expect((await call(sandbox, envelope('9001', {}))).infcode).to.equal(0);
    expect(sandbox.stats().envelopeErrors.byCode).to.deep.equal({ BODY_TOO_LARGE: 1 });
  });

  const required = [
    'infno',
    'msgid',
    'mdtrtarea_admvs',
    'recer_sys_code',
    'infver',
    'opter_type',
    'opter',
    'opter_name',
    'inf_time',
    'fixmedins_code',
    'fixmedins_name',
    'input',
  ];
  for (const field of required) {
    it(`refuses a request without ${field}, naming it`, async () => {
      const body = envelope('3505', { selinfo: sale('M1') });
      delete body[field];
      await refused(body, new RegExp(`必填字段 ${field}（.+）缺失`));
      await refused({ ...body, [field]: '' }, new RegExp(`必填字段 ${field}（.+）缺失`));
    });
  }

  it('refuses mistyped fields, naming them', async () => {
    await refused(envelope('3505', { selinfo: sale('T1') }, { opter: 1001 }), /字段 opter（经办人）应为字符串/);
    await refused(envelope('3505', { selinfo: sale('T1') }, { infno: 3505 }), /字段 infno（交易编号）应为字符串/);
    await refused(
      envelope('3505', { selinfo: sale('T1') }, { sign_no: {} }),
      /字段 sign_no（交易签到流水号）应为字符串/
    );
    await refused(envelope('3505', [] as any), /字段 input（交易输入）应为 JSON 对象/);
    await refused(envelope('3505', 'eyJzZWxpbmZvIjp7fX0=' as any), /input（交易输入）应为 JSON 对象/);
  });

  it('refuses over-long fields with the limits of the interface table', async () => {
    const cases: [string, number, string][] = [
      ['mdtrtarea_admvs', 7, '就医地医保区划'],
      ['recer_sys_code', 11, '接收方系统代码'],
      ['infver', 7, '接口版本号'],
      ['opter', 31, '经办人'],
      ['opter_name', 51, '经办人姓名'],
      ['fixmedins_code', 31, '定点医药机构编号'],
      ['fixmedins_name', 201, '定点医药机构名称'],
      ['dev_no', 101, '设备编号'],
      ['sign_no', 31, '交易签到流水号'],
      ['insuplc_admdvs', 7, '参保地医保区划'],
    ];
    for (const [field, length, label] of cases) {
      await refused(
        envelope('3505', { selinfo: sale('L1') }, { [field]: '张'.repeat(length) }),
        new RegExp(`字段 ${field}（${label}）长度 ${length} 超过上限 ${length - 1}`)
      );
    }
    expect(sandbox.stats().envelopeErrors.byCode).to.deep.equal({ FIELD_TOO_LONG: cases.length });
  });

  it('refuses a malformed infno, a msgid that is not 30 characters, a bad inf_time or opter_type', async () => {
    await refused(envelope('35O5', {}), /交易编号 infno「35O5」格式错误/);
    await refused(envelope('3505a', {}), /infno「3505a」格式错误/);
    await refused(envelope('35051', {}), /infno「35051」格式错误/);
    await refused(envelope('3505', {}, { msgid: 'H1509020164520261122' }), /msgid 应为 30 位，实际 20 位/);
    await refused(envelope('3505', {}, { msgid: `${nextMsgid()}0` }), /字段 msgid（发送方报文ID）长度 31 超过上限 30/);
    await refused(
      envelope('3505', {}, { inf_time: '2026-11-22T19:30:00' }),
      /inf_time（交易时间）.*yyyy-MM-dd HH:mm:ss/
    );
    await refused(envelope('3505', {}, { inf_time: '2026-02-30 10:00:00' }), /inf_time/);
    await refused(envelope('3505', {}, { inf_time: '2026-11-22 24:00:00' }), /inf_time/);
    await refused(envelope('3505', {}, { opter_type: '9' }), /opter_type（经办人类别）「9」不在取值范围 1\/2\/3 内/);
  });

  it('refuses a msgid it has already received, and counts the refusal', async () => {
    const first = envelope('3505', { selinfo: sale('DUPMSG-1') });
    expect((await call(sandbox, first)).output.result.retRslt).to.equal('1');
    const again = { ...envelope('3505', { selinfo: sale('DUPMSG-2') }), msgid: first.msgid };
    const res = await refused(again, new RegExp(`发送方报文ID ${String(first.msgid)} 重复`));
    expect(parseResponse(res)).to.include({ ok: false, infcode: -1 });
    expect(sandbox.rows({ bchno: 'DUPMSG-2' })).to.have.length(0);
    expect(sandbox.stats().envelopeErrors.byCode).to.deep.equal({ MSGID_DUPLICATE: 1 });
  });

  it('refuses a missing or mistyped transaction node, naming it', async () => {
    await refused(envelope('3505', { selinfoDetail: [sale('N1')] }), /3505 的 input\.selinfo 应为对象/);
    await refused(envelope('3505A', { selinfoDetail: [] }), /3505A 的 input\.selinfoDetail 应为非空的对象列表/);
    await refused(envelope('3511', { data: 'x' }), /3511 的 input\.data（查询条件）应为对象/);
    await refused(envelope('3511', { data: { begndate: '2026/11/01' } }), /begndate「2026\/11\/01」不是 yyyy-MM-dd/);
  });

  it('never answers 5xx or falls over, whatever the bytes or the route', async () => {
    const junk = [
      Buffer.alloc(0),
      Buffer.from([0, 1, 2, 3, 255]),
      Buffer.from('{"infno":"3505","input":{"selinfo":{"drugtracinfo":[null,1,{"drug_trac_codg":{}}]}}}'),
      Buffer.from(
        JSON.stringify(envelope('3505', { selinfo: { ...sale('J1'), drugtracinfo: 'x', sel_retn_cnt: {} } }))
      ),
      Buffer.from(JSON.stringify(envelope('3507A', { goodDetail: [{ fixmedins_bchno: ['a'], inv_data_type: 9 }] }))),
      Buffer.from(JSON.stringify(envelope('3513', { data: { drug_trac_codg: { $ne: 1 } } }))),
      Buffer.from('{"__proto__":{"infcode":0},"constructor":{"prototype":{}}}'),
      Buffer.from('{'.repeat(100_000)),
    ];
    for (const body of junk) {
      const reply = await post(sandbox.serviceUrl, body);
      expect(reply.kind).to.equal('reply');
      if (reply.kind === 'reply') {
        expect(reply.status, reply.text).to.equal(200);
        expect(reply.json.infcode).to.be.oneOf([0, -1]);
      }
    }
    const wrongPath = await post(`${sandbox.url}/api/other`, envelope('9001', {}));
    expect(wrongPath).to.include({ kind: 'reply', status: 404 });
    const get = await fetch(sandbox.serviceUrl);
    expect(get.status).to.equal(405);
    expect(((await get.json()) as any).infcode).to.equal(-1);
    expect((await call(sandbox, envelope('9001', {}))).infcode).to.equal(0);
  });
});
