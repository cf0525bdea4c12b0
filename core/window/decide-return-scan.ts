/**
 * PRODUCT.md rule 6 for one scan at a return (退药退码, 药码一致才能退药): the pack must be one this visit or
 * prescription was given, still out with the patient, within the return window, and wanted by a return line.
 * Modelled on the EU undo rules (verification-anchors §1.3): same place, limited days, never twice.
 */
import type { DispensedCode } from './dispensed-codes.js';
import type { LineFill } from './line-fill.js';
import { describeReturnTarget } from './plan-lines.js';
import { acceptedScan, rejectedScan, requireUnits } from './scan-decision.js';
import { scanPreamble } from './scan-preamble.js';
import type { ScanDecision, ScanInput, ScannedUnit } from './scan-decision.js';
import { drugLabel, PACK_WORD, stateAndWhere, stateProblem, subjectOf } from './scan-messages.js';
import { returnOrderOf } from './session-scans.js';
import type { Assignment, ReturnOrder, ScanProblemInfo } from './session.js';
import { daysBetween, shanghaiDate } from '../shanghai-time.js';

export function decideReturnScan(input: ScanInput, dispensed: ReadonlyMap<string, DispensedCode>): ScanDecision {
  const order = returnOrderOf(input.session);
  requireUnits(input);
  const { resolved, units } = input;
  const pre = scanPreamble(input, {
    notOnOrder: { code: 'DRUG_NOT_ON_RETURN', where: '本次退药' },
    exemptWhere: '本次退药中',
    caseHint: `请逐${PACK_WORD}扫描退药`,
  });
  if ('decision' in pre) {
    return pre.decision;
  }
  const { label, inSession, coded } = pre;
  const counts = new Map(coded.map((f) => [f.line.lineNo, f.whole]));
  const assignments: Assignment[] = [];
  for (const unit of units) {
    const subject = subjectOf(unit.traceCode, resolved.traceCode, resolved.owner.packLevel);
    if (inSession.has(unit.traceCode)) {
      return rejectedScan(
        'CODE_ALREADY_SCANNED',
        `${subject}（${label}）本次已扫过，整件不能再扫入，请逐${PACK_WORD}扫描`
      );
    }
    const problem = checkReturnable(input, order, unit, subject, dispensed.get(unit.traceCode));
    if (problem) {
      return rejectedScan(problem.code, problem.message);
    }
    const original = dispensed.get(unit.traceCode) as DispensedCode;
    const fill = coded.find((f) => f.line.lineNo === original.lineNo);
    if (!fill) {
      return rejectedScan(
        'RETURN_LINE_NOT_ON_RETURN',
        `${subject}（${label}）是原处方第${original.lineNo}行发出的，本次退药没有第${original.lineNo}行，请核对退药明细`
      );
    }
    const scanned = counts.get(fill.line.lineNo) ?? 0;
    if (scanned >= fill.line.packs) {
      return rejectedScan('TOO_MANY_PACKS', tooManyReturned(subject, fill, scanned));
    }
    counts.set(fill.line.lineNo, scanned + 1);
    assignments.push({
      traceCode: unit.traceCode,
      lineNo: fill.line.lineNo,
      role: 'whole',
      units: null,
      stateAtScan: unit.pack?.state ?? null,
      via: unit.via ?? (unit.traceCode === resolved.traceCode ? null : resolved.traceCode),
    });
  }
  return acceptedScan(assignments, null);
}

function checkReturnable(
  input: ScanInput,
  order: ReturnOrder,
  unit: ScannedUnit,
  subject: string,
  original: DispensedCode | undefined
): ScanProblemInfo | null {
  const drug = input.resolved.owner.drug;
  const label = drugLabel(drug);
  const pack = unit.pack;
  if (!original) {
    // Say where the box did go, when the ledger knows: that is what the pharmacy head will ask next.
    const elsewhere = pack?.state === 'dispensed' ? `；该盒当前状态为${stateAndWhere(pack)}` : '';
    return {
      code: 'RETURN_CODE_NOT_DISPENSED_HERE',
      message: `${subject}（${label}）不是本次就诊/处方发出的药盒（${describeReturnTarget(order)}），不能退药${elsewhere}`,
    };
  }
  if (original.role === 'split') {
    return {
      code: 'RETURN_SPLIT_PACK',
      message: `${subject}（${label}）是处方 ${original.prescriptionNo} 第${original.lineNo}行拆零发出的药盒，拆零药品不能整${PACK_WORD}退药`,
    };
  }
  if (!pack) {
    return {
      code: 'CODE_NOT_IN_LEDGER',
      message: `${subject}（${label}）不在本院台账中，不能退药入库，请交药房主管核查`,
    };
  }
  if (pack.hisDrugCode !== drug.hisDrugCode) {
    return {
      code: 'CODE_DRUG_MISMATCH',
      message: `${subject} 按三码对照是 ${label}，台账登记的却是药品编码 ${pack.hisDrugCode}，请核查三码对照`,
    };
  }
  switch (pack.state) {
    case 'dispensed':
      // Returned and sold again to someone else since: the ledger's current sale is not this one. The dispense
      // completion writes the prescription number as the event's ref (the session id is accepted too).
      if (pack.ref !== null && pack.ref !== original.prescriptionNo && pack.ref !== original.sessionId) {
        return stateProblem(
          'RETURN_CODE_DISPENSED_AGAIN',
          subject,
          label,
          pack,
          `已不是处方 ${original.prescriptionNo} 发出的状态（退回后又发出），不能按原处方退药`
        );
      }
      break;
    case 'in_stock':
    case 'quarantined':
    case 'opened':
      // Dispensed in the original, back in the pharmacy now: it has already been returned once.
      return stateProblem('RETURN_ALREADY_RETURNED', subject, label, pack, '已经退过药，不能重复退药');
    case 'scrapped':
      return stateProblem('CODE_SCRAPPED', subject, label, pack, '已报废的药盒不能退药');
    case 'transferred_out':
      return stateProblem('CODE_TRANSFERRED_OUT', subject, label, pack, '已调出的药盒不能退药');
    default:
      return pack.state satisfies never;
  }
  const dispensedOn = shanghaiDate(original.completedAt);
  const days = daysBetween(dispensedOn, input.today);
  if (days > input.policy.returnWindowDays) {
    return {
      code: 'RETURN_WINDOW_EXPIRED',
      message: `${subject}（${label}）于 ${dispensedOn} 发药（处方 ${original.prescriptionNo}），已过 ${days} 天，超过 ${input.policy.returnWindowDays} 天退药期限，不能退药`,
    };
  }
  return null;
}

function tooManyReturned(subject: string, fill: LineFill, scanned: number): string {
  return `${subject}：第${fill.line.lineNo}行 ${fill.line.drugName} 应退 ${fill.line.packs} ${PACK_WORD}，已扫满 ${scanned} ${PACK_WORD}，这一${PACK_WORD}多了`;
}
