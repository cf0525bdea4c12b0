/** When the daily anomaly run is due: once per hospital day (Asia/Shanghai), at or after `dailyAt` (HH:mm). */
import { shanghaiDate, shanghaiDateTime } from '../shanghai-time.js';

/** The hospital day whose run is due at `now`, or null before `dailyAt`. A day missed (server down) runs on start. */
export function dueDailyRun(now: Date, dailyAt: string): string | null {
  const iso = now.toISOString();
  const time = shanghaiDateTime(iso).slice(11, 16);
  return time >= dailyAt ? shanghaiDate(iso) : null;
}

export function dailyRunKey(date: string): string {
  return `daily:${date}`;
}
