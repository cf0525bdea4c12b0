/**
 * What each order line needs before any scan: 应扫 whole packs, the 拆零 remainder, or nothing (无码). Refusals here
 * are about the order itself (unknown drug, bad quantity), so they throw; scans never do.
 */
import type { Drug } from '../catalog/drug.js';
import { invalid, refused } from '../errors.js';
import { isWhole, quantityInUnits, splitIntoPacks } from './order-quantity.js';
import { drugLabel, PACK_WORD } from './scan-messages.js';
import { countedAssignments } from './session-scans.js';
import type { DispenseOrder, LinePlan, ReceiptOrder, ReturnOrder, Session } from './session.js';

export type DrugOf = (hisDrugCode: string) => Drug | undefined;

interface AnyLine {
  lineNo: number;
  hisDrugCode: string;
  quantity: number;
}

export function planDispense(order: DispenseOrder, drugOf: DrugOf): LinePlan[] {
  return checkedLines(order.lines, drugOf).map(({ line, drug }) => {
    if (drug.exempt) {
      return plan(line, drug, { packs: 0, splitUnits: 0, exempt: true });
    }
    const units = quantityInUnits(line.quantity, line.unit, drug);
    if (!isWhole(units)) {
      throw invalid(
        'ORDER_QUANTITY_NOT_WHOLE_UNITS',
        `第${line.lineNo}行 ${line.hisDrugCode} ${drugLabel(drug)}：数量 ${line.quantity}${line.unit} 折合 ${units}${drug.unitName ?? ''}，不是整数个最小单位`,
        { lineNo: line.lineNo, hisDrugCode: line.hisDrugCode, quantity: line.quantity, unit: line.unit }
      );
    }
    return plan(line, drug, { ...splitIntoPacks(units, drug.unitsPerPack), exempt: false });
  });
}

export function planReceipt(order: ReceiptOrder, drugOf: DrugOf): LinePlan[] {
  return checkedLines(order.lines, drugOf).map(({ line, drug }) => {
    if (!drug.exempt) {
      requireWholePacks(line, drug, '入库');
    }
    if (line.expiry !== null && !/^\d{4}-\d{2}-\d{2}$/.test(line.expiry)) {
      throw invalid(
        'RECEIPT_EXPIRY_INVALID',
        `第${line.lineNo}行 ${line.hisDrugCode} ${drugLabel(drug)}：有效期「${line.expiry}」应为 yyyy-MM-dd`,
        {
          lineNo: line.lineNo,
          expiry: line.expiry,
        }
      );
    }
    const base = plan(
      line,
      drug,
      drug.exempt ? { packs: 0, splitUnits: 0, exempt: true } : { packs: line.quantity, splitUnits: 0, exempt: false }
    );
    return { ...base, lot: line.lot, expiry: line.expiry };
  });
}

/**
 * A return line may not ask for more whole packs than its original line dispensed. Lines are matched by line
 * number AND drug, because a return naming a visit may cover several prescriptions. Split (拆零) units cannot
 * come back as whole packs, so only whole-pack assignments count as dispensed.
 */
export function planReturn(order: ReturnOrder, original: Session[], drugOf: DrugOf): LinePlan[] {
  const originals = original.filter((s) => s.kind === 'dispense' && s.state === 'completed');
  if (originals.length === 0) {
    throw refused(
      'RETURN_ORIGINAL_NOT_FOUND',
      `未找到退药对应的已完成发药记录（${describeReturnTarget(order)}），不能退药`,
      {
        dispenseId: order.dispenseId,
        prescriptionNo: order.prescriptionNo,
        visitNo: order.visitNo,
      }
    );
  }
  return checkedLines(order.lines, drugOf).map(({ line, drug }) => {
    const originalLines = originals.flatMap((s) =>
      s.plan.filter((p) => p.lineNo === line.lineNo && p.hisDrugCode === line.hisDrugCode)
    );
    if (originalLines.length === 0) {
      throw refused(
        'RETURN_LINE_NOT_IN_ORIGINAL',
        `第${line.lineNo}行 ${line.hisDrugCode} ${drugLabel(drug)}：原处方（${describeReturnTarget(order)}）第${line.lineNo}行不是这个药，不能退药`,
        { lineNo: line.lineNo, hisDrugCode: line.hisDrugCode }
      );
    }
    if (drug.exempt) {
      return plan(line, drug, { packs: 0, splitUnits: 0, exempt: true });
    }
    requireWholePacks(line, drug, '退药');
    const dispensed = originals.reduce((n, s) => n + wholePacksDispensed(s, line.lineNo, line.hisDrugCode), 0);
    if (line.quantity > dispensed) {
      throw refused(
        'RETURN_EXCEEDS_DISPENSED',
        `第${line.lineNo}行 ${line.hisDrugCode} ${drugLabel(drug)}：原处方整${PACK_WORD}发出 ${dispensed} ${PACK_WORD}，申请退 ${line.quantity} ${PACK_WORD}，超过已发数量`,
        { lineNo: line.lineNo, hisDrugCode: line.hisDrugCode, dispensed, requested: line.quantity }
      );
    }
    return plan(line, drug, { packs: line.quantity, splitUnits: 0, exempt: false });
  });
}

/** 原发药单 D1，处方 RX1，就诊 V1 — whatever the return named. */
export function describeReturnTarget(order: ReturnOrder): string {
  const parts: string[] = [];
  if (order.dispenseId) {
    parts.push(`原发药单 ${order.dispenseId}`);
  }
  if (order.prescriptionNo) {
    parts.push(`处方 ${order.prescriptionNo}`);
  }
  if (order.visitNo) {
    parts.push(`就诊 ${order.visitNo}`);
  }
  return parts.length > 0 ? parts.join('，') : '未指明原处方';
}

function wholePacksDispensed(session: Session, lineNo: number, hisDrugCode: string): number {
  const line = session.plan.find((p) => p.lineNo === lineNo && p.hisDrugCode === hisDrugCode);
  if (!line) {
    return 0;
  }
  const codes = new Set(
    countedAssignments(session)
      .filter((a) => a.lineNo === lineNo && a.role === 'whole')
      .map((a) => a.traceCode)
  );
  return codes.size;
}

function checkedLines<L extends AnyLine>(lines: L[], drugOf: DrugOf): { line: L; drug: Drug }[] {
  if (lines.length === 0) {
    throw invalid('ORDER_EMPTY', '单据没有药品明细');
  }
  const seen = new Set<number>();
  const checked = lines.map((line) => {
    if (!Number.isInteger(line.lineNo) || line.lineNo <= 0) {
      throw invalid('ORDER_LINE_NO_INVALID', `行号「${line.lineNo}」应为正整数（药品编码 ${line.hisDrugCode}）`, {
        lineNo: line.lineNo,
      });
    }
    if (seen.has(line.lineNo)) {
      throw refused(
        'ORDER_LINE_DUPLICATE',
        `第${line.lineNo}行出现了两次（药品编码 ${line.hisDrugCode}），行号不能重复`,
        {
          lineNo: line.lineNo,
          hisDrugCode: line.hisDrugCode,
        }
      );
    }
    seen.add(line.lineNo);
    const drug = drugOf(line.hisDrugCode);
    if (!drug) {
      throw refused(
        'ORDER_DRUG_UNKNOWN',
        `第${line.lineNo}行 药品编码 ${line.hisDrugCode} 不在药品目录中，请先维护药品目录`,
        {
          lineNo: line.lineNo,
          hisDrugCode: line.hisDrugCode,
        }
      );
    }
    if (!(typeof line.quantity === 'number' && Number.isFinite(line.quantity) && line.quantity > 0)) {
      throw invalid(
        'ORDER_QUANTITY_INVALID',
        `第${line.lineNo}行 ${line.hisDrugCode} ${drugLabel(drug)}：数量「${line.quantity}」应为正数`,
        {
          lineNo: line.lineNo,
          quantity: line.quantity,
        }
      );
    }
    if (!Number.isInteger(drug.unitsPerPack) || drug.unitsPerPack <= 0) {
      throw invalid(
        'DRUG_UNITS_PER_PACK_INVALID',
        `第${line.lineNo}行 ${line.hisDrugCode} ${drugLabel(drug)}：药品目录的每盒数量「${drug.unitsPerPack}」不是正整数，请先修正药品目录`,
        {
          lineNo: line.lineNo,
          hisDrugCode: line.hisDrugCode,
        }
      );
    }
    return { line, drug };
  });
  // Later rules fill "the first line by lineNo"; keep the plan in that order whatever order the HIS sent.
  return checked.sort((a, b) => a.line.lineNo - b.line.lineNo);
}

function requireWholePacks(line: AnyLine, drug: Drug, what: string): void {
  if (!Number.isInteger(line.quantity)) {
    throw invalid(
      'ORDER_QUANTITY_NOT_WHOLE_PACKS',
      `第${line.lineNo}行 ${line.hisDrugCode} ${drugLabel(drug)}：${what}数量 ${line.quantity} 应为整${PACK_WORD}数`,
      {
        lineNo: line.lineNo,
        quantity: line.quantity,
      }
    );
  }
}

function plan(line: AnyLine, drug: Drug, need: { packs: number; splitUnits: number; exempt: boolean }): LinePlan {
  return {
    lineNo: line.lineNo,
    hisDrugCode: line.hisDrugCode,
    // Name and spec: completion messages must say which drug without a catalog lookup.
    drugName: drugLabel(drug),
    exempt: need.exempt,
    packs: need.packs,
    splitUnits: need.splitUnits,
    unitsPerPack: drug.unitsPerPack,
    lot: null,
    expiry: null,
  };
}
