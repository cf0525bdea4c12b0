import { expect } from 'chai';
import { MsgIdSource } from '../../../core/insurance/msgid-source.js';

describe('msgid after a restart', () => {
  it('a source started within the second its predecessor used begins at the next second: no repeats', () => {
    const t = new Date('2026-11-29T02:00:00.300Z');
    const before = new MsgIdSource('H31011500001');
    const used = new Set([before.next(t), before.next(t), before.next(t)]);
    const restarted = new MsgIdSource('H31011500001', null, new Date('2026-11-29T02:00:00.900Z'));
    const next = restarted.next(new Date('2026-11-29T02:00:00.950Z'));
    expect(used.has(next)).to.equal(false);
    expect(next).to.equal('H31011500001202611291000010001');
  });
});
