/** The pharmacy window's scan decisions in one import: dispense, return and receipt, and where a session stands. */
export type { ScanDecision, ScanInput, ScannedUnit } from './scan-decision.js';
export type { DispensedCode } from './dispensed-codes.js';
export type { SessionSummary } from './line-progress.js';
export { decideDispenseScan } from './decide-dispense-scan.js';
export { decideReturnScan } from './decide-return-scan.js';
export { decideReceiptScan } from './decide-receipt-scan.js';
export { dispensedCodes } from './dispensed-codes.js';
export { completionProblems, lineProgress, sessionSummary } from './line-progress.js';
