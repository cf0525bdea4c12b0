/**
 * Checks of a whole 3505/3506 message before any pack is looked at: a code twice in one message, and codes that do
 * not match the row's count (sel_retn_cnt counts whole packs unless the row is 拆零, trdn_flag 1). Messages name the
 * row (by its fixmedins_bchno) and the code, in the words the HIS screen shows.
 */
import { refused, type TracegateError } from '../errors.js';
import { traceCodesOfRow } from './transactions.js';

export function duplicateCodeInMessage(rows: Record<string, unknown>[]): TracegateError | null {
  const seen = new Map<string, string>();
  for (const row of rows) {
    for (const code of traceCodesOfRow(row)) {
      const first = seen.get(code);
      if (first !== undefined) {
        return refused(
          'CODE_TWICE_IN_MESSAGE',
          `追溯码 ${code} 在同一报文中出现两次（${first} 与 ${bchno(row)}），同一盒药不能销售两次`,
          {
            traceCode: code,
          }
        );
      }
      seen.set(code, bchno(row));
    }
  }
  return null;
}

/** Whole-pack rows (trdn_flag 0) carry one code per pack; exempt (无码) drugs carry none and are not counted. */
export function countMismatch(row: Record<string, unknown>, exempt: boolean): TracegateError | null {
  if (exempt || String(row.trdn_flag ?? '0') === '1') {
    return null;
  }
  const count = Number(row.sel_retn_cnt);
  const codes = traceCodesOfRow(row).length;
  if (!Number.isFinite(count) || count !== codes) {
    return refused(
      'CODE_COUNT_MISMATCH',
      `${bchno(row)}：数量 ${String(row.sel_retn_cnt)} 盒，但上传了 ${codes} 个追溯码（应扫${String(row.sel_retn_cnt)}盒，实扫${codes}盒）`,
      {
        businessKey: bchno(row),
        count: row.sel_retn_cnt,
        codes,
      }
    );
  }
  return null;
}

export function bchno(row: Record<string, unknown>): string {
  return typeof row.fixmedins_bchno === 'string' && row.fixmedins_bchno !== ''
    ? row.fixmedins_bchno
    : '（无批次流水号）';
}
