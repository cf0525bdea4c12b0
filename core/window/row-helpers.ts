/** What every 35xx row builder needs: the drug, the line's codes, the first pack's lot/expiry, the row shell. */
import type { Drug } from '../catalog/drug.js';
import { refused } from '../errors.js';
import type { Pack } from '../ledger/pack.js';
import type { BusinessRow, BusinessRowKind } from './business-row.js';
import type { DrugOf } from './plan-lines.js';
import { shanghaiDateTime } from '../shanghai-time.js';
import { orderKeysOf } from '../insurance/order-keys.js';
import type { LinePlan, Session } from './session.js';

export interface BuildRowsInput {
  /** The session being completed (its scans final). */
  session: Session;
  drugOf: DrugOf;
  /** Packs by trace code, for lot and expiry (after the completion's ledger changes, or before: lot/expiry agree). */
  packs: ReadonlyMap<string, Pack>;
  /** Returns only: the completed dispense sessions the return refers to. */
  originals?: Session[];
  /** ISO time with offset: the completion time when the session has none yet, and the rows' createdAt. */
  now: string;
}

export function drugOfLine(drugOf: DrugOf, line: { lineNo: number; hisDrugCode: string }): Drug {
  const drug = drugOf(line.hisDrugCode);
  if (!drug) {
    throw refused(
      'ORDER_DRUG_UNKNOWN',
      `第${line.lineNo}行 药品编码 ${line.hisDrugCode} 不在药品目录中，无法生成医保上传明细`,
      {
        lineNo: line.lineNo,
        hisDrugCode: line.hisDrugCode,
      }
    );
  }
  return drug;
}

/** 生产批号/有效期止/生产日期 of a row: the first scanned pack's, as the interface carries one lot per row. */
export function lotAndExpiry(
  packs: ReadonlyMap<string, Pack>,
  codes: string[]
): { lot: string | null; expiry: string | null; manufactureDate: string | null } {
  const first = codes.length > 0 ? packs.get(codes[0] as string) : undefined;
  return { lot: first?.lot ?? null, expiry: first?.expiry ?? null, manufactureDate: first?.manufactureDate ?? null };
}

export function traceNode(codes: string[]): { drug_trac_codg: string }[] {
  return codes.map((code) => ({ drug_trac_codg: code }));
}

/**
 * Who completed the session, as the row's operator (经办人) and, for sales, the pharmacist; the relay maps this
 * actor to the person's registered name and certificate numbers (insurance.staff) before sending.
 */
export function operatorOf(input: BuildRowsInput): string | null {
  return input.session.completedBy;
}

/** 35xx 日期时间型 in hospital time: when the session was (or is being) completed. */
export function businessTime(input: BuildRowsInput): string {
  return shanghaiDateTime(input.session.completedAt ?? input.now);
}

export function row(
  infno: BusinessRowKind,
  businessKey: string,
  input: BuildRowsInput,
  payload: Record<string, unknown>
): BusinessRow {
  return {
    infno,
    businessKey,
    sessionId: input.session.id,
    payload,
    createdAt: input.now,
    source: 'window',
    orderKeys: orderKeysOf(payload),
    state: 'pending',
  };
}

export function flag(value: boolean): '1' | '0' {
  return value ? '1' : '0';
}

/**
 * sel_retn_cnt and trdn_flag, following insurance-interface.md §3.1's practical rule: a line of whole packs counts
 * in packs (= the number of codes uploaded); a line with a 拆零 remainder is flagged trdn_flag=1 and counts the
 * whole dispensed quantity in 最小计价单位 (packs × units per pack + remainder), with the opened pack's code among
 * its codes. Provinces may differ (the reference marks this an open question).
 */
export function saleCount(need: Pick<LinePlan, 'packs' | 'splitUnits' | 'unitsPerPack'>): {
  trdn_flag: '1' | '0';
  sel_retn_cnt: number;
} {
  return need.splitUnits > 0
    ? { trdn_flag: '1', sel_retn_cnt: need.packs * need.unitsPerPack + need.splitUnits }
    : { trdn_flag: '0', sel_retn_cnt: need.packs };
}
