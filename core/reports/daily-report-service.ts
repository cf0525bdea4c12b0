/** GET /api/v1/reports/daily: the last N hospital-local days, today included. */
import { invalid } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { DailyAnomalyCounter } from '../ports/daily-anomaly-counter.js';
import type { ReconciliationStore } from '../ports/reconciliation-store.js';
import { shanghaiDate } from '../shanghai-time.js';
import { dailyRows, type DailyReport } from './daily-report.js';
import { dayEnd, dayStart, daysEndingOn } from './shanghai-days.js';

export const MAX_DAILY_DAYS = 366;

export class DailyReportService {
  constructor(
    private readonly store: Pick<ReconciliationStore, 'hourlyCounts'>,
    private readonly clock: Clock,
    private readonly anomalies: DailyAnomalyCounter | null = null
  ) {}

  async daily(days = 30): Promise<DailyReport> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAILY_DAYS) {
      throw invalid('DAYS_INVALID', `天数「${days}」应为 1–${MAX_DAILY_DAYS} 的整数`, { days });
    }
    const now = this.clock.now().toISOString();
    const dates = daysEndingOn(shanghaiDate(now), days);
    const from = dayStart(dates[0]!);
    const until = dayEnd(dates.at(-1)!);
    const [hours, anomalies] = await Promise.all([
      this.store.hourlyCounts(from, until),
      this.anomalies ? this.anomalies.anomaliesPerDay(from, until) : Promise.resolve(null),
    ]);
    return { from: dates[0]!, to: dates.at(-1)!, generatedAt: now, days: dailyRows(dates, hours, anomalies) };
  }
}
