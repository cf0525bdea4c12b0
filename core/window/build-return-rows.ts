/**
 * 3506 商品销售退货: one row per return line and original sale, naming that sale's 3505 row in
 * medins_prod_sel_no. A line whose packs came from two original sales (a visit-level return) gets one row per sale.
 */
import { refused } from '../errors.js';
import type { BusinessRow } from './business-row.js';
import { businessKey } from './business-key.js';
import { visitSerial } from './build-sale-rows.js';
import { dispensedCodes } from './dispensed-codes.js';
import { describeReturnTarget } from './plan-lines.js';
import { businessTime, drugOfLine, flag, lotAndExpiry, operatorOf, row, traceNode } from './row-helpers.js';
import type { BuildRowsInput } from './row-helpers.js';
import { codesOnLine, dispenseOrderOf, returnOrderOf } from './session-scans.js';
import type { LinePlan, ReturnOrder, Session } from './session.js';

export function buildReturnRows(input: BuildRowsInput): BusinessRow[] {
  const { session } = input;
  const order = returnOrderOf(session);
  const originals = (input.originals ?? [])
    .filter((s) => s.kind === 'dispense' && s.state === 'completed')
    .sort((a, b) => Date.parse(a.completedAt ?? '') - Date.parse(b.completedAt ?? ''));
  const dispensed = dispensedCodes(originals);
  const time = businessTime(input);
  const rows: BusinessRow[] = [];
  for (const line of [...session.plan].sort((a, b) => a.lineNo - b.lineNo)) {
    const drug = drugOfLine(input.drugOf, line);
    const codes = line.exempt ? [] : codesOnLine(session, line.lineNo);
    const groups = groupByOriginal(codes, dispensed, originals, order, line);
    groups.forEach((group, i) => {
      const originalOrder = dispenseOrderOf(group.original);
      const key = businessKey(session.id, line.lineNo, groups.length > 1 ? i + 1 : undefined);
      const { lot, expiry, manufactureDate } = lotAndExpiry(input.packs, group.codes);
      const payload: Record<string, unknown> = {
        med_list_codg: drug.insuranceCode,
        fixmedins_hilist_id: line.hisDrugCode,
        fixmedins_hilist_name: drug.name,
        fixmedins_bchno: key,
        setl_id: originalOrder.settlementId,
        psn_name: originalOrder.patientName,
        manu_lotnum: lot,
        expy_end: expiry,
        manu_date: manufactureDate,
        rx_flag: flag(drug.rxFlag),
        // Returns are whole packs only (a 拆零 pack cannot come back whole), so never flagged 拆零.
        trdn_flag: '0',
        sel_retn_cnt: groups.length > 1 ? group.codes.length : returnedQuantity(order, line),
        sel_retn_time: time,
        sel_retn_opter_name: operatorOf(input),
        medins_prod_sel_no: businessKey(group.original.id, line.lineNo),
        mdtrt_sn: visitSerial(originalOrder),
        memo: order.reason,
      };
      if (!line.exempt) {
        payload.drugtracinfo = traceNode(group.codes);
      }
      rows.push(row('3506', key, input, payload));
    });
  }
  return rows;
}

interface Group {
  original: Session;
  codes: string[];
}

function groupByOriginal(
  codes: string[],
  dispensed: ReturnType<typeof dispensedCodes>,
  originals: Session[],
  order: ReturnOrder,
  line: LinePlan
): Group[] {
  const groups = new Map<string, Group>();
  for (const code of codes) {
    const sessionId = dispensed.get(code)?.sessionId;
    const original = originals.find((s) => s.id === sessionId);
    if (!original) {
      throw notInOriginals(order, line, code);
    }
    const group = groups.get(original.id) ?? { original, codes: [] };
    group.codes.push(code);
    groups.set(original.id, group);
  }
  if (groups.size > 0) {
    return [...groups.values()];
  }
  // No codes (无码 line, or completed under an override): the sale is the first original with this line and drug.
  const original = originals.find((s) =>
    s.plan.some((p) => p.lineNo === line.lineNo && p.hisDrugCode === line.hisDrugCode)
  );
  if (!original) {
    throw notInOriginals(order, line, null);
  }
  return [{ original, codes: [] }];
}

function returnedQuantity(order: ReturnOrder, line: LinePlan): number {
  return order.lines.find((l) => l.lineNo === line.lineNo)?.quantity ?? line.packs;
}

function notInOriginals(order: ReturnOrder, line: LinePlan, code: string | null) {
  const what = code ? `追溯码 ${code}` : `第${line.lineNo}行 ${line.drugName}`;
  return refused(
    'RETURN_ORIGINAL_NOT_FOUND',
    `${what} 找不到对应的原发药记录（${describeReturnTarget(order)}），无法生成退药上传明细`,
    {
      lineNo: line.lineNo,
      traceCode: code,
    }
  );
}
