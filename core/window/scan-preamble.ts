/**
 * The checks a return and a receipt scan make first, in the same order: a second scan of the same box is a
 * no-op; the drug must be on the order; its line must be coded; a case must have known units.
 */
import { packLevelName } from '../catalog/drug.js';
import { fillsOfDrug } from './line-fill.js';
import type { LineFill } from './line-fill.js';
import { duplicateScan, rejectedScan } from './scan-decision.js';
import type { ScanDecision, ScanInput } from './scan-decision.js';
import { drugLabel } from './scan-messages.js';
import { codesInSession } from './session-scans.js';

export interface ScanPreamble {
  label: string;
  inSession: Set<string>;
  /** The coded (not 无码) lines of the scanned drug. */
  coded: LineFill[];
}

export interface PreambleWords {
  notOnOrder: { code: string; where: string };
  exemptWhere: string;
  caseHint: string;
}

/** A decision to answer at once, or what the rest of the decision goes on with. */
export function scanPreamble(input: ScanInput, words: PreambleWords): { decision: ScanDecision } | ScanPreamble {
  const { session, resolved, units } = input;
  const code = resolved.traceCode;
  const label = drugLabel(resolved.owner.drug);
  const inSession = codesInSession(session);
  if (inSession.has(code)) {
    return { decision: duplicateScan() };
  }
  const fills = fillsOfDrug(session, resolved.owner.drug.hisDrugCode);
  if (fills.length === 0) {
    return {
      decision: rejectedScan(words.notOnOrder.code, `追溯码 ${code} 是 ${label}，${words.notOnOrder.where}没有这个药`),
    };
  }
  const coded = fills.filter((f) => !f.line.exempt);
  if (coded.length === 0) {
    return {
      decision: rejectedScan('LINE_EXEMPT', `追溯码 ${code} 是 ${label}，${words.exemptWhere}为无码药品，不需要扫码`),
    };
  }
  if (units.length === 0) {
    const level = packLevelName[resolved.owner.packLevel];
    return {
      decision: rejectedScan('CASE_UNITS_UNKNOWN', `${level} ${code}（${label}）没有登记所含小码，${words.caseHint}`),
    };
  }
  return { label, inSession, coded };
}
