import { expect } from 'chai';
import { createHttpUpstream } from '../../../adapters/insurance/http-upstream.js';
import { isSignInRefusal, signNoOf } from '../../../adapters/insurance/sign-in-session.js';
import type { UpstreamOptions } from '../../../adapters/insurance/upstream-options.js';
import type { InsuranceUpstream } from '../../../core/ports/insurance-upstream.js';
import {
  answerJson,
  bodyOf,
  envelope3505,
  envelopeFactory,
  startStub,
  type PlatformStub,
  type StubHandler,
} from './platform-stub.js';

const SIGN_IN = { enabled: true, opterNo: 'SYS01', mac: '00-16-3E-01-02-03', ip: '10.1.2.3' };

/** A platform that hands out SN1, SN2… on 9001 (after a pause, so sign-ins can overlap) and answers the rest. */
function platform(options: { refuseSignNos?: Set<string>; signInAnswer?: StubHandler } = {}): StubHandler {
  let issued = 0;
  return async (req, res) => {
    const body = bodyOf(req);
    if (body.infno === '9001') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (options.signInAnswer) {
        return options.signInAnswer(req, res);
      }
      issued++;
      return answerJson({
        infcode: 0,
        output: { signinoutb: { sign_time: '2026-11-22 19:30:00', sign_no: `SN${issued}` } },
      })(req, res);
    }
    if (options.refuseSignNos?.has(body.sign_no)) {
      return answerJson({ infcode: -1, err_msg: '签到信息已失效，请重新签到', output: null })(req, res);
    }
    return answerJson({ infcode: 0, output: { result: { retRslt: '1' } } })(req, res);
  };
}

describe('9001 sign-in session', () => {
  let stub: PlatformStub;
  let upstream: InsuranceUpstream;
  let now: Date;
  const open = (options: Partial<UpstreamOptions> = {}) => {
    upstream = createHttpUpstream({
      baseUrl: stub.url,
      servicePath: '/fsi/api/rsfComIfsService/callService',
      signIn: SIGN_IN,
      envelopeFactory,
      clock: { now: () => now },
      ...options,
    });
    return upstream;
  };
  const signIns = () => stub.requests.filter((r) => bodyOf(r).infno === '9001');
  const businessSignNos = () =>
    stub.requests
      .map(bodyOf)
      .filter((b) => b.infno !== '9001')
      .map((b) => b.sign_no);

  beforeEach(async () => {
    now = new Date('2026-11-22T11:30:00Z');
    stub = await startStub(platform());
  });
  afterEach(async () => {
    await upstream.close();
    await stub.close();
  });

  it('signs in once with opter_no, mac and ip, then puts the cached sign_no on every envelope', async () => {
    open();
    const first = await upstream.send(envelope3505());
    await upstream.send(envelope3505());
    expect(signIns()).to.have.length(1);
    const signIn = bodyOf(signIns()[0]);
    expect(signIn).to.include({ infno: '9001', sign_no: '', fixmedins_code: 'H15090201645' });
    expect(signIn.input).to.deep.equal({ signIn: { opter_no: 'SYS01', mac: '00-16-3E-01-02-03', ip: '10.1.2.3' } });
    expect(businessSignNos()).to.deep.equal(['SN1', 'SN1']);
    expect(JSON.parse(first.requestBody).sign_no).to.equal('SN1');
  });

  it('concurrent senders share one sign-in', async () => {
    open();
    const results = await Promise.all(Array.from({ length: 8 }, () => upstream.send(envelope3505())));
    expect(results.every((r) => r.outcome.kind === 'reply')).to.equal(true);
    expect(signIns()).to.have.length(1);
    expect(new Set(businessSignNos())).to.deep.equal(new Set(['SN1']));
  });

  it('signs in again after the platform refuses the sign_no (签到), and only once for many refusals', async () => {
    stub.handle(platform({ refuseSignNos: new Set(['SN1']) }));
    open();
    const refused = await Promise.all([upstream.send(envelope3505()), upstream.send(envelope3505())]);
    // The refusal itself goes back to the caller, who decides about resending.
    for (const r of refused) {
      expect(r.outcome.kind === 'reply' && isSignInRefusal(r.outcome.json)).to.equal(true);
    }
    await Promise.all([upstream.send(envelope3505()), upstream.send(envelope3505())]);
    expect(signIns()).to.have.length(2);
    expect(businessSignNos()).to.deep.equal(['SN1', 'SN1', 'SN2', 'SN2']);
  });

  it('signs in again when the hospital-local day changes', async () => {
    now = new Date('2026-11-22T15:59:00Z'); // 23:59 in Shanghai
    open();
    await upstream.send(envelope3505());
    now = new Date('2026-11-22T15:59:59Z');
    await upstream.send(envelope3505());
    now = new Date('2026-11-22T16:00:01Z'); // 00:00:01 the next day
    await upstream.send(envelope3505());
    expect(businessSignNos()).to.deep.equal(['SN1', 'SN1', 'SN2']);
  });

  it('a refused sign-in is a transient failure, sends nothing else, and is tried again next time', async () => {
    stub.handle(platform({ signInAnswer: answerJson({ infcode: -1, err_msg: '操作员不存在', output: null }) }));
    open();
    const result = await upstream.send(envelope3505());
    expect(result.requestBody).to.equal('');
    expect(result.outcome).to.include({ kind: 'failure', errorClass: 'transient', code: 'UPSTREAM_SIGN_IN_REFUSED' });
    expect(result.outcome.kind === 'failure' && result.outcome.message).to.include('操作员不存在');
    expect(businessSignNos()).to.have.length(0);
    stub.handle(platform());
    await upstream.send(envelope3505());
    expect(signIns()).to.have.length(2);
    expect(businessSignNos()).to.deep.equal(['SN1']);
  });

  it('a sign-in that cannot reach the platform is transient for the business request', async () => {
    stub.handle(platform({ signInAnswer: (_req, res) => res.socket?.destroy() }));
    const result = await open().send(envelope3505());
    expect(result.outcome).to.include({ kind: 'failure', errorClass: 'transient', code: 'UPSTREAM_SIGN_IN_FAILED' });
    expect(result.outcome.kind === 'failure' && result.outcome.message).to.include('UPSTREAM_DROPPED');
  });

  it('is signed like any other request (TIF headers on 9001 too)', async () => {
    open({ signing: { scheme: 'tif', paasId: 'hospital-a', paasToken: 'paas-token-for-test' } });
    await upstream.send(envelope3505());
    expect(signIns()[0]?.headers['x-tif-signature']).to.match(/^[0-9a-f]{64}$/);
  });

  it('reads the platform’s answers', () => {
    expect(signNoOf({ infcode: '0', output: { signinoutb: { sign_no: ' SN9 ' } } })).to.equal('SN9');
    expect(signNoOf({ infcode: 0, output: { signinoutb: {} } })).to.equal(null);
    expect(signNoOf({ infcode: -1, output: { signinoutb: { sign_no: 'SN9' } } })).to.equal(null);
    expect(isSignInRefusal({ infcode: '-1', err_msg: '未签到或签到已过期' })).to.equal(true);
    expect(isSignInRefusal({ infcode: -1, err_msg: '参保人不存在' })).to.equal(false);
    expect(isSignInRefusal({ infcode: 0, err_msg: '签到' })).to.equal(false);
  });
});
