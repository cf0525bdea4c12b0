/**
 * 3502 商品库存变更 rows for a stock change recorded at tracegate (scrap, transfer out or in, stock-count gains and
 * losses): one row per drug, its packs' codes nested, `cnt` in packs (one code per pack, as in a whole-pack 3505).
 * The change type (inv_chg_type, 101–111) is the platform's dictionary; the ledger step follows from it
 * (stock-change-steps.ts), so a 3502 from the HIS and one recorded here move the ledger the same way.
 */
import type { Drug } from '../catalog/drug.js';
import type { Pack } from '../ledger/pack.js';
import { shanghaiDateTime } from '../shanghai-time.js';
import type { BusinessRow } from '../window/business-row.js';
import { businessKey } from '../window/business-key.js';
import { orderKeysOf } from './order-keys.js';

export interface StockChange {
  /** 101–111 (see STOCK_CHANGE_TYPES). */
  changeType: string;
  /** Unit trace codes, each with its drug. */
  packs: { traceCode: string; drug: Drug; pack: Pack | null }[];
  /** The operation's id: rows are keyed `${operationId}-${n}`. */
  operationId: string;
  /** ISO instant of the change. */
  at: string;
  actor: string;
  reason: string | null;
  /** 单价 (the platform requires it); null leaves it to insurance.rowDefaults['3502'].pric. */
  price: number | null;
}

export function buildStockChangeRows(change: StockChange): BusinessRow[] {
  const byDrug = new Map<string, StockChange['packs']>();
  for (const p of change.packs) {
    byDrug.set(p.drug.hisDrugCode, [...(byDrug.get(p.drug.hisDrugCode) ?? []), p]);
  }
  return [...byDrug.values()].map((packs, i) => {
    const drug = (packs[0] as StockChange['packs'][number]).drug;
    const key = businessKey(change.operationId, i + 1);
    const payload: Record<string, unknown> = {
      med_list_codg: drug.insuranceCode,
      inv_chg_type: change.changeType,
      fixmedins_hilist_id: drug.hisDrugCode,
      fixmedins_hilist_name: drug.name,
      fixmedins_bchno: key,
      pric: change.price,
      cnt: packs.length,
      rx_flag: drug.rxFlag ? '1' : '0',
      inv_chg_time: shanghaiDateTime(change.at),
      inv_chg_opter_name: change.actor,
      memo: change.reason,
      trdn_flag: '0',
      drugtracinfo: packs.map((p) => ({ drug_trac_codg: p.traceCode })),
    };
    return {
      infno: '3502',
      businessKey: key,
      sessionId: change.operationId,
      payload,
      createdAt: change.at,
      source: 'ledger',
      orderKeys: orderKeysOf(payload),
      state: 'pending',
    };
  });
}
