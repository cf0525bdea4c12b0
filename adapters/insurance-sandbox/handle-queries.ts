/**
 * The record queries (insurance-interface.md §2.8): 3508–3511 answer the rows as received (plus infno and
 * crte_time), 3512/3513 answer one row per trace code. A relay settles a timed-out upload with them.
 */
import type { PlatformOutcome } from '../../core/insurance/response-envelope.js';
import { textOf, readConditions } from './query-conditions.js';
import type { DataType, RecordedRow } from './recorded-row.js';
import { traceCodesOf } from './recorded-row.js';
import type { RowFilter } from './recorded-rows.js';
import type { TransactionContext } from './transaction-context.js';

export const QueryInfnos = ['3508', '3509', '3510', '3511', '3512', '3513'] as const;
export type QueryInfno = (typeof QueryInfnos)[number];

export function isQueryInfno(infno: string): infno is QueryInfno {
  return (QueryInfnos as readonly string[]).includes(infno);
}

/** 3508 库存 (3501 rows), 3509 库存变更 (3502), 3510 采购 (3503/3504), 3511 销售 (3505/3506, returns included). */
const RECORD_QUERIES: Record<'3508' | '3509' | '3510' | '3511', DataType> = {
  '3508': '1',
  '3509': '2',
  '3510': '3',
  '3511': '4',
};

export function handleQuery(ctx: TransactionContext, infno: QueryInfno): PlatformOutcome {
  const conditions = readConditions(ctx);
  if (!conditions.ok) {
    return { ok: false, errMsg: conditions.errMsg };
  }
  const { filter, data } = conditions;
  switch (infno) {
    case '3508':
    case '3509':
    case '3510':
    case '3511':
      return found(ctx.state.rows.find({ ...filter, dataTypes: [RECORD_QUERIES[infno]] }).map(recordOf));
    case '3512':
      return found(traceRows(ctx, { ...filter, dataTypes: ['1', '2'] }, data).map(receiptTraceOf));
    case '3513':
      return found(traceRows(ctx, { ...filter, infno: '3505' }, data).map(saleTraceOf));
    default:
      return infno satisfies never;
  }
}

function found(rows: Record<string, unknown>[]): PlatformOutcome {
  return { ok: true, output: { data: rows } };
}

function recordOf(row: RecordedRow): Record<string, unknown> {
  return { ...row.fields, infno: row.infno, crte_time: row.crteTime };
}

interface TraceRow {
  row: RecordedRow;
  code: string;
}

/** One entry per (row, code), narrowed by the trace-specific conditions. */
function traceRows(ctx: TransactionContext, filter: RowFilter, data: Record<string, unknown>): TraceRow[] {
  const mdtrtId = textOf(data.mdtrt_id);
  const psnNo = textOf(data.psn_no);
  const medinsListCodg = textOf(data.medins_list_codg);
  return ctx.state.rows
    .find(filter)
    .filter(
      (row) =>
        (mdtrtId === undefined || row.fields.mdtrt_sn === mdtrtId) &&
        (psnNo === undefined || row.fields.psn_no === psnNo) &&
        (medinsListCodg === undefined || row.fields.fixmedins_hilist_id === medinsListCodg)
    )
    .flatMap((row) => traceCodesOf(row).map((code) => ({ row, code })))
    .filter((t) => filter.traceCode === undefined || t.code === filter.traceCode);
}

function field(row: RecordedRow, name: string): unknown {
  return row.fields[name] ?? null;
}

/** 3512 output row: a code received into stock (3501/3502). */
function receiptTraceOf({ row, code }: TraceRow): Record<string, unknown> {
  return {
    fixmedins_code: row.fixmedinsCode,
    med_list_codg: field(row, 'med_list_codg'),
    medins_list_codg: field(row, 'fixmedins_hilist_id'),
    medins_list_name: field(row, 'fixmedins_hilist_name'),
    fixmedins_bchno: row.bchno,
    drug_trac_codg: code,
    vali_flag: '1',
    inv_chg_type: field(row, 'inv_chg_type'),
    opter_name: row.opterName,
    crte_time: row.crteTime,
    infno: row.infno,
  };
}

/** 3513 output row (§2.8): a code sold (3505); 3506 returns are answered by 3511. */
function saleTraceOf({ row, code }: TraceRow): Record<string, unknown> {
  return {
    fixmedins_code: row.fixmedinsCode,
    med_list_codg: field(row, 'med_list_codg'),
    medins_list_codg: field(row, 'fixmedins_hilist_id'),
    medins_list_name: field(row, 'fixmedins_hilist_name'),
    fixmedins_bchno: row.bchno,
    mdtrt_id: field(row, 'mdtrt_sn'),
    mdtrt_setl_type: field(row, 'mdtrt_setl_type'),
    bkkp_sn: field(row, 'setl_id'),
    drug_trac_codg: code,
    psn_no: field(row, 'psn_no'),
    psn_cert_type: field(row, 'psn_cert_type'),
    certno: field(row, 'certno'),
    psn_name: field(row, 'psn_name'),
    memo: field(row, 'memo'),
    trdn_flag: field(row, 'trdn_flag'),
    updt_time: row.crteTime,
    opter_name: field(row, 'sel_retn_opter_name'),
    rid: String(row.rid),
    crte_time: row.crteTime,
    opt_time: field(row, 'sel_retn_time'),
    opter_id: row.opter,
    crter_name: row.opterName,
    crter_id: row.opter,
    optins_no: row.fixmedinsCode,
  };
}
