import { expect } from 'chai';
import fc from 'fast-check';
import { businessKey, MAX_BUSINESS_KEY_LENGTH } from '../../../core/window/business-key.js';
import { daysBetween, shanghaiDate, shanghaiDateTime } from '../../../core/shanghai-time.js';

describe('business keys (fixmedins_bchno ≤ 30)', () => {
  it('keeps a short id whole and cuts a UUID, keeping a hash of the whole id', () => {
    expect(businessKey('disp-0001', 3)).to.equal('disp-0001-3');
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const key = businessKey(uuid, 12);
    expect(key).to.have.length.at.most(30);
    expect(key.startsWith(uuid.slice(0, 19))).to.equal(true);
    expect(key.endsWith('-12')).to.equal(true);
    expect(businessKey(uuid, 12)).to.equal(key);
  });

  it('two long ids with the same 24-character prefix still get different keys', () => {
    const a = 'DISPENSE-2026-11-22-WINDOW3-000001';
    const b = 'DISPENSE-2026-11-22-WINDOW3-000002';
    expect(businessKey(a, 1)).not.to.equal(businessKey(b, 1));
  });

  it('is never longer than 30 for any id, line and part', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 9999 }),
        fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
        (id, line, part) => {
          expect(businessKey(id, line, part).length).to.be.at.most(MAX_BUSINESS_KEY_LENGTH);
        }
      )
    );
  });
});

describe('Shanghai time', () => {
  it('adds eight hours across a date boundary', () => {
    expect(shanghaiDateTime('2026-11-22T16:30:05.123Z')).to.equal('2026-11-23 00:30:05');
    expect(shanghaiDate('2026-12-31T16:00:00Z')).to.equal('2027-01-01');
    expect(shanghaiDateTime('2026-11-22T08:00:00+08:00')).to.equal('2026-11-22 08:00:00');
  });

  it('refuses a time without an offset (JavaScript would read it as server-local time)', () => {
    expect(() => shanghaiDateTime('2026-11-22T08:00:00')).to.throw(/时区/);
    expect(() => shanghaiDate('garbage')).to.throw(/时区/);
  });

  it('counts calendar days', () => {
    expect(daysBetween('2026-11-20', '2026-11-27')).to.equal(7);
    expect(daysBetween('2026-02-28', '2026-03-01')).to.equal(1);
    expect(daysBetween('2026-11-22', '2026-11-20')).to.equal(-2);
  });
});
