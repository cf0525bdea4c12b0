/**
 * The dashboard's trend: per hospital-local day, what the pharmacy did (received, dispensed, returned packs), what the
 * window refused, what reached the insurance platform, and anomalies found where that is known. Pure: the store
 * counts per UTC hour, this file folds hours into days.
 */
import type { DailyMetric, HourCountRow } from '../ports/reconciliation-store.js';
import { dayOfHour } from './shanghai-days.js';

export interface DailyRow {
  /** yyyy-MM-dd, hospital-local. */
  date: string;
  /** Packs received (implicit receipts not included: they are dispensedNeverReceived). */
  received: number;
  /** Whole packs dispensed. */
  dispensed: number;
  /** 拆零 dispensings (units taken from a pack). */
  splitDispensed: number;
  /** Packs returned (to stock or to quarantine). */
  returned: number;
  /** Packs dispensed that had never been received here (implicit receipts). */
  dispensedNeverReceived: number;
  /** Scans the window refused (audit). */
  refusedScans: number;
  uploadsDelivered: number;
  /** Uploads that became dead (refused or given up) that day. */
  uploadsFailed: number;
  /** Anomalies found; null when no anomaly counter is installed. */
  anomalies: number | null;
}

export interface DailyReport {
  from: string;
  to: string;
  generatedAt: string;
  days: DailyRow[];
}

export function dailyRows(
  dates: readonly string[],
  hours: readonly HourCountRow[],
  anomalies: Readonly<Record<string, number>> | null
): DailyRow[] {
  const byDay = new Map<string, Map<DailyMetric, number>>();
  for (const h of hours) {
    const day = dayOfHour(h.hour);
    const metrics = byDay.get(day) ?? new Map<DailyMetric, number>();
    metrics.set(h.metric, (metrics.get(h.metric) ?? 0) + h.count);
    byDay.set(day, metrics);
  }
  return dates.map((date) => {
    const m = (metric: DailyMetric): number => byDay.get(date)?.get(metric) ?? 0;
    return {
      date,
      received: m('received') - m('implicit_received'),
      dispensed: m('dispensed'),
      splitDispensed: m('split_dispensed'),
      returned: m('returned'),
      dispensedNeverReceived: m('implicit_received'),
      refusedScans: m('refused_scans'),
      uploadsDelivered: m('uploads_delivered'),
      uploadsFailed: m('uploads_failed'),
      anomalies: anomalies === null ? null : (anomalies[date] ?? 0),
    };
  });
}
