import { expect } from 'chai';
import { dailyRows } from '../../../core/reports/daily-report.js';
import { addDays, dayEnd, dayStart, daysEndingOn, requireDate } from '../../../core/reports/shanghai-days.js';

describe('daily trend and Shanghai days (pure)', () => {
  it('folds UTC hours into Shanghai days: receipts less implicit ones, zeros for quiet days', () => {
    const rows = dailyRows(
      ['2026-11-28', '2026-11-29'],
      [
        { hour: '2026-11-28T15', metric: 'received', count: 4 },
        { hour: '2026-11-28T16', metric: 'received', count: 3 },
        { hour: '2026-11-29T02', metric: 'implicit_received', count: 1 },
        { hour: '2026-11-29T02', metric: 'dispensed', count: 2 },
        { hour: '2026-11-29T03', metric: 'refused_scans', count: 5 },
      ],
      { '2026-11-29': 2 }
    );
    expect(rows[0]).to.deep.include({ date: '2026-11-28', received: 4, dispensed: 0, anomalies: 0 });
    expect(rows[1]).to.deep.include({
      date: '2026-11-29',
      received: 2,
      dispensedNeverReceived: 1,
      dispensed: 2,
      refusedScans: 5,
      anomalies: 2,
    });
    expect(dailyRows(['2026-11-29'], [], null)[0]!.anomalies).to.equal(null);
  });

  it('turns days into instant ranges and checks dates', () => {
    expect(dayStart('2026-11-29')).to.equal('2026-11-28T16:00:00.000Z');
    expect(dayEnd('2026-11-29')).to.equal('2026-11-29T16:00:00.000Z');
    expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
    expect(daysEndingOn('2026-03-01', 3)).to.deep.equal(['2026-02-27', '2026-02-28', '2026-03-01']);
    expect(requireDate('2024-02-29', 'asOf')).to.equal('2024-02-29');
    expect(() => requireDate('2026-02-29', 'asOf')).to.throw(/asOf「2026-02-29」不是有效日期/);
  });
});
