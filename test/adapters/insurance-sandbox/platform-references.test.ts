import { expect } from 'chai';
import { TracegateError } from '../../../core/errors.js';
import { parseResponse } from '../../../core/insurance/envelope.js';
import { RefMsgIdSource } from '../../../core/insurance/refmsgid-source.js';
import { platformResponse } from '../../../core/insurance/response-envelope.js';
import { decideFault } from '../../../adapters/insurance-sandbox/fault-injection.js';
import { NO_FAULTS, mergeFaults } from '../../../adapters/insurance-sandbox/fault-settings.js';
import { seededRandom } from '../../../adapters/insurance-sandbox/seeded-random.js';

describe('insurance sandbox: references, response envelope and fault draws', () => {
  it('inf_refmsgid is area + hospital-time second + a 10-digit counter that never repeats', () => {
    const source = new RefMsgIdSource('310000');
    const at = new Date('2023-09-20T10:23:50.000Z');
    expect(source.next(at)).to.equal('310000202309201823500000000001');
    expect(source.next(at)).to.equal('310000202309201823500000000002');
    expect(source.next(new Date('2023-09-20T10:23:49.000Z')), 'clock stepped back').to.equal(
      '310000202309201823490000000003'
    );
    expect(() => new RefMsgIdSource('31000')).to.throw(TracegateError, /6 位数字/);
  });

  it('the response envelope reads back with parseResponse; err_msg is cut to 200 characters', () => {
    const received = Date.parse('2026-11-22T11:30:00.123Z');
    const ok = platformResponse({
      outcome: { ok: true, output: { result: { retRslt: '1', msgRslt: '成功' } } },
      infRefmsgid: 'R'.repeat(30),
      receivedMs: received,
      respondedMs: received + 5,
    });
    expect(ok).to.include({ infcode: 0, refmsg_time: '20261122193000123', respond_time: '20261122193000128' });
    expect(parseResponse(ok).ok).to.equal(true);
    const failed = platformResponse({
      outcome: { ok: false, errMsg: '错'.repeat(300) },
      infRefmsgid: 'R'.repeat(30),
      receivedMs: received,
      respondedMs: received,
    });
    expect([...(failed.err_msg ?? '')]).to.have.length(200);
    expect(parseResponse(failed)).to.include({ ok: false, infcode: -1 });
  });

  it('fault draws depend on the seed only, not on which rates are on', () => {
    const actions = (faults: typeof NO_FAULTS, seed: number): string[] => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => decideFault(faults, random).action);
    };
    const errors = mergeFaults(NO_FAULTS, { errorRate: 0.3 });
    const errorsAndTimeouts = mergeFaults(errors, { timeoutRate: 0.3 });
    const a = actions(errors, 1);
    const b = actions(errorsAndTimeouts, 1);
    expect(a.map((x) => x === 'error')).to.deep.equal(b.map((x) => x === 'error'));
    expect(actions(errors, 1)).to.deep.equal(a);
    expect(actions(errors, 2)).to.not.deep.equal(a);
    expect(actions(NO_FAULTS, 1).every((x) => x === 'none')).to.equal(true);
    expect(() => mergeFaults(NO_FAULTS, { dropRate: -0.1 })).to.throw(TracegateError, /dropRate/);
    expect(() => mergeFaults(NO_FAULTS, { latency: 5 })).to.throw(TracegateError, /FAULTS_INVALID|latency/);
  });
});
