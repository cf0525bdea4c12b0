/**
 * What makes a pattern an anomaly and how risky it is. Defaults are chosen from the seed documents; the hospital
 * sets its own under `reports.anomalies` in the configuration.
 */
export interface AnomalyThresholds {
  /** The rules look at the last `periodDays` days (the daily run overlaps itself; findings update in place). */
  periodDays: number;
  agent: {
    /** Different patient names one agent/contact collected for in the period (the seed case: 10–20 per visit). */
    minPatients: number;
    /** Prescriptions one agent/contact collected in the period. */
    minPrescriptions: number;
    /** From this many patient names the finding is high risk (below: medium). */
    highPatients: number;
    /** Count only prescriptions with a 集采 drug (the seed case: 阿托伐他汀钙片, 甲钴胺片, 厄贝沙坦氢氯噻嗪片). */
    vbpOnly: boolean;
  };
  overQuantity: {
    /** Boxes (whole smallest coded packs, a 拆零 remainder counting as one) of one drug on one prescription line. */
    maxBoxesPerLine: number;
    /** Per HIS drug code, a limit that replaces maxBoxesPerLine for that drug. */
    perDrug: Record<string, number>;
  };
  salesAboveReceipts: {
    /** Packs of one drug sold in the period with no receipt on record before the finding is made. */
    minUnreceived: number;
    /** Share of the drug's sales with no receipt from which it is high risk. */
    highRatio: number;
  };
}

export const defaultThresholds: AnomalyThresholds = {
  periodDays: 7,
  agent: { minPatients: 5, minPrescriptions: 5, highPatients: 10, vbpOnly: true },
  // 12 weeks (the 长处方 limit) of a once-daily 7-tablet box is 12 boxes; the seed case had 26.
  overQuantity: { maxBoxesPerLine: 12, perDrug: {} },
  salesAboveReceipts: { minUnreceived: 5, highRatio: 0.2 },
};

/** The smallest box limit of any drug: sessions under it cannot have an over-quantity line. */
export function smallestBoxLimit(t: AnomalyThresholds['overQuantity']): number {
  return Math.min(t.maxBoxesPerLine, ...Object.values(t.perDrug));
}

export function boxLimitOf(t: AnomalyThresholds['overQuantity'], hisDrugCode: string): number {
  return t.perDrug[hisDrugCode] ?? t.maxBoxesPerLine;
}
