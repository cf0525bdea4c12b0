/**
 * 3501–3507 and their A variants: every row is checked with the relay's own validateRow (the platform's limits),
 * then recorded, refused as a duplicate bchno, or (3507) deletes what it names. The single form answers one
 * output.result; the A form records the good rows and lists the bad ones in output.<node>ErrDetail.
 */
import type { PlatformOutcome } from '../../core/insurance/response-envelope.js';
import { shanghaiDateTime } from '../../core/shanghai-time.js';
import { isTracegateError } from '../../core/errors.js';
import type { TransactionSpec } from '../../core/insurance/transactions.js';
import { rowsOfInput } from '../../core/insurance/transactions.js';
import { validateRow } from '../../core/insurance/validate-row.js';
import type { DataType, RowKey, UploadInfno } from './recorded-row.js';
import type { TransactionContext } from './transaction-context.js';
import { MSG_RSLT_MAX, clip } from './transaction-context.js';

type RowResult = { ok: true } | { ok: false; msgRslt: string };

const SUCCESS = { retRslt: '1', msgRslt: '成功' } as const;

export function handleRows(ctx: TransactionContext, tx: { spec: TransactionSpec; batch: boolean }): PlatformOutcome {
  let rows: Record<string, unknown>[];
  try {
    rows = rowsOfInput(ctx.envelope.infno, ctx.envelope.input);
  } catch (e) {
    // A missing or mistyped input node is the envelope's fault, not a row's: infcode -1 naming the node.
    if (isTracegateError(e)) {
      return { ok: false, errMsg: e.message };
    }
    throw e;
  }
  const results = rows.map((row) => handleRow(ctx, tx.spec, row));
  return { ok: true, output: tx.batch ? batchOutput(tx.spec, rows, results) : singleOutput(results[0]) };
}

function handleRow(ctx: TransactionContext, spec: TransactionSpec, row: Record<string, unknown>): RowResult {
  const infno = spec.infno;
  if (infno === '3507' || spec.dataType === null) {
    return deleteRow(ctx, row);
  }
  return uploadRow(ctx, infno, spec.dataType, row);
}

function uploadRow(
  ctx: TransactionContext,
  infno: UploadInfno,
  dataType: DataType,
  row: Record<string, unknown>
): RowResult {
  const { state, envelope } = ctx;
  const bchno = textOf(row.fixmedins_bchno);
  const key: RowKey = { fixmedinsCode: envelope.fixmedins_code, dataType, bchno };
  state.counters.rowsReceived++;
  if (bchno !== '') {
    state.bchno.received(key);
  }
  const problems = validateRow(infno, row);
  if (problems.length > 0) {
    return refuseRow(ctx, problems.map((p) => p.message).join('；'));
  }
  if (state.rows.has(key) && isRejecting(ctx)) {
    return refuseRow(ctx, `定点医药机构批次流水号 ${bchno} 已存在`);
  }
  state.rows.add({
    ...key,
    infno,
    requestInfno: envelope.infno,
    fields: row,
    msgid: envelope.msgid,
    infRefmsgid: ctx.infRefmsgid,
    opter: envelope.opter,
    opterName: envelope.opter_name,
    receivedAt: ctx.now.toISOString(),
    crteTime: shanghaiDateTime(ctx.now.toISOString()),
  });
  state.counters.rowsRecorded++;
  state.bchno.recorded(key);
  return { ok: true };
}

function isRejecting(ctx: TransactionContext): boolean {
  switch (ctx.duplicateBchno) {
    case 'reject':
      return true;
    case 'accept':
      return false;
    default:
      return ctx.duplicateBchno satisfies never;
  }
}

function deleteRow(ctx: TransactionContext, row: Record<string, unknown>): RowResult {
  const problems = validateRow('3507', row);
  if (problems.length > 0) {
    return refuseRow(ctx, problems.map((p) => p.message).join('；'));
  }
  const bchno = textOf(row.fixmedins_bchno);
  const dataType = textOf(row.inv_data_type) as DataType; // validateRow checked it is 1–4
  const key: RowKey = { fixmedinsCode: ctx.envelope.fixmedins_code, dataType, bchno };
  const removed = ctx.state.rows.remove(key);
  if (removed === 0) {
    return refuseRow(ctx, `未找到定点医药机构批次流水号 ${bchno}（进销存数据类型 ${dataType}）的记录，无法删除`);
  }
  ctx.state.bchno.deleted(key, removed);
  ctx.state.counters.rowsDeleted += removed;
  return { ok: true };
}

function refuseRow(ctx: TransactionContext, msgRslt: string): RowResult {
  ctx.state.counters.rowsRefused++;
  return { ok: false, msgRslt: clip(msgRslt, MSG_RSLT_MAX) };
}

function singleOutput(result: RowResult | undefined): Record<string, unknown> {
  if (!result || result.ok) {
    return { result: { ...SUCCESS } };
  }
  return { result: { retRslt: '0', msgRslt: result.msgRslt } };
}

/** selinfoDetail → selinfoErrDetail, goodDetail → goodErrDetail. */
function errDetailNode(spec: TransactionSpec): string {
  return `${spec.batchNode.replace(/Detail$/, '')}ErrDetail`;
}

function batchOutput(
  spec: TransactionSpec,
  rows: Record<string, unknown>[],
  results: RowResult[]
): Record<string, unknown> {
  const errors = results.flatMap((result, i) =>
    result.ok ? [] : [{ ...echoedKeys(rows[i] ?? {}), retRslt: '0', msgRslt: result.msgRslt, memo: null }]
  );
  const result =
    errors.length === 0
      ? { ...SUCCESS }
      : { retRslt: '0', msgRslt: `共 ${rows.length} 条，其中 ${errors.length} 条失败，见 ${errDetailNode(spec)}` };
  return { result, [errDetailNode(spec)]: errors };
}

/** The business keys a per-row error echoes, so the sender can tell which row it was. */
function echoedKeys(row: Record<string, unknown>): Record<string, unknown> {
  const keys: Record<string, unknown> = { fixmedins_bchno: row.fixmedins_bchno ?? null };
  for (const name of ['med_list_codg', 'fixmedins_hilist_id', 'inv_data_type']) {
    if (row[name] !== undefined) {
      keys[name] = row[name];
    }
  }
  return keys;
}

function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
