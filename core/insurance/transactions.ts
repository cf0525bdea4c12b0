/**
 * The 进销存 transactions tracegate knows (insurance-interface.md §2.0): where each one's rows sit in `input`,
 * which 3507 data type deletes them, and which query (3508–3511) tells whether the platform recorded a row.
 * Any other infno is passed through untouched by the proxy.
 */
import { invalid } from '../errors.js';
import type { RowInfno } from './row-fields.js';

export interface TransactionSpec {
  infno: RowInfno;
  name: string;
  /** Node of the single-row form (3505: `selinfo`). */
  node: string;
  /** Node of the "A" batch form (3505A: `selinfoDetail`). */
  batchNode: string;
  /** 3507 inv_data_type of rows of this transaction; null for 3507 itself. */
  dataType: '1' | '2' | '3' | '4' | null;
  /** The query that finds a row by fixmedins_bchno (settles a timed-out upload); null for 3507. */
  queryInfno: '3508' | '3509' | '3510' | '3511' | null;
}

export const TRANSACTIONS: Record<RowInfno, TransactionSpec> = {
  '3501': {
    infno: '3501',
    name: '商品盘存上传',
    node: 'invinfo',
    batchNode: 'invinfoDetail',
    dataType: '1',
    queryInfno: '3508',
  },
  '3502': {
    infno: '3502',
    name: '商品库存变更',
    node: 'invinfo',
    batchNode: 'invinfoDetail',
    dataType: '2',
    queryInfno: '3509',
  },
  '3503': {
    infno: '3503',
    name: '商品采购',
    node: 'purcinfo',
    batchNode: 'purcinfoDetail',
    dataType: '3',
    queryInfno: '3510',
  },
  '3504': {
    infno: '3504',
    name: '商品采购退货',
    node: 'purcinfo',
    batchNode: 'purcinfoDetail',
    dataType: '3',
    queryInfno: '3510',
  },
  '3505': {
    infno: '3505',
    name: '商品销售',
    node: 'selinfo',
    batchNode: 'selinfoDetail',
    dataType: '4',
    queryInfno: '3511',
  },
  '3506': {
    infno: '3506',
    name: '商品销售退货',
    node: 'selinfo',
    batchNode: 'selinfoDetail',
    dataType: '4',
    queryInfno: '3511',
  },
  '3507': {
    infno: '3507',
    name: '商品信息删除',
    node: 'data',
    batchNode: 'goodDetail',
    dataType: null,
    queryInfno: null,
  },
};

/** `3505` → the 3505 spec, single form; `3505A` → the same spec, batch form; anything else → null. */
export function transactionOf(infno: string): { spec: TransactionSpec; batch: boolean } | null {
  const m = /^(35\d{2})(A?)$/.exec(infno.trim());
  const spec = m ? TRANSACTIONS[m[1] as RowInfno] : undefined;
  return spec && m ? { spec, batch: m[2] === 'A' } : null;
}

/**
 * The rows of a 35xx `input`: the single node as one row, or the batch node's list. A missing or mistyped node is
 * an envelope error naming it.
 */
export function rowsOfInput(infno: string, input: unknown): Record<string, unknown>[] {
  const tx = transactionOf(infno);
  if (!tx) {
    throw invalid('INFNO_UNKNOWN', `交易编号 ${infno} 不是进销存交易（3501–3507）`, { infno });
  }
  const node = tx.batch ? tx.spec.batchNode : tx.spec.node;
  const value = isObject(input) ? input[node] : undefined;
  if (tx.batch) {
    if (!Array.isArray(value) || value.length === 0 || !value.every(isObject)) {
      throw invalid('INPUT_NODE_INVALID', `${infno} 的 input.${node} 应为非空的对象列表`, { infno, node });
    }
    return value;
  }
  if (!isObject(value)) {
    throw invalid('INPUT_NODE_INVALID', `${infno} 的 input.${node} 应为对象`, { infno, node });
  }
  return [value];
}

/** The `input` for rows: one row in the single node, several (or a forced batch) in the A variant's list. */
export function inputOfRows(
  infno: RowInfno,
  rows: Record<string, unknown>[],
  batch = rows.length > 1
): {
  infno: string;
  input: Record<string, unknown>;
} {
  const spec = TRANSACTIONS[infno];
  return batch
    ? { infno: `${infno}A`, input: { [spec.batchNode]: rows } }
    : { infno, input: { [spec.node]: rows[0] ?? {} } };
}

/** The trace codes of a row's drugtracinfo node (empty for rows without one). */
export function traceCodesOfRow(row: Record<string, unknown>): string[] {
  const node = row.drugtracinfo;
  if (!Array.isArray(node)) {
    return [];
  }
  return node.flatMap((item) =>
    isObject(item) && typeof item.drug_trac_codg === 'string' ? [item.drug_trac_codg] : []
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
