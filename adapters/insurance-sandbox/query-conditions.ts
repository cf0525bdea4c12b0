/**
 * The `input.data` conditions of the 3508–3513 queries, read into a row filter. The platform answers only with
 * the asking institution's rows (data.fixmedins_code, else the envelope's).
 */
import type { RowFilter } from './recorded-rows.js';
import type { TransactionContext } from './transaction-context.js';

export type Conditions = { ok: true; filter: RowFilter; data: Record<string, unknown> } | { ok: false; errMsg: string };

const DATE = /^(\d{4}-\d{2}-\d{2})(?: \d{2}:\d{2}:\d{2})?$/;

export function readConditions(ctx: TransactionContext): Conditions {
  const { infno, input, fixmedins_code } = ctx.envelope;
  const data = input.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, errMsg: `${infno} 的 input.data（查询条件）应为对象` };
  }
  const d = data as Record<string, unknown>;
  const fromDate = dateOf(d.begndate);
  const toDate = dateOf(d.enddate);
  if (fromDate === null || toDate === null) {
    const [name, value] = fromDate === null ? ['begndate', d.begndate] : ['enddate', d.enddate];
    return { ok: false, errMsg: `${infno} 查询条件 ${name}「${String(value)}」不是 yyyy-MM-dd 日期` };
  }
  return {
    ok: true,
    data: d,
    filter: {
      fixmedinsCode: textOf(d.fixmedins_code) ?? fixmedins_code,
      bchno: textOf(d.fixmedins_bchno),
      medListCodg: textOf(d.med_list_codg),
      traceCode: textOf(d.drug_trac_codg),
      fromDate,
      toDate,
    },
  };
}

/** A condition left empty is no condition, as HIS screens send every key with '' for the unused ones. */
export function textOf(value: unknown): string | undefined {
  return (typeof value === 'string' || typeof value === 'number') && String(value) !== '' ? String(value) : undefined;
}

/** undefined: not given · null: given but not a date. */
function dateOf(value: unknown): string | undefined | null {
  const text = textOf(value);
  if (text === undefined) {
    return undefined;
  }
  const m = DATE.exec(text);
  return m?.[1] ?? null;
}
