/**
 * The daily trend report's hook for anomalies found per day: bound by whoever keeps anomalies (its own module), left
 * unbound otherwise (the report then says null, not 0).
 */
export interface DailyAnomalyCounter {
  /** Anomalies found per Shanghai day (yyyy-MM-dd) for instants in [from, until); days without any may be absent. */
  anomaliesPerDay(from: string, until: string): Promise<Record<string, number>>;
}
