/**
 * Why an HL7 message could not be read, with a machine code for the HIS's interface log and a Chinese message for
 * the pharmacist who sees the AR. Fields are named `RXD.2` in details (as paths are configured) and `RXD-2` in words.
 */
import { invalid, type TracegateError } from '../../core/errors.js';
import type { Hl7FieldPath } from './hl7-field-path.js';
import { pathText } from './hl7-field-path.js';

/** What the pharmacist is told a field is, for the fields the default mapping reads. */
const LABELS: Record<string, string> = {
  'MSH.9': '消息类型',
  'MSH.10': '消息控制号',
  'PID.3': '患者编号',
  'PID.5': '患者姓名',
  'PV1.19': '就诊号',
  'ORC.2': '处方号',
  'ORC.3': '处方号',
  'RXD.1': '处方行号',
  'RXD.2': '药品编码',
  'RXD.4': '发药数量',
  'RXD.5': '数量单位',
  'RXE.2': '药品编码',
  'RXE.10': '发药数量',
  'RXE.11': '数量单位',
};

export function hl7Words(path: Hl7FieldPath): string {
  const label = LABELS[`${path.segment}.${path.field}`];
  const words = pathText(path).replace('.', '-');
  return label ? `${words}（${label}）` : words;
}

/** Where in the message: the prescription line, and which occurrence of the segment (1 = the first), for ERR-2. */
export interface FieldPlace {
  line?: number;
  occurrence?: number;
}

function onLine(at: FieldPlace): string {
  return at.line === undefined ? '' : `，第${at.line}行`;
}

export function fieldMissing(path: Hl7FieldPath, at: FieldPlace = {}): TracegateError {
  return invalid('HL7_FIELD_MISSING', `HL7 消息缺少必填字段 ${hl7Words(path)}${onLine(at)}`, {
    field: pathText(path),
    ...at,
  });
}

export function fieldInvalid(path: Hl7FieldPath, value: string, why: string, at: FieldPlace = {}): TracegateError {
  return invalid('HL7_FIELD_INVALID', `HL7 消息字段 ${hl7Words(path)} 的值「${value}」${why}${onLine(at)}`, {
    field: pathText(path),
    value,
    ...at,
  });
}

export function segmentMissing(segment: string, what: string): TracegateError {
  return invalid('HL7_SEGMENT_MISSING', `HL7 消息缺少 ${segment} 段（${what}）`, { segment });
}

export function unreadable(why: string): TracegateError {
  return invalid('HL7_UNREADABLE', `HL7 消息无法解析：${why}`, { reason: why });
}
