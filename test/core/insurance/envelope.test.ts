import { expect } from 'chai';
import { TracegateError } from '../../../core/errors.js';
import { buildRequest, parseResponse } from '../../../core/insurance/envelope.js';
import { refusalEnvelope } from '../../../core/insurance/response-envelope.js';
import { MsgIdSource } from '../../../core/insurance/msgid-source.js';

const institution = {
  fixmedinsCode: 'H15090201645',
  fixmedinsName: '某某市人民医院',
  mdtrtareaAdmvs: '150902',
  insuplcAdmdvs: '150902',
  recerSysCode: 'YBXT',
  infver: 'V1.0',
};

function malformed(body: unknown): TracegateError {
  try {
    parseResponse(body);
  } catch (e) {
    expect(e).to.be.instanceOf(TracegateError);
    return e as TracegateError;
  }
  throw new Error('expected RESPONSE_MALFORMED');
}

describe('insurance envelope', () => {
  it('builds a request with hospital-local inf_time and the institution and operator fields', () => {
    const req = buildRequest({
      infno: '3505',
      msgid: 'H1509020164520261122193000' + '0001',
      input: { selinfo: { fixmedins_bchno: 'D1-1' } },
      institution,
      operator: { opterType: '1', opter: 'P001', opterName: '张敏' },
      at: '2026-11-22T11:30:00.000Z',
    });
    expect(req).to.include({
      infno: '3505',
      inf_time: '2026-11-22 19:30:00',
      fixmedins_code: 'H15090201645',
      opter_name: '张敏',
      sign_no: '',
    });
    expect(req.input).to.deep.equal({ selinfo: { fixmedins_bchno: 'D1-1' } });
  });

  it('reads infcode as a number or a string and the two-level 35xx result under output.result or output', () => {
    expect(parseResponse({ infcode: 0, output: { result: { retRslt: '1', msgRslt: '成功' } } }).ok).to.equal(true);
    expect(parseResponse({ infcode: '0', output: { retRslt: '1' } }).ok).to.equal(true);
    const rejected = parseResponse({
      infcode: 0,
      output: { result: { retRslt: '0', msgRslt: 'fixmedins_bchno 重复' } },
    });
    expect(rejected).to.include({ ok: false, retRslt: '0', msgRslt: 'fixmedins_bchno 重复' });
    const failed = parseResponse({ infcode: -1, err_msg: '签到信息不存在', output: null });
    expect(failed).to.include({ ok: false, infcode: -1, errMsg: '签到信息不存在' });
    expect(parseResponse({ infcode: 0, output: { sign_no: 'x' } }).ok, 'non-35xx success has no retRslt').to.equal(
      true
    );
  });

  it('turns the A variants’ per-row error lists into row errors', () => {
    const res = parseResponse({
      infcode: 0,
      output: {
        result: { retRslt: '1' },
        invinfoErrDetail: [
          { fixmedins_bchno: 'B1', retRslt: '0', msgRslt: 'med_list_codg 不存在' },
          { fixmedins_bchno: 'B2', retRslt: '1', msgRslt: '' },
        ],
      },
    });
    expect(res.ok).to.equal(false);
    expect(res.rowErrors).to.deep.equal([{ key: { fixmedins_bchno: 'B1' }, msgRslt: 'med_list_codg 不存在' }]);
  });

  it('refuses a body that is not an envelope', () => {
    for (const body of [null, 'ok', [1], { infcode: 'zero' }, {}]) {
      expect(malformed(body).code).to.equal('RESPONSE_MALFORMED');
    }
  });

  it('answers a refusal in the platform shape with err_msg cut to 200 characters', () => {
    const env = refusalEnvelope('追'.repeat(250), '150902202611221930000000000001', '2026-11-22T11:30:00.123Z');
    expect(env.infcode).to.equal(-1);
    expect([...(env.err_msg as string)]).to.have.length(200);
    expect(env.respond_time).to.equal('20261122193000123');
  });
});

describe('msgid source', () => {
  it('is 30 characters: institution code, hospital-local second, 4-digit counter', () => {
    const ids = new MsgIdSource('H15090201645');
    const at = new Date('2026-11-22T11:30:00.000Z');
    expect(ids.next(at)).to.equal('H15090201645202611221930000001');
    expect(ids.next(at)).to.equal('H15090201645202611221930000002');
    expect(ids.next(new Date('2026-11-22T11:30:01.000Z'))).to.equal('H15090201645202611221930010001');
  });

  it('never repeats, even past 9,999 requests in one second, and never goes back in time', () => {
    const ids = new MsgIdSource('H150902');
    const at = new Date('2026-11-22T11:30:00.000Z');
    const seen = new Set<string>();
    let last = '';
    for (let i = 0; i < 25_000; i++) {
      const id = ids.next(at);
      expect(id).to.have.length(30);
      expect(id > last).to.equal(true);
      last = id;
      seen.add(id);
    }
    expect(seen.size).to.equal(25_000);
    expect(ids.next(new Date('2026-11-22T11:29:59.000Z')) > last, 'a clock step back keeps order').to.equal(true);
  });

  it('reserves the first counter digit for the instance when several share one code', () => {
    const a = new MsgIdSource('H15090201645', 1);
    const b = new MsgIdSource('H15090201645', 2);
    const at = new Date('2026-11-22T11:30:00.000Z');
    expect(a.next(at).slice(-4)).to.equal('1001');
    expect(b.next(at).slice(-4)).to.equal('2001');
    expect(() => new MsgIdSource('H1', 12)).to.throw(TracegateError);
  });
});
