/**
 * What the platform refuses before it looks at a transaction (infcode -1): bytes that are not UTF-8 JSON, an
 * envelope field missing, of the wrong type, too long or malformed. Each refusal names the field in Chinese and
 * carries a machine code for the sandbox's statistics.
 */
import { ENVELOPE_FIELDS, MSGID_LENGTH, OPTER_TYPES } from './envelope-fields.js';
import type { EnvelopeFieldSpec } from './envelope-fields.js';

/** The request envelope once every §1.1 check has passed. */
export interface CheckedEnvelope {
  infno: string;
  msgid: string;
  mdtrtarea_admvs: string;
  recer_sys_code: string;
  infver: string;
  opter_type: string;
  opter: string;
  opter_name: string;
  inf_time: string;
  fixmedins_code: string;
  fixmedins_name: string;
  sign_no: string;
  input: Record<string, unknown>;
}

export interface EnvelopeProblem {
  /** BODY_TOO_LARGE, BODY_NOT_UTF8, BODY_NOT_JSON, BODY_NOT_OBJECT, FIELD_MISSING, FIELD_TYPE, FIELD_TOO_LONG… */
  code: string;
  errMsg: string;
}

export type EnvelopeCheck = { ok: true; envelope: CheckedEnvelope } | { ok: false; problem: EnvelopeProblem };

const INFNO = /^\d{4}[A-Z]?$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}:\d{2}$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function refuse(code: string, errMsg: string): { ok: false; problem: EnvelopeProblem } {
  return { ok: false, problem: { code, errMsg } };
}

/** Bytes → JSON object; the body limit is enforced by the reader, which passes `tooLarge` instead of the bytes. */
export function parseEnvelopeBody(
  body: { kind: 'bytes'; bytes: Buffer } | { kind: 'too-large'; limit: number }
): { ok: true; value: Record<string, unknown> } | { ok: false; problem: EnvelopeProblem } {
  if (body.kind === 'too-large') {
    return refuse('BODY_TOO_LARGE', `请求报文超过 ${Math.round(body.limit / 1024 / 1024)} MB 上限`);
  }
  let text: string;
  try {
    text = utf8.decode(body.bytes);
  } catch {
    // GBK is what a misconfigured Windows HIS sends; it is never valid UTF-8 once Chinese text is in it.
    return refuse('BODY_NOT_UTF8', '请求报文不是 UTF-8 编码（请勿使用 GBK）');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse('BODY_NOT_JSON', '请求报文不是合法的 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse('BODY_NOT_OBJECT', '请求报文应为 JSON 对象');
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Every field of §1.1 in table order; the first problem found is the answer, as the platform reports one. */
export function checkEnvelope(body: Record<string, unknown>): EnvelopeCheck {
  for (const spec of ENVELOPE_FIELDS) {
    const problem = checkField(spec, body[spec.name]);
    if (problem) {
      return { ok: false, problem };
    }
  }
  const formatProblem = checkFormats(body);
  if (formatProblem) {
    return { ok: false, problem: formatProblem };
  }
  const input = body.input;
  if (input === undefined || input === null || input === '') {
    return refuse('FIELD_MISSING', '必填字段 input（交易输入）缺失');
  }
  if (typeof input !== 'object' || Array.isArray(input)) {
    return refuse('FIELD_TYPE', '字段 input（交易输入）应为 JSON 对象');
  }
  return { ok: true, envelope: envelopeOf(body, input as Record<string, unknown>) };
}

function checkField(spec: EnvelopeFieldSpec, value: unknown): EnvelopeProblem | null {
  const named = `${spec.name}（${spec.label}）`;
  if (value === undefined || value === null || value === '') {
    return spec.required ? { code: 'FIELD_MISSING', errMsg: `必填字段 ${named}缺失` } : null;
  }
  if (typeof value !== 'string') {
    return { code: 'FIELD_TYPE', errMsg: `字段 ${named}应为字符串` };
  }
  const length = [...value].length;
  if (length > spec.maxLength) {
    return { code: 'FIELD_TOO_LONG', errMsg: `字段 ${named}长度 ${length} 超过上限 ${spec.maxLength}` };
  }
  return null;
}

/** Formats of fields already known to be strings of allowed length (or absent, when optional). */
function checkFormats(body: Record<string, unknown>): EnvelopeProblem | null {
  const infno = String(body.infno);
  if (!INFNO.test(infno)) {
    return { code: 'INFNO_FORMAT', errMsg: `交易编号 infno「${infno}」格式错误，应为 4 位数字（批量交易加 A）` };
  }
  const msgid = String(body.msgid);
  if ([...msgid].length !== MSGID_LENGTH) {
    return {
      code: 'MSGID_LENGTH',
      errMsg: `发送方报文ID msgid 应为 ${MSGID_LENGTH} 位，实际 ${[...msgid].length} 位`,
    };
  }
  const opterType = String(body.opter_type);
  if (!(OPTER_TYPES as readonly string[]).includes(opterType)) {
    return {
      code: 'FIELD_FORMAT',
      errMsg: `字段 opter_type（经办人类别）「${opterType}」不在取值范围 ${OPTER_TYPES.join('/')} 内`,
    };
  }
  const infTime = String(body.inf_time);
  if (!isDateTime(infTime)) {
    return { code: 'FIELD_FORMAT', errMsg: `字段 inf_time（交易时间）「${infTime}」不是 yyyy-MM-dd HH:mm:ss` };
  }
  return null;
}

function isDateTime(text: string): boolean {
  const m = DATETIME.exec(text);
  if (!m?.[1]) {
    return false;
  }
  const t = Date.parse(`${m[1]}T${text.slice(11)}Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 19).replace('T', ' ') === text;
}

function envelopeOf(body: Record<string, unknown>, input: Record<string, unknown>): CheckedEnvelope {
  const text = (name: string): string => (typeof body[name] === 'string' ? (body[name] as string) : '');
  return {
    infno: text('infno'),
    msgid: text('msgid'),
    mdtrtarea_admvs: text('mdtrtarea_admvs'),
    recer_sys_code: text('recer_sys_code'),
    infver: text('infver'),
    opter_type: text('opter_type'),
    opter: text('opter'),
    opter_name: text('opter_name'),
    inf_time: text('inf_time'),
    fixmedins_code: text('fixmedins_code'),
    fixmedins_name: text('fixmedins_name'),
    sign_no: text('sign_no'),
    input,
  };
}
