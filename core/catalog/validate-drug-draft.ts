import type { DrugDraft } from './drug.js';
import { isValidEan13, isValidGtin14 } from '../recognition/gtin-check-digit.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The rules a drug must satisfy however it arrives (file row, API edit, learning): one place,
 * so an import and an edit can never disagree about what a valid drug is.
 */
export function validateDrugDraft(d: DrugDraft): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string): void => void problems.push({ field, message });
  if (!/^[\w.\-/]{1,50}$/.test(d.hisDrugCode)) {
    add('his_drug_code', `HIS药品编码「${d.hisDrugCode}」应为1–50位字母、数字或 . - _ /`);
  }
  if (!d.name.trim()) {
    add('name', '药品名称不能为空');
  }
  if (d.insuranceCode !== null && !/^[A-Za-z0-9]{1,50}$/.test(d.insuranceCode)) {
    add('insurance_code', `医保编码「${d.insuranceCode}」应为1–50位字母或数字`);
  }
  if (!Number.isInteger(d.unitsPerPack) || d.unitsPerPack < 1) {
    add('units_per_pack', `每盒最小单位数「${d.unitsPerPack}」应为正整数`);
  }
  if (d.barcode69 !== null && !isValidEan13(d.barcode69)) {
    add('barcode69', `69码「${d.barcode69}」不是有效的13位商品条码`);
  }
  if (d.exempt && !d.exemptReason?.trim()) {
    add('exempt_reason', '无码药品必须填写无码原因');
  }
  if (!d.exempt && d.prefixes.every((p) => p.packLevel !== 1) && d.gtins.length === 0) {
    add('unit_prefixes', '有码药品至少需要一个小码药品标识码或GTIN');
  }
  const seen = new Set<string>();
  for (const p of d.prefixes) {
    const field = p.packLevel === 1 ? 'unit_prefixes' : p.packLevel === 2 ? 'middle_prefixes' : 'case_prefixes';
    if (!/^8\d{6}$/.test(p.prefix)) {
      add(field, `药品标识码「${p.prefix}」应为8开头的7位数字`);
    }
    if (seen.has(p.prefix)) {
      add(field, `药品标识码「${p.prefix}」重复`);
    }
    seen.add(p.prefix);
    if (p.packLevel === 1 ? p.unitCount !== 1 : !Number.isInteger(p.unitCount) || p.unitCount < 2) {
      add(field, `药品标识码「${p.prefix}」的含小码数「${p.unitCount}」不对：小码为1，中码/大码至少为2`);
    }
  }
  for (const g of d.gtins) {
    if (!isValidGtin14(g.gtin)) {
      add('gtins', `GTIN「${g.gtin}」不是有效的14位GTIN`);
    }
  }
  return problems;
}
