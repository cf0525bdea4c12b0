import type { FieldSpec } from './row-fields.js';
import { rowFieldsOf, type RowInfno } from './row-fields.js';

export interface RowFieldProblem {
  field: string;
  message: string;
}

/** drug_trac_codg in the nested node holds 100 characters. */
const TRACE_CODE_MAX = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * Check one 35xx row against the platform's limits before it is queued, so a field that would be refused is
 * named now (and by us) rather than by the platform later.
 */
export function validateRow(infno: RowInfno, row: Record<string, unknown>): RowFieldProblem[] {
  const problems: RowFieldProblem[] = [];
  for (const spec of rowFieldsOf[infno]) {
    const value = row[spec.name];
    if (value === undefined || value === null || value === '') {
      if (spec.required) {
        problems.push({ field: spec.name, message: `${infno} 必填字段 ${spec.name} 为空` });
      }
      continue;
    }
    const problem = checkValue(spec, value);
    if (problem) {
      problems.push({ field: spec.name, message: `${infno} 字段 ${spec.name}：${problem}` });
    }
  }
  return problems;
}

function checkValue(spec: FieldSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'string': {
      const text = String(value);
      const length = [...text].length;
      if (spec.length !== undefined && length > spec.length) {
        return `长度 ${length} 超过上限 ${spec.length}（值「${text.slice(0, 40)}」）`;
      }
      return spec.values && !spec.values.includes(text)
        ? `「${text.slice(0, 40)}」不在取值范围 ${spec.values.join('/')} 内`
        : null;
    }
    case 'number':
      return checkNumber(spec, value);
    case 'date':
      return DATE.test(String(value)) && isRealDate(String(value)) ? null : `「${String(value)}」不是 yyyy-MM-dd 日期`;
    case 'datetime':
      return DATETIME.test(String(value)) && isRealDate(String(value).slice(0, 10))
        ? null
        : `「${String(value)}」不是 yyyy-MM-dd HH:mm:ss 时间`;
    case 'tracelist':
      return checkTraceList(value);
    default:
      return spec.type satisfies never;
  }
}

function checkNumber(spec: FieldSpec, value: unknown): string | null {
  const text = String(value).trim();
  const m = /^-?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) {
    return `「${text}」不是数值`;
  }
  const scale = spec.scale ?? 0;
  const intDigits = (m[1] ?? '').replace(/^0+(?=\d)/, '').length;
  const decimals = (m[2] ?? '').replace(/0+$/, '').length;
  if (decimals > scale || intDigits > (spec.length ?? 16) - scale) {
    return `「${text}」超出数值(${spec.length},${scale})`;
  }
  return null;
}

function checkTraceList(value: unknown): string | null {
  if (!Array.isArray(value)) {
    return 'drugtracinfo 应为 [{drug_trac_codg}] 列表';
  }
  for (const item of value) {
    const code =
      typeof item === 'object' && item !== null ? (item as Record<string, unknown>).drug_trac_codg : undefined;
    if (typeof code !== 'string' || code === '') {
      return 'drugtracinfo 中每一项都要有 drug_trac_codg';
    }
    if ([...code].length > TRACE_CODE_MAX) {
      return `追溯码「${code.slice(0, 40)}…」超过 ${TRACE_CODE_MAX} 位`;
    }
  }
  return null;
}

function isRealDate(ymd: string): boolean {
  const t = Date.parse(`${ymd}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === ymd;
}
