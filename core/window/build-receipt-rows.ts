/** 3503 商品采购: one row per delivery-note line; the interface's purchase rows carry no trace node (§2.3). */
import type { BusinessRow } from './business-row.js';
import { businessKey } from './business-key.js';
import { businessTime, drugOfLine, flag, lotAndExpiry, operatorOf, row } from './row-helpers.js';
import type { BuildRowsInput } from './row-helpers.js';
import { codesOnLine, receiptOrderOf } from './session-scans.js';

export function buildReceiptRows(input: BuildRowsInput): BusinessRow[] {
  const { session } = input;
  const order = receiptOrderOf(session);
  const time = businessTime(input);
  return [...session.plan]
    .sort((a, b) => a.lineNo - b.lineNo)
    .map((line) => {
      const drug = drugOfLine(input.drugOf, line);
      const noteLine = order.lines.find((l) => l.lineNo === line.lineNo);
      // The note's lot/expiry is what was checked at the window; the first pack's fills a note that gave none.
      const scanned = lotAndExpiry(input.packs, codesOnLine(session, line.lineNo));
      const key = businessKey(session.id, line.lineNo);
      return row('3503', key, input, {
        med_list_codg: drug.insuranceCode,
        fixmedins_hilist_id: line.hisDrugCode,
        fixmedins_hilist_name: drug.name,
        dynt_no: order.deliveryNo,
        fixmedins_bchno: key,
        spler_name: order.supplier,
        manu_lotnum: line.lot ?? scanned.lot,
        prodentp_name: drug.manufacturer,
        expy_end: line.expiry ?? scanned.expiry,
        manu_date: noteLine?.manufactureDate ?? scanned.manufactureDate,
        purc_retn_cnt: noteLine?.quantity ?? line.packs,
        rx_flag: flag(drug.rxFlag),
        purc_retn_stoin_time: time,
        purc_retn_opter_name: operatorOf(input),
      });
    });
}
