/** Whether one unit pack may leave the pharmacy on a dispense: ledger state, policy for unknown codes, expiry. */
import type { Drug, PackLevel } from '../catalog/drug.js';
import type { ScannedUnit } from './scan-decision.js';
import { drugLabel, PACK_WORD, stateProblem, subjectOf, unitWord } from './scan-messages.js';
import type { ScanProblemInfo } from './session.js';
import type { WindowPolicy } from './window-policy.js';

export interface DispenseCheckContext {
  drug: Drug;
  scannedCode: string;
  scannedLevel: PackLevel;
  policy: WindowPolicy;
  today: string;
  /** The expiry printed in the scanned GS1 code, used when the ledger has none. */
  scannedExpiry: string | null;
  /** Opened (拆零) packs may serve a split; a case's units must be whole, unopened packs. */
  allowOpened: boolean;
}

export type UnitCheck = { ok: true; neverReceived: boolean } | { ok: false; problem: ScanProblemInfo };

export function checkDispensable(unit: ScannedUnit, ctx: DispenseCheckContext): UnitCheck {
  const { drug, policy } = ctx;
  const subject = subjectOf(unit.traceCode, ctx.scannedCode, ctx.scannedLevel);
  const label = drugLabel(drug);
  const pack = unit.pack;
  const fail = (problem: ScanProblemInfo): UnitCheck => ({ ok: false, problem });

  if (pack && pack.hisDrugCode !== drug.hisDrugCode) {
    return fail({
      code: 'CODE_DRUG_MISMATCH',
      message: `${subject} 按三码对照是 ${label}，台账入库时登记的却是药品编码 ${pack.hisDrugCode}，请核查三码对照或是否串换`,
    });
  }
  if (!pack && policy.neverReceived === 'refuse') {
    return fail({
      code: 'CODE_NOT_RECEIVED',
      message: `${subject}（${label}）不在本院台账中（未入库），不能发药，请先入库或交药房主管核查来源`,
    });
  }
  if (pack) {
    switch (pack.state) {
      case 'in_stock':
        break;
      case 'opened':
        if (!ctx.allowOpened) {
          return fail({
            code: 'CODE_OPENED',
            message: `${subject}（${label}）已拆零（剩余 ${pack.unitsRemaining ?? 0}${unitWord(drug)}），不能整${PACK_WORD}发出`,
          });
        }
        break;
      case 'dispensed':
        return fail(stateProblem('CODE_ALREADY_DISPENSED', subject, label, pack, '同一药盒不能重复发药，请核查'));
      case 'quarantined':
        return fail(stateProblem('CODE_QUARANTINED', subject, label, pack, '已隔离的药盒不能发药，请交药房主管处理'));
      case 'scrapped':
        return fail(stateProblem('CODE_SCRAPPED', subject, label, pack, '已报废的药盒不能发药'));
      case 'transferred_out':
        return fail(stateProblem('CODE_TRANSFERRED_OUT', subject, label, pack, '已调出本库的药盒不能在这里发药'));
      default:
        return pack.state satisfies never;
    }
  }
  // The ledger's expiry is what was checked at receipt; a GS1 code's own AI 17 covers packs the ledger lacks.
  const expiry = pack?.expiry ?? ctx.scannedExpiry;
  if (expiry !== null && expiry < ctx.today) {
    return fail({
      code: 'CODE_EXPIRED',
      message: `${subject}（${label}）有效期至 ${expiry}，已过期（今天 ${ctx.today}），不能发药`,
    });
  }
  return { ok: true, neverReceived: pack === null };
}
