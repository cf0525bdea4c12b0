/**
 * The ledger's side of a 3502 stock change and of a 3507 deletion the HIS sends through the proxy. The platform's
 * change type (inv_chg_type, §2.2) says what happened to the row's packs: out of the hospital (调拨/其他/退货出库 →
 * transferred out), destroyed or lost (盘损/销毁 → scrapped), or into it (调拨/其他/采购/赠药入库, 盘盈 → received, or
 * back from a transfer). A 3507 of a sale puts its packs back in stock; of a return, back to dispensed. Steps are
 * built against the packs as they are; an illegal one is the ledger's own refusal, naming the code.
 */
import { invalid } from '../errors.js';
import type { LedgerStep } from '../ledger/ledger-service.js';
import type { Pack } from '../ledger/pack.js';
import { bchno } from './message-checks.js';
import { traceCodesOfRow } from './transactions.js';

type Direction = 'out' | 'scrap' | 'in';

const DIRECTION: Record<string, Direction> = {
  '101': 'in',
  '102': 'out',
  '103': 'in',
  '104': 'scrap',
  '105': 'scrap',
  '106': 'in',
  '107': 'out',
  '108': 'in',
  '109': 'out',
  '110': 'in',
  '111': 'out',
};

const TYPE_NAME: Record<string, string> = {
  '101': '调拨入库',
  '102': '调拨出库',
  '103': '盘盈',
  '104': '盘损',
  '105': '销毁',
  '106': '其他入库',
  '107': '其他出库',
  '108': '商品采购入库',
  '109': '商品退货出库',
  '110': '赠药入库',
  '111': '赠药退回出库',
};

export function stockChangeSteps(rows: Record<string, unknown>[], packs: ReadonlyMap<string, Pack>): LedgerStep[] {
  return rows.flatMap((row) => {
    const type = String(row.inv_chg_type ?? '');
    const direction = DIRECTION[type];
    if (!direction) {
      throw invalid('ROW_FIELD_INVALID', `${bchno(row)}：库存变更类型 inv_chg_type「${type}」不在 101–111 内`, {
        field: 'inv_chg_type',
      });
    }
    const reason = `3502 ${TYPE_NAME[type]}（${bchno(row)}）`;
    return traceCodesOfRow(row).map((traceCode): LedgerStep => {
      switch (direction) {
        case 'out':
          return { traceCode, action: 'transfer_out', reason };
        case 'scrap':
          return { traceCode, action: 'scrap', reason };
        case 'in':
          return packs.get(traceCode)?.state === 'transferred_out'
            ? { traceCode, action: 'transfer_in', reason }
            : {
                traceCode,
                action: 'receive',
                reason,
                hisDrugCode: String(row.fixmedins_hilist_id ?? ''),
                lot: typeof row.manu_lotnum === 'string' ? row.manu_lotnum : null,
                expiry: typeof row.expy_end === 'string' ? row.expy_end : null,
              };
        default:
          return direction satisfies never;
      }
    });
  });
}

/** A deleted 3505 takes its packs back to stock; a deleted 3506 takes them back to dispensed. */
export function deletionSteps(infno: string, codes: string[], key: string): LedgerStep[] {
  const correctTo = infno === '3505' ? 'in_stock' : 'dispensed';
  const reason = `3507 删除 ${infno} ${key}`;
  return codes.map((traceCode) => ({ traceCode, action: 'correct', correctTo, reason }));
}
