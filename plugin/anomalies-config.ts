/**
 * `reports.anomalies` in the configuration: when the daily run happens and the thresholds of each rule
 * (core/anomalies/thresholds.ts explains each; the defaults come from the seed documents).
 */
import { z } from 'zod';
import { defaultThresholds as d } from '../core/anomalies/thresholds.js';
import type { AnomalyThresholds } from '../core/anomalies/thresholds.js';

const count = (fallback: number, min = 1) => z.number().int().min(min).max(10_000).default(fallback);

export const anomaliesConfigSchema = z
  .object({
    /** The daily run (the API and CLI can always run it on demand). */
    enabled: z.boolean().default(true),
    /** Hospital time (Asia/Shanghai) of the daily run; a day missed while stopped runs at the next start. */
    dailyAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm (00:00–23:59)')
      .default('02:30'),
    /** Days each run looks back (bounds every query). */
    periodDays: z.number().int().min(1).max(93).default(d.periodDays),
    agent: z
      .object({
        minPatients: count(d.agent.minPatients, 2),
        minPrescriptions: count(d.agent.minPrescriptions, 2),
        highPatients: count(d.agent.highPatients, 2),
        vbpOnly: z.boolean().default(d.agent.vbpOnly),
      })
      .strict()
      .prefault({}),
    overQuantity: z
      .object({
        maxBoxesPerLine: count(d.overQuantity.maxBoxesPerLine),
        /** HIS drug code → its own limit in boxes. */
        perDrug: z.record(z.string().min(1), z.number().int().min(1).max(10_000)).default({}),
      })
      .strict()
      .prefault({}),
    salesAboveReceipts: z
      .object({
        minUnreceived: count(d.salesAboveReceipts.minUnreceived),
        highRatio: z.number().gt(0).max(1).default(d.salesAboveReceipts.highRatio),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type AnomaliesConfig = z.infer<typeof anomaliesConfigSchema>;

export function thresholdsOf(c: AnomaliesConfig): AnomalyThresholds {
  return {
    periodDays: c.periodDays,
    agent: { ...c.agent },
    overQuantity: { maxBoxesPerLine: c.overQuantity.maxBoxesPerLine, perDrug: { ...c.overQuantity.perDrug } },
    salesAboveReceipts: { ...c.salesAboveReceipts },
  };
}
