/**
 * Why HIS book stock and the ledger's packs in stock differ (药帐不平), as categories a pharmacy head can check code by
 * code. `effect` is how one code of the category moves "book − ledger in stock" when the HIS booked what the ledger
 * did not (or the other way round): +1 the book is likely one pack higher, −1 one pack lower, 0 it does not move the
 * difference (shown for the insurance side). Window categories count what happened since the last inventory count
 * (or a given date); as-of categories are the state of the packs at the end of the day.
 */
import type { PackState } from '../../ledger/pack.js';

export const ReconciliationCategories = [
  'dispensed_never_received',
  'received_twice',
  'returns_not_matching',
  'opened',
  'quarantined',
  'scrapped',
  'transferred_out',
  'sold_not_uploaded',
  'unexplained',
] as const;
export type ReconciliationCategory = (typeof ReconciliationCategories)[number];

/** Categories counted from events in the window (since the last count or a given date). */
export const WindowCategories = [
  'dispensed_never_received',
  'received_twice',
  'returns_not_matching',
  'scrapped',
  'transferred_out',
] as const;
export type WindowCategory = (typeof WindowCategories)[number];

/** Every category that has codes to list, plus the packs in stock themselves (for counting the shelf). */
export const CodeListCategories = [
  ...ReconciliationCategories.filter((c): c is Exclude<ReconciliationCategory, 'unexplained'> => c !== 'unexplained'),
  'in_stock',
] as const;
export type CodeListCategory = (typeof CodeListCategories)[number];

export type Effect = 1 | -1 | 0;

export interface CategoryInfo {
  label: string;
  effect: Effect;
  scope: 'window' | 'as-of' | 'remainder';
  /** What it means for the pharmacy head (Chinese, for pages, exports and the OpenAPI description). */
  description: string;
}

export const categoryInfo: Record<CodeListCategory | 'unexplained', CategoryInfo> = {
  dispensed_never_received: {
    label: '发药未入库',
    effect: -1,
    scope: 'window',
    description: '发药时台账中没有这盒（已补记入库）：HIS 若从未入库就销售，账面会比台账少',
  },
  received_twice: {
    label: '重复入库（已拒收）',
    effect: 1,
    scope: 'window',
    description: '入库时追溯码已在台账中而被拒收：HIS 若仍按随货单入库，账面会比台账多',
  },
  returns_not_matching: {
    label: '退药不符（已拒退）',
    effect: 1,
    scope: 'window',
    description: '退回的药盒与原发药不符而被拒退：HIS 若仍办理了退药入库，账面会比台账多',
  },
  opened: {
    label: '拆零在用',
    effect: 1,
    scope: 'as-of',
    description: '已拆零、尚有剩余的药盒，不计入在库整盒：HIS 若仍按整盒计，账面会比台账多',
  },
  quarantined: {
    label: '隔离中',
    effect: 1,
    scope: 'as-of',
    description: '隔离（召回、退回待查）的药盒，不计入在库：HIS 通常仍计入库存',
  },
  scrapped: {
    label: '报废',
    effect: 1,
    scope: 'window',
    description: '台账已报废的药盒：HIS 若未做报损，账面会比台账多',
  },
  transferred_out: {
    label: '调出',
    effect: 1,
    scope: 'window',
    description: '台账已调出的药盒：HIS 若未做调拨出库，账面会比台账多',
  },
  sold_not_uploaded: {
    label: '已发药未上传医保',
    effect: 0,
    scope: 'as-of',
    description: '已发药但 3505 尚未上传成功（待上传、结果未知或失败）：不影响账面与台账之差，影响医保端库存',
  },
  unexplained: {
    label: '无法解释的差异',
    effect: 0,
    scope: 'remainder',
    description: '差异减去以上各类可解释的数量后的余数：需要盘点核查',
  },
  in_stock: {
    label: '在库',
    effect: 0,
    scope: 'as-of',
    description: '台账在库的整盒（用于盘点）',
  },
};

/** The ledger state a state category lists. */
export const categoryState: Partial<Record<CodeListCategory, PackState>> = {
  opened: 'opened',
  quarantined: 'quarantined',
  in_stock: 'in_stock',
};

/** Refusal codes in the audit trail that mean "this code was received twice". */
export const RECEIVED_TWICE_CODES = ['CODE_ALREADY_RECEIVED', 'RECEIPT_DUPLICATE_CODE'] as const;

/** Refusal codes that mean "the returned box is not the one dispensed" (退药退码 failed). */
export const RETURN_MISMATCH_CODES = [
  'RETURN_CODE_NOT_DISPENSED_HERE',
  'RETURN_CODE_DISPENSED_AGAIN',
  'RETURN_ALREADY_RETURNED',
  'RETURN_SPLIT_PACK',
  'RETURN_WINDOW_EXPIRED',
  'RETURN_LINE_NOT_ON_RETURN',
  'CODE_NOT_DISPENSED',
] as const;

export function isWindowCategory(category: CodeListCategory): category is WindowCategory {
  return (WindowCategories as readonly string[]).includes(category);
}
