/** The daily schedule, the trend's days, the agent's contact key and a line's boxes. */
import { expect } from 'chai';
import { anomalyTrend, trendStart } from '../../../core/anomalies/anomaly-trend.js';
import { contactKey, maskPhone, phoneDigits } from '../../../core/anomalies/contact-key.js';
import { dailyRunKey, dueDailyRun } from '../../../core/anomalies/daily-schedule.js';
import { lineBoxes } from '../../../core/anomalies/line-boxes.js';

describe('anomaly schedule, trend and keys', () => {
  it('is due once the hospital clock passes dailyAt, for that hospital day', () => {
    // 02:29 and 02:30 in Shanghai on 2026-11-22.
    expect(dueDailyRun(new Date('2026-11-21T18:29:00Z'), '02:30')).to.equal(null);
    expect(dueDailyRun(new Date('2026-11-21T18:30:00Z'), '02:30')).to.equal('2026-11-22');
    // 23:59 UTC is 07:59 the next day in Shanghai.
    expect(dueDailyRun(new Date('2026-11-22T23:59:00Z'), '02:30')).to.equal('2026-11-23');
    expect(dailyRunKey('2026-11-22')).to.equal('daily:2026-11-22');
  });

  it('counts findings per hospital day, every day present, oldest first', () => {
    const now = new Date('2026-11-22T02:00:00Z'); // 10:00 in Shanghai
    const trend = anomalyTrend(
      [
        { type: 'OVER_QUANTITY', occurredAt: '2026-11-21T17:00:00Z' }, // 01:00 on the 22nd
        { type: 'OVER_QUANTITY', occurredAt: '2026-11-21T15:00:00Z' }, // 23:00 on the 21st
        { type: 'AGENT_MANY_PATIENTS', occurredAt: '2026-11-10T00:00:00Z' }, // outside
      ],
      3,
      now
    );
    expect(trend.map((d) => [d.date, d.total])).to.deep.equal([
      ['2026-11-20', 0],
      ['2026-11-21', 1],
      ['2026-11-22', 1],
    ]);
    expect(trend[2]!.byType.OVER_QUANTITY).to.equal(1);
    expect(trend[2]!.byType.SAME_CODE_SOLD_TWICE).to.equal(0);
    expect(trendStart(3, now)).to.equal('2026-11-19T16:00:00.000Z');
  });

  it('keys an agent by phone digits (without +86), else by name; nothing for blanks', () => {
    expect(contactKey({ name: '王五', phone: '+86 139-0000-1111' })).to.equal('tel:13900001111');
    expect(contactKey({ name: '王五', phone: '0086 13900001111' })).to.equal('tel:13900001111');
    expect(contactKey({ name: ' 王  五 ', phone: null })).to.equal('name:王 五');
    expect(contactKey({ name: 'ＡＢ', phone: '12' })).to.equal('name:ab');
    expect(contactKey({ name: '  ', phone: '' })).to.equal(null);
    expect(contactKey(null)).to.equal(null);
    expect(contactKey(undefined)).to.equal(null);
    expect(phoneDigits('023-4755 7312')).to.equal('02347557312');
    expect(maskPhone('13900001111')).to.equal('139****1111');
  });

  it('counts a line’s boxes: whole packs, a 拆零 remainder as one, none for 无码 lines', () => {
    expect(lineBoxes({ packs: 2, splitUnits: 0, exempt: false })).to.equal(2);
    expect(lineBoxes({ packs: 2, splitUnits: 3, exempt: false })).to.equal(3);
    expect(lineBoxes({ packs: 0, splitUnits: 0, exempt: true })).to.equal(0);
  });
});
