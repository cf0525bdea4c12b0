/**
 * Reading the documented columns out of the HIS's rows, with errors that name the statement, the row and the column
 * (HISDB_COLUMN_MISSING, HISDB_VALUE_INVALID, HISDB_EVENT_INCONSISTENT) so the hospital's IT can fix the SQL.
 */
import { invalid, type TracegateError } from '../../core/errors.js';
import { cellText, type HisRow } from './row-values.js';
import { statementLabel, type HisDbStatement } from './sql-params.js';

/** The columns tracegate reads (the SQL names them with AS), and what each one is, for messages. */
export const columnLabel = {
  event_id: '事件号',
  event_kind: '事件类型 dispense/return',
  watermark: '续读位置',
  prescription_no: '处方号',
  visit_no: '就诊号',
  patient_id: '患者ID',
  patient_name: '患者姓名',
  insurance_visit_id: '医保就诊ID mdtrt_id',
  settlement_id: '结算ID',
  settlement_type: '结算类型 insured/self_pay',
  doctor_name: '开方医生',
  agent_name: '代办人姓名',
  agent_phone: '代办人电话',
  operator: '发药/退药人',
  location: '药房窗口',
  line_no: '处方行号',
  his_drug_code: 'HIS药品编码',
  quantity: '数量',
  units: '拆零数量',
  unit: '单位',
  trace_codes: '追溯码',
  original_prescription_no: '原处方号',
  reason: '退药原因',
} as const;
export type HisColumn = keyof typeof columnLabel;

/** Where rows came from, for messages: the statement and what the rows are (事件 12, 处方 RX1). */
export interface RowSource {
  statement: HisDbStatement;
  subject: string;
}

export function columnMissing(src: RowSource, rows: readonly HisRow[], index: number, column: HisColumn) {
  const row = rows[index] ?? {};
  const where = `${statementLabel[src.statement]}（${src.statement}）`;
  const why =
    column in row
      ? `${src.subject} 第 ${index + 1} 行的 ${column}（${columnLabel[column]}）为空`
      : `${where} 的结果没有 ${column}（${columnLabel[column]}）列，请在 SQL 中写 AS ${column}`;
  return invalid('HISDB_COLUMN_MISSING', `${why}，无法处理${src.subject}`, {
    statement: src.statement,
    column,
    row: index + 1,
  });
}

export function valueInvalid(
  src: RowSource,
  index: number,
  column: HisColumn,
  value: unknown,
  expected: string
): TracegateError {
  return invalid(
    'HISDB_VALUE_INVALID',
    `${src.subject} 第 ${index + 1} 行的 ${column}（${columnLabel[column]}）为「${String(value)}」，应为${expected}`,
    { statement: src.statement, column, row: index + 1, value }
  );
}

export function optionalText(row: HisRow | undefined, column: HisColumn): string | null {
  return row ? cellText(row[column]) : null;
}

export function requiredText(src: RowSource, rows: readonly HisRow[], index: number, column: HisColumn): string {
  const text = optionalText(rows[index], column);
  if (text === null) {
    throw columnMissing(src, rows, index, column);
  }
  return text;
}

/** A header value every line repeats: taken from the first line that has it; a line saying otherwise is an error. */
export function headerText(src: RowSource, rows: readonly HisRow[], column: HisColumn): string | null {
  let found: { value: string; index: number } | null = null;
  for (const [index, row] of rows.entries()) {
    const value = optionalText(row, column);
    if (value === null) {
      continue;
    }
    if (found && found.value !== value) {
      throw invalid(
        'HISDB_EVENT_INCONSISTENT',
        `${src.subject} 的各行 ${column}（${columnLabel[column]}）不一致：第 ${found.index + 1} 行「${found.value}」，第 ${index + 1} 行「${value}」。请检查 SQL 的连接条件`,
        { statement: src.statement, column }
      );
    }
    found ??= { value, index };
  }
  return found?.value ?? null;
}

export function requiredHeader(src: RowSource, rows: readonly HisRow[], column: HisColumn): string {
  const value = headerText(src, rows, column);
  if (value === null) {
    throw columnMissing(src, rows, 0, column);
  }
  return value;
}

export function positiveNumber(src: RowSource, rows: readonly HisRow[], index: number, column: HisColumn): number {
  const text = requiredText(src, rows, index, column);
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw valueInvalid(src, index, column, text, '正数');
  }
  return n;
}

export function positiveInteger(src: RowSource, rows: readonly HisRow[], index: number, column: HisColumn): number {
  const n = positiveNumber(src, rows, index, column);
  if (!Number.isSafeInteger(n)) {
    throw valueInvalid(src, index, column, n, '正整数');
  }
  return n;
}

/** Trace codes as the HIS lists them: separated by , ; 、 or whitespace (full-width forms too). */
export function splitCodes(text: string | null): string[] {
  return text === null
    ? []
    : text
        .split(/[\s,;，；、]+/u)
        .map((c) => c.trim())
        .filter((c) => c !== '');
}
