/** What a hospital decides about the pharmacy window; everything else in the window rules is fixed. */
export interface WindowPolicy {
  /** A code this hospital never received: let it through with a warning (early rollout) or refuse it. */
  neverReceived: 'warn' | 'refuse';
  /** Calendar days (Asia/Shanghai) after the dispense date within which a pack may come back. */
  returnWindowDays: number;
  /** Where an accepted returned pack goes. */
  returnDisposition: 'stock' | 'quarantine';
  /** Whether a line with a 拆零 remainder is complete only once the opened (or to-be-opened) pack is scanned. */
  requireSplitScan: boolean;
  /**
   * Who sends the 3503/3505/3506 rows of completed sessions: tracegate's outbox ('upload'), or the HIS itself through
   * its own insurance interface ('hold': the rows are kept for reconciliation and never sent by tracegate).
   */
  businessRows: 'upload' | 'hold';
}

/**
 * Warn on never-received codes because during rollout much stock predates the ledger and a refusal there would be
 * a false alert (verification-anchors §1.5); a week for returns; split packs must be scanned (应扫尽扫).
 */
export const defaultWindowPolicy: Readonly<WindowPolicy> = Object.freeze({
  neverReceived: 'warn',
  returnWindowDays: 7,
  returnDisposition: 'stock',
  requireSplitScan: true,
  businessRows: 'upload',
});
