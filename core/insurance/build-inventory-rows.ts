/**
 * 3501 商品盘存上传 rows for an inventory count (盘存): the packs counted on the shelf, one row per lot (the row
 * carries one 生产批号, 生产日期 and 有效期), `inv_cnt` in packs, the counted codes nested.
 */
import type { Drug } from '../catalog/drug.js';
import type { Pack } from '../ledger/pack.js';
import type { BusinessRow } from '../window/business-row.js';
import { businessKey } from '../window/business-key.js';
import { orderKeysOf } from './order-keys.js';

export interface InventoryCount {
  drug: Drug;
  /** The counted unit packs (the ledger's record of each, or null for a box the ledger does not know). */
  packs: { traceCode: string; pack: Pack | null }[];
  operationId: string;
  /** 盘存日期 yyyy-MM-dd (hospital-local). */
  date: string;
  /** ISO instant the count was recorded. */
  at: string;
}

export function buildInventoryRows(count: InventoryCount): BusinessRow[] {
  const byLot = new Map<string, InventoryCount['packs']>();
  for (const p of count.packs) {
    const lot = p.pack?.lot ?? '';
    byLot.set(lot, [...(byLot.get(lot) ?? []), p]);
  }
  return [...byLot.values()].map((packs, i) => {
    const first = packs[0]?.pack ?? null;
    const key = businessKey(count.operationId, i + 1);
    const payload: Record<string, unknown> = {
      med_list_codg: count.drug.insuranceCode,
      fixmedins_hilist_id: count.drug.hisDrugCode,
      fixmedins_hilist_name: count.drug.name,
      rx_flag: count.drug.rxFlag ? '1' : '0',
      invdate: count.date,
      inv_cnt: packs.length,
      manu_lotnum: first?.lot ?? null,
      fixmedins_bchno: key,
      manu_date: first?.manufactureDate ?? null,
      expy_end: first?.expiry ?? null,
      drugtracinfo: packs.map((p) => ({ drug_trac_codg: p.traceCode })),
    };
    return {
      infno: '3501',
      businessKey: key,
      sessionId: count.operationId,
      payload,
      createdAt: count.at,
      source: 'ledger',
      orderKeys: orderKeysOf(payload),
      state: 'pending',
    };
  });
}
