/** 3505 商品销售: one row per prescription line, its codes nested in `drugtracinfo` (none for a 无码 line). */
import type { BusinessRow } from './business-row.js';
import { businessKey } from './business-key.js';
import { quantityInUnits, splitIntoPacks } from './order-quantity.js';
import { businessTime, drugOfLine, flag, lotAndExpiry, operatorOf, row, saleCount, traceNode } from './row-helpers.js';
import type { BuildRowsInput } from './row-helpers.js';
import { codesOnLine, dispenseOrderOf } from './session-scans.js';
import type { DispenseOrder } from './session.js';

export function buildSaleRows(input: BuildRowsInput): BusinessRow[] {
  const { session } = input;
  const order = dispenseOrderOf(session);
  const time = businessTime(input);
  return [...session.plan]
    .sort((a, b) => a.lineNo - b.lineNo)
    .map((line) => {
      const drug = drugOfLine(input.drugOf, line);
      const codes = line.exempt ? [] : codesOnLine(session, line.lineNo);
      // An exempt line was planned with nothing to scan; its count still follows the same rule from the order.
      const need = line.exempt ? exemptNeed(order, line.lineNo, drug) : line;
      const { lot, expiry, manufactureDate } = lotAndExpiry(input.packs, codes);
      const key = businessKey(session.id, line.lineNo);
      const payload: Record<string, unknown> = {
        med_list_codg: drug.insuranceCode,
        fixmedins_hilist_id: line.hisDrugCode,
        fixmedins_hilist_name: drug.name,
        fixmedins_bchno: key,
        rx_flag: flag(drug.rxFlag),
        ...saleCount(need),
        mdtrt_sn: visitSerial(order),
        mdtrt_setl_type: order.settlementType === 'insured' ? '1' : '2',
        psn_name: order.patientName,
        setl_id: order.settlementId,
        rxno: order.prescriptionNo,
        prsc_dr_name: order.doctorName,
        sel_retn_time: time,
        sel_retn_opter_name: operatorOf(input),
        phar_name: operatorOf(input),
        rtal_docno: order.prescriptionNo,
        manu_lotnum: lot,
        expy_end: expiry,
        manu_date: manufactureDate,
      };
      if (!line.exempt) {
        payload.drugtracinfo = traceNode(codes);
      }
      return row('3505', key, input, payload);
    });
}

/** 就医流水号: mdtrt_id for an insured settlement, the hospital's own visit number for self-pay (§2.5). */
export function visitSerial(order: DispenseOrder): string {
  return order.settlementType === 'insured' ? (order.insuranceVisitId ?? order.visitNo) : order.visitNo;
}

function exemptNeed(order: DispenseOrder, lineNo: number, drug: Parameters<typeof quantityInUnits>[2]) {
  const line = order.lines.find((l) => l.lineNo === lineNo);
  const units = line ? quantityInUnits(line.quantity, line.unit, drug) : 0;
  return { ...splitIntoPacks(units, drug.unitsPerPack), unitsPerPack: drug.unitsPerPack };
}
