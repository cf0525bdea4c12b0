import { expect } from 'chai';
import { classifyReply } from '../../../core/insurance/classify-reply.js';
import { retryDelayMs } from '../../../core/insurance/retry-schedule.js';

const ok = { infcode: 0, output: { result: { retRslt: '1', msgRslt: '成功' } } };

describe('what one platform answer means for an upload', () => {
  it('delivered only when infcode is 0 and retRslt is "1" (under output.result or output)', () => {
    expect(classifyReply(200, ok).kind).to.equal('delivered');
    expect(classifyReply(200, { infcode: '0', output: { retRslt: '1' } }).kind).to.equal('delivered');
    const refused = classifyReply(200, {
      infcode: 0,
      output: { result: { retRslt: '0', msgRslt: '必填字段 phar_name 为空' } },
    });
    expect(refused).to.include({ kind: 'failed', errorClass: 'permanent', code: 'PLATFORM_REJECTED' });
    expect(refused.kind === 'failed' && refused.message).to.contain('phar_name');
  });

  it('a framework refusal is permanent, unless it says busy or sign-in (then the same request may pass later)', () => {
    expect(classifyReply(200, { infcode: -1, err_msg: '参数 mdtrt_sn 格式错误' })).to.include({
      errorClass: 'permanent',
    });
    expect(classifyReply(200, { infcode: -1, err_msg: '系统繁忙，请稍后再试' })).to.include({
      errorClass: 'transient',
    });
    expect(classifyReply(200, { infcode: -1, err_msg: '签到信息已失效' })).to.include({ errorClass: 'transient' });
  });

  it('"already there" for the row is ambiguous: an earlier attempt got through, a query settles it', () => {
    const dup = classifyReply(200, {
      infcode: 0,
      output: { result: { retRslt: '0', msgRslt: '定点医药机构批次流水号 D1-1 已存在' } },
    });
    expect(dup).to.include({ kind: 'failed', errorClass: 'ambiguous' });
  });

  it('a batch answer with row errors is not delivered', () => {
    const batch = classifyReply(200, {
      infcode: 0,
      output: {
        result: { retRslt: '1' },
        selinfoErrDetail: [{ fixmedins_bchno: 'X-2', retRslt: '0', msgRslt: '追溯码格式错误' }],
      },
    });
    expect(batch).to.include({ kind: 'failed', errorClass: 'permanent' });
    expect(batch.kind === 'failed' && batch.message).to.contain('追溯码格式错误');
  });

  it('a body that is no envelope (a gateway page) is ambiguous', () => {
    expect(classifyReply(200, undefined)).to.include({ errorClass: 'ambiguous', code: 'RESPONSE_MALFORMED' });
    expect(classifyReply(200, { infcode: 'x' })).to.include({ errorClass: 'ambiguous' });
  });
});

describe('retry schedule', () => {
  const policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 10 };

  it('grows exponentially up to the cap, with full jitter', () => {
    expect(retryDelayMs(1, policy, () => 0.999)).to.equal(999);
    expect(retryDelayMs(3, policy, () => 0.999)).to.equal(3996);
    expect(retryDelayMs(30, policy, () => 0.999)).to.equal(59_940);
    expect(retryDelayMs(3, policy, () => 0.5)).to.equal(2000);
  });

  it('never waits less than a tenth of the base (no busy loop on a zero draw)', () => {
    expect(retryDelayMs(5, policy, () => 0)).to.equal(100);
  });
});
