/** Findings per hospital day and type, for the dashboard's trend (by the day the anomaly happened, not found). */
import { shanghaiDate } from '../shanghai-time.js';
import { AnomalyTypes, type AnomalyType } from './anomaly.js';

export interface TrendDay {
  date: string;
  byType: Record<AnomalyType, number>;
  total: number;
}

const DAY_MS = 24 * 3600_000;

/** Every day of the last `days` hospital days up to `now` (oldest first), zeros included. */
export function anomalyTrend(
  times: readonly { type: AnomalyType; occurredAt: string }[],
  days: number,
  now: Date
): TrendDay[] {
  const out: TrendDay[] = [];
  const index = new Map<string, TrendDay>();
  for (let i = days - 1; i >= 0; i--) {
    const date = shanghaiDate(new Date(now.getTime() - i * DAY_MS).toISOString());
    const day: TrendDay = {
      date,
      byType: Object.fromEntries(AnomalyTypes.map((t) => [t, 0])) as Record<AnomalyType, number>,
      total: 0,
    };
    out.push(day);
    index.set(date, day);
  }
  for (const t of times) {
    const day = index.get(shanghaiDate(t.occurredAt));
    if (day) {
      day.byType[t.type] += 1;
      day.total += 1;
    }
  }
  return out;
}

/** The first instant of the oldest day of the trend (Shanghai midnight), for the store's bound. */
export function trendStart(days: number, now: Date): string {
  const oldest = shanghaiDate(new Date(now.getTime() - (days - 1) * DAY_MS).toISOString());
  return new Date(Date.parse(`${oldest}T00:00:00+08:00`)).toISOString();
}
