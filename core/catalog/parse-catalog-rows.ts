/**
 * Catalog import (三码合一): rows of a file → DrugDraft[] plus every row problem. Never throws on bad data;
 * a row with a problem yields no draft. Whether drafts are saved when problems exist is the caller's choice.
 */
import type { RowProblem } from '../errors.js';
import type { DrugDraft, DrugGtin, PackLevel, TracePrefix } from './drug.js';
import { catalogColumnByKey, catalogColumns, type CatalogColumnKey } from './catalog-columns.js';
import { isValidEan13, normaliseGtin14 } from '../recognition/gtin-check-digit.js';
import { validateDrugDraft } from './validate-drug-draft.js';
import {
  LOST_PRECISION_HINT,
  ProblemList,
  columnHeadersHint,
  looksLikeLostPrecision,
  parsePositiveInteger,
  parseYesNo,
  resolveColumns,
  splitList,
  type TabularRow,
} from './tabular.js';

export interface ParseCatalogResult {
  /** One draft per row without problems, in file order. */
  drafts: DrugDraft[];
  /** At most MAX_REPORTED_PROBLEMS problems, in row order. */
  problems: RowProblem[];
  /** True when more problems were found than are listed. */
  truncated: boolean;
}

const INSURANCE_CODE = /^[A-Za-z0-9]{1,50}$/;
const TRACE_PREFIX = /^8\d{6}$/;

const levelName: Record<PackLevel, string> = { 1: '小码前缀', 2: '中码前缀', 3: '大码前缀' };
const prefixField: Record<PackLevel, CatalogColumnKey> = {
  1: 'unit_prefixes',
  2: 'middle_prefixes',
  3: 'case_prefixes',
};

export function parseCatalogRows(rows: readonly TabularRow[], headers: readonly string[]): ParseCatalogResult {
  const problems = new ProblemList();
  const { columns } = resolveColumns(headers, catalogColumns);
  const missing = catalogColumns.filter((c) => c.requiredColumn && columns[c.key] === undefined);
  if (missing.length > 0) {
    for (const def of missing) {
      problems.add(
        1,
        def.key,
        `找不到「${def.label}」列（可用表头：${columnHeadersHint(def)}）；文件表头为：${headers.join('、') || '（空）'}`
      );
    }
    return { drafts: [], problems: problems.problems, truncated: problems.truncated };
  }

  /** First row that used each HIS code / prefix / GTIN, to name it when a later row repeats it. */
  const seenHisCode = new Map<string, number>();
  const seenPrefix = new Map<string, { row: number; hisDrugCode: string }>();
  const seenGtin = new Map<string, { row: number; hisDrugCode: string }>();
  const drafts: DrugDraft[] = [];

  for (const { rowNumber: row, values } of rows) {
    const cell = (key: CatalogColumnKey): string => {
      const header = columns[key];
      return header === undefined ? '' : (values[header] ?? '').trim();
    };
    const before = problems.count;
    const problem = (field: CatalogColumnKey, message: string): void => problems.add(row, field, message);

    // Identity.
    const hisDrugCode = cell('his_drug_code');
    if (hisDrugCode === '') {
      problem('his_drug_code', 'HIS药品编码为空');
    } else {
      const first = seenHisCode.get(hisDrugCode);
      if (first !== undefined) {
        problem('his_drug_code', `HIS药品编码「${hisDrugCode}」与第 ${first} 行重复`);
      } else {
        seenHisCode.set(hisDrugCode, row);
      }
    }
    const owner = hisDrugCode || `第 ${row} 行`;

    const name = cell('name');
    if (name === '') {
      problem('name', hisDrugCode ? `药品名称为空（HIS药品编码「${hisDrugCode}」）` : '药品名称为空');
    }

    const insuranceRaw = cell('insurance_code');
    if (insuranceRaw !== '' && !INSURANCE_CODE.test(insuranceRaw)) {
      problem(
        'insurance_code',
        `医保编码「${insuranceRaw}」格式不对：只能是字母和数字，最长 50 个字符` +
          (looksLikeLostPrecision(insuranceRaw) ? LOST_PRECISION_HINT : '')
      );
    }

    // Flags.
    const flag = (key: 'rx_flag' | 'vbp_flag' | 'exempt'): boolean => {
      const raw = cell(key);
      if (key === 'rx_flag' && ['2', '双跨'].includes(raw)) {
        return true;
      }
      const v = parseYesNo(raw);
      if (v === null) {
        problem(key, `${catalogColumnByKey[key].label}「${raw}」无法识别，应填 是/否、1/0、Y/N 或 true/false`);
        return false;
      }
      return v ?? false;
    };
    const rxFlag = flag('rx_flag');
    const vbpFlag = flag('vbp_flag');
    const exempt = flag('exempt');
    const exemptReasonRaw = cell('exempt_reason');
    if (exempt && exemptReasonRaw === '') {
      problem('exempt_reason', `药品「${owner}」标为无码，但「无码原因」为空`);
    } else if (!exempt && exemptReasonRaw !== '' && parseYesNo(cell('exempt')) !== null) {
      problem('exempt_reason', `填写了无码原因「${exemptReasonRaw}」，但「无码」不是「是」`);
    }

    // Units.
    let unitsPerPack = 1;
    const unitsRaw = cell('units_per_pack');
    if (unitsRaw !== '') {
      const n = parsePositiveInteger(unitsRaw);
      if (n === null) {
        problem('units_per_pack', `每盒最小单位数「${unitsRaw}」不是正整数`);
      } else {
        unitsPerPack = n;
      }
    }

    // Trace prefixes per pack level, with their unit counts.
    const prefixes: TracePrefix[] = [];
    const rowPrefixes = new Map<string, PackLevel>();
    const readPrefixes = (level: PackLevel, unitCount: number): void => {
      const field = prefixField[level];
      const raw = cell(field);
      for (const prefix of splitList(raw)) {
        if (!TRACE_PREFIX.test(prefix)) {
          problem(
            field,
            `${levelName[level]}「${prefix}」不是以 8 开头的 7 位数字（药品标识码是追溯码的前 7 位）` +
              (looksLikeLostPrecision(prefix) ? LOST_PRECISION_HINT : '')
          );
          continue;
        }
        const sameRow = rowPrefixes.get(prefix);
        if (sameRow !== undefined) {
          if (sameRow !== level) {
            problem(field, `${levelName[level]}「${prefix}」在本行同时作为${levelName[sameRow]}出现`);
          }
          continue; // the same prefix twice in one cell: merged
        }
        rowPrefixes.set(prefix, level);
        const first = seenPrefix.get(prefix);
        if (first !== undefined) {
          problem(field, `${levelName[level]}「${prefix}」已在第 ${first.row} 行（药品「${first.hisDrugCode}」）使用`);
          continue;
        }
        seenPrefix.set(prefix, { row, hisDrugCode: owner });
        prefixes.push({ prefix, packLevel: level, unitCount });
      }
    };
    const readCount = (level: 2 | 3): number | null => {
      const field: CatalogColumnKey = level === 2 ? 'middle_unit_count' : 'case_unit_count';
      const label = catalogColumnByKey[field].label;
      const raw = cell(field);
      const hasPrefix = cell(prefixField[level]) !== '';
      if (raw === '') {
        if (hasPrefix) {
          problem(field, `填写了${levelName[level]}「${cell(prefixField[level])}」，但「${label}」为空`);
        }
        return null;
      }
      const n = parsePositiveInteger(raw);
      if (n === null || n < 2) {
        problem(field, `${label}「${raw}」应为不小于 2 的整数`);
        return null;
      }
      if (!hasPrefix) {
        problem(field, `填写了${label}「${raw}」，但「${levelName[level]}」为空`);
      }
      return n;
    };
    const middleCount = readCount(2);
    const caseCount = readCount(3);
    if (middleCount !== null && caseCount !== null && (caseCount <= middleCount || caseCount % middleCount !== 0)) {
      problem(
        'case_unit_count',
        `大码含小码数「${caseCount}」应大于中码含小码数「${middleCount}」且为其整数倍（一箱装整数个中包）`
      );
    }
    readPrefixes(1, 1);
    readPrefixes(2, middleCount ?? 0);
    readPrefixes(3, caseCount ?? 0);

    // GTINs (unit level) and the 69 barcode.
    const gtins: DrugGtin[] = [];
    for (const raw of splitList(cell('gtins'))) {
      const gtin = normaliseGtin14(raw);
      if (gtin === null) {
        problem(
          'gtins',
          `GTIN「${raw}」不是校验位正确的 13 位或 14 位 GTIN` + (looksLikeLostPrecision(raw) ? LOST_PRECISION_HINT : '')
        );
        continue;
      }
      if (gtins.some((g) => g.gtin === gtin)) {
        continue;
      }
      const first = seenGtin.get(gtin);
      if (first !== undefined) {
        problem('gtins', `GTIN「${raw}」已在第 ${first.row} 行（药品「${first.hisDrugCode}」）使用`);
        continue;
      }
      seenGtin.set(gtin, { row, hisDrugCode: owner });
      gtins.push({ gtin, packLevel: 1, unitCount: 1 });
    }
    const barcodeRaw = cell('barcode69');
    if (barcodeRaw !== '' && !isValidEan13(barcodeRaw)) {
      problem(
        'barcode69',
        `69码「${barcodeRaw}」不是校验位正确的 13 位商品条码` +
          (looksLikeLostPrecision(barcodeRaw) ? LOST_PRECISION_HINT : '')
      );
    }

    // A drug that must be scanned needs something to recognise its unit packs by.
    const hasUnitPrefix = prefixes.some((p) => p.packLevel === 1) || cell('unit_prefixes') !== '';
    if (!exempt && !hasUnitPrefix && gtins.length === 0 && cell('gtins') === '') {
      problem(
        'unit_prefixes',
        `药品「${owner}」没有小码前缀也没有 GTIN；需要扫码的药品至少要有一个，否则请把「无码」填为「是」并填写无码原因`
      );
    }

    if (problems.count > before) {
      continue;
    }
    const draft: DrugDraft = {
      hisDrugCode,
      insuranceCode: insuranceRaw === '' ? null : insuranceRaw,
      name,
      spec: cell('spec') || null,
      manufacturer: cell('manufacturer') || null,
      rxFlag,
      vbpFlag,
      unitsPerPack,
      unitName: cell('unit_name') || null,
      prefixes,
      gtins,
      barcode69: barcodeRaw || null,
      exempt,
      exemptReason: exempt ? exemptReasonRaw : null,
    };
    // The rules every drug obeys however it arrives (file, API edit, learning): an import cannot disagree.
    const invalid = validateDrugDraft(draft);
    for (const p of invalid) {
      problems.add(row, p.field, p.message);
    }
    if (invalid.length === 0) {
      drafts.push(draft);
    }
  }
  return { drafts, problems: problems.problems, truncated: problems.truncated };
}
