/**
 * The HIS's 3505/3506 rows as window orders, so the proxy reaches the same decisions as the pharmacy window: one
 * order line per row (its fixmedins_bchno kept on the line), whole packs unless the row is 拆零 (trdn_flag 1,
 * counted in smallest units).
 */
import { invalid } from '../errors.js';
import type { DispenseOrder, OrderLine, ReturnOrder } from '../window/session.js';
import { bchno } from './message-checks.js';

/** The unit word the window reads as "smallest billing unit" (order-quantity.ts). */
const SMALLEST_UNIT = '最小单位';
const PACK_UNIT = '盒';

export function dispenseOrderOfRows(rows: Record<string, unknown>[]): DispenseOrder {
  const first = rows[0] ?? {};
  const visit = requiredText(first, 'mdtrt_sn');
  const insured = text(first.mdtrt_setl_type) !== '2' && text(first.setl_id) !== null;
  return {
    prescriptionNo: text(first.rxno) ?? text(first.rtal_docno) ?? bchno(first),
    visitNo: visit,
    insuranceVisitId: insured ? visit : null,
    patientId: text(first.psn_no) ?? text(first.certno) ?? visit,
    patientName: text(first.psn_name) ?? '',
    settlementType: insured ? 'insured' : 'self_pay',
    settlementId: text(first.setl_id),
    doctorName: text(first.prsc_dr_name),
    lines: rows.map(lineOfRow),
  };
}

/** A 3506 row's line in its original sale, found by the caller (by medins_prod_sel_no, else by visit and drug). */
export interface ReturnLineTarget {
  row: Record<string, unknown>;
  dispenseId: string;
  lineNo: number;
}

/** One return order per original sale (a window return names one sale). */
export function returnOrdersOfRows(targets: ReturnLineTarget[], reason: string | null): ReturnOrder[] {
  const bySale = new Map<string, ReturnLineTarget[]>();
  for (const t of targets) {
    bySale.set(t.dispenseId, [...(bySale.get(t.dispenseId) ?? []), t]);
  }
  return [...bySale.entries()].map(([dispenseId, group]) => ({
    dispenseId,
    prescriptionNo: null,
    visitNo: null,
    reason,
    lines: group.map((t) => ({
      lineNo: t.lineNo,
      hisDrugCode: requiredText(t.row, 'fixmedins_hilist_id'),
      quantity: count(t.row),
    })),
  }));
}

function lineOfRow(row: Record<string, unknown>, i: number): OrderLine {
  const line: OrderLine = {
    lineNo: i + 1,
    hisDrugCode: requiredText(row, 'fixmedins_hilist_id'),
    quantity: count(row),
    unit: text(row.trdn_flag) === '1' ? SMALLEST_UNIT : PACK_UNIT,
  };
  const key = text(row.fixmedins_bchno);
  return key ? { ...line, businessKey: key } : line;
}

function count(row: Record<string, unknown>): number {
  const n = Number(row.sel_retn_cnt);
  if (!Number.isFinite(n) || n <= 0) {
    throw invalid('ROW_FIELD_INVALID', `${bchno(row)}：sel_retn_cnt「${String(row.sel_retn_cnt)}」不是正数`, {
      field: 'sel_retn_cnt',
    });
  }
  return n;
}

function requiredText(row: Record<string, unknown>, field: string): string {
  const value = text(row[field]);
  if (value === null) {
    throw invalid('ROW_FIELD_INVALID', `${bchno(row)}：缺少 ${field}`, { field });
  }
  return value;
}

function text(value: unknown): string | null {
  if (typeof value === 'number') {
    return String(value);
  }
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
