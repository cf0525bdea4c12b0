/**
 * PRODUCT.md rule 7 for one scan at a receipt: the pack must be new to the ledger (a code already in stock or
 * already dispensed is a red flag), on the delivery note, and of the lot and expiry the note says.
 */
import { packLevelName } from '../catalog/drug.js';
import type { ResolvedCode } from '../catalog/catalog-service.js';
import { needsWhole, wholeRoom } from './line-fill.js';
import type { LineFill } from './line-fill.js';
import { acceptedScan, gs1LotAndExpiry, rejectedScan, requireUnits } from './scan-decision.js';
import { scanPreamble } from './scan-preamble.js';
import type { ScanDecision, ScanInput } from './scan-decision.js';
import { PACK_WORD, stateProblem, subjectOf } from './scan-messages.js';
import { receiptOrderOf } from './session-scans.js';
import type { Assignment, ScanProblemInfo } from './session.js';

type LotAndExpiry = { lot: string | null; expiry: string | null };

export function decideReceiptScan(input: ScanInput): ScanDecision {
  const order = receiptOrderOf(input.session);
  requireUnits(input);
  const { resolved, units } = input;
  const pre = scanPreamble(input, {
    notOnOrder: { code: 'DRUG_NOT_ON_DELIVERY', where: `本随货单（${order.deliveryNo}，${order.supplier}）` },
    exemptWhere: '随货单上',
    caseHint: `请导入包装关系或拆开逐${PACK_WORD}扫描`,
  });
  if ('decision' in pre) {
    return pre.decision;
  }
  const { label, inSession, coded } = pre;
  for (const unit of units) {
    const subject = subjectOf(unit.traceCode, resolved.traceCode, resolved.owner.packLevel);
    if (inSession.has(unit.traceCode)) {
      return rejectedScan(
        'CODE_ALREADY_SCANNED',
        `${subject}（${label}）本次已扫过，整件不能再扫入，请逐${PACK_WORD}扫描`
      );
    }
    if (unit.pack) {
      const problem = stateProblem('CODE_ALREADY_RECEIVED', subject, label, unit.pack, '重复入库，请核查');
      return rejectedScan(problem.code, problem.message);
    }
  }
  const scanned = gs1LotAndExpiry(resolved);
  const matching = coded.filter((f) => matchesLine(scanned, f));
  if (matching.length === 0) {
    const problem = mismatch(
      resolved,
      label,
      scanned as LotAndExpiry,
      coded.find(needsWhole) ?? (coded[0] as LineFill)
    );
    return rejectedScan(problem.code, problem.message);
  }
  const room = wholeRoom(matching);
  if (units.length > room) {
    return rejectedScan('TOO_MANY_PACKS', tooManyReceived(resolved, label, units.length, matching));
  }
  const counts = matching.map((f) => ({ fill: f, whole: f.whole }));
  const assignments: Assignment[] = [];
  // Expired stock is still registered (so it can be quarantined or scrapped through the ledger), but said out loud.
  let expired: ScanProblemInfo | null = null;
  const what =
    resolved.owner.packLevel === 1
      ? `追溯码 ${resolved.traceCode}`
      : `${packLevelName[resolved.owner.packLevel]} ${resolved.traceCode}`;
  for (const unit of units) {
    const target = counts.find((c) => c.whole < c.fill.line.packs);
    if (!target) {
      throw new Error('room was counted before assigning'); // unreachable: room ≥ units.length
    }
    const expiry = scanned?.expiry ?? target.fill.line.expiry;
    if (expiry !== null && expiry < input.today && !expired) {
      expired = {
        code: 'CODE_EXPIRED',
        message: `${what}（${label}）有效期至 ${expiry}，已过期（今天 ${input.today}），已登记入库但不能发药，请隔离或报废`,
      };
    }
    target.whole++;
    assignments.push({
      traceCode: unit.traceCode,
      lineNo: target.fill.line.lineNo,
      role: 'whole',
      units: null,
      stateAtScan: null,
      via: unit.via ?? (unit.traceCode === resolved.traceCode ? null : resolved.traceCode),
    });
  }
  return acceptedScan(assignments, expired);
}

/**
 * A 20-digit code carries no lot or expiry, so it matches any line of its drug; a GS1 code must agree with the
 * note wherever both say something. Lots compare ignoring case and spaces: scanner case inversion was a leading
 * cause of false alerts in the EU (verification-anchors §1.5).
 */
function matchesLine(scanned: LotAndExpiry | null, f: LineFill): boolean {
  if (!scanned) {
    return true;
  }
  return sameLot(scanned.lot, f.line.lot) && sameExpiry(scanned.expiry, f.line.expiry);
}

function sameLot(a: string | null, b: string | null): boolean {
  return a === null || b === null || a.trim().toUpperCase() === b.trim().toUpperCase();
}

function sameExpiry(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

function mismatch(resolved: ResolvedCode, label: string, scanned: LotAndExpiry, f: LineFill): ScanProblemInfo {
  const where = `随货单第${f.line.lineNo}行`;
  if (!sameLot(scanned.lot, f.line.lot)) {
    return {
      code: 'LOT_MISMATCH',
      message: `追溯码 ${resolved.traceCode}（${label}）批号 ${scanned.lot}，${where}批号 ${f.line.lot}，批号不符，请核查`,
    };
  }
  return {
    code: 'EXPIRY_MISMATCH',
    message: `追溯码 ${resolved.traceCode}（${label}）有效期 ${scanned.expiry}，${where}有效期 ${f.line.expiry}，有效期不符，请核查`,
  };
}

function tooManyReceived(resolved: ResolvedCode, label: string, count: number, matching: LineFill[]): string {
  const packs = matching.reduce((n, f) => n + f.line.packs, 0);
  const whole = matching.reduce((n, f) => n + f.whole, 0);
  const what =
    resolved.owner.packLevel === 1
      ? `追溯码 ${resolved.traceCode}`
      : `${packLevelName[resolved.owner.packLevel]} ${resolved.traceCode}（含 ${count} ${PACK_WORD}）`;
  return `${what}：${label} 随货单应收 ${packs} ${PACK_WORD}，已扫 ${whole} ${PACK_WORD}，这${resolved.owner.packLevel === 1 ? `一${PACK_WORD}` : '一件'}多了`;
}
