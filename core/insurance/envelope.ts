/**
 * The national medical-insurance platform's JSON envelope (reference: insurance-interface.md §1): the request
 * around every transaction's `input`, and the response with its two-level result for 35xx transactions.
 */
import { invalid } from '../errors.js';
import { shanghaiDateTime } from '../shanghai-time.js';

/** The institution's fixed envelope fields, from the configuration. */
export interface Institution {
  /** 定点医药机构编号, 12 characters in practice (e.g. H15090201645). */
  fixmedinsCode: string;
  fixmedinsName: string;
  /** 就医地医保区划, 6 digits. */
  mdtrtareaAdmvs: string;
  /** 参保地医保区划; for 35xx the hospital's own area. */
  insuplcAdmdvs: string;
  recerSysCode: string;
  infver: string;
}

export interface Operator {
  /** 1 经办人, 2 自助终端, 3 移动终端 */
  opterType: '1' | '2' | '3';
  opter: string;
  opterName: string;
}

export interface RequestEnvelope {
  infno: string;
  msgid: string;
  mdtrtarea_admvs: string;
  insuplc_admdvs: string;
  recer_sys_code: string;
  dev_no: string;
  dev_safe_info: string;
  cainfo: string;
  signtype: string;
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

export function buildRequest(args: {
  infno: string;
  msgid: string;
  input: Record<string, unknown>;
  institution: Institution;
  operator: Operator;
  /** ISO instant; inf_time is written in hospital-local time. */
  at: string;
  signNo?: string;
}): RequestEnvelope {
  const { institution: i, operator: o } = args;
  return {
    infno: args.infno,
    msgid: args.msgid,
    mdtrtarea_admvs: i.mdtrtareaAdmvs,
    insuplc_admdvs: i.insuplcAdmdvs,
    recer_sys_code: i.recerSysCode,
    dev_no: '',
    dev_safe_info: '',
    cainfo: '',
    signtype: '',
    infver: i.infver,
    opter_type: o.opterType,
    opter: o.opter,
    opter_name: o.opterName,
    inf_time: shanghaiDateTime(args.at),
    fixmedins_code: i.fixmedinsCode,
    fixmedins_name: i.fixmedinsName,
    sign_no: args.signNo ?? '',
    input: args.input,
  };
}

/** A per-row error of an "A" batch variant (invinfoErrDetail, purcinfoErrDetail…). */
export interface RowError {
  key: Record<string, unknown>;
  msgRslt: string;
}

export interface ParsedResponse {
  infcode: number;
  errMsg: string | null;
  warnMsg: string | null;
  infRefmsgid: string | null;
  output: unknown;
  /** 35xx business result: retRslt under output.result or output ("1" success). Null when absent. */
  retRslt: string | null;
  msgRslt: string | null;
  rowErrors: RowError[];
  /** infcode 0, retRslt (when present) "1", and no row errors. */
  ok: boolean;
}

/** Read a platform response; `infcode` may be a number or a string. A body that is no envelope is an error. */
export function parseResponse(body: unknown): ParsedResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('RESPONSE_MALFORMED', '医保平台返回的不是 JSON 对象');
  }
  const b = body as Record<string, unknown>;
  const infcode =
    typeof b.infcode === 'number' ? b.infcode : typeof b.infcode === 'string' ? Number(b.infcode.trim()) : NaN;
  if (!Number.isInteger(infcode)) {
    throw invalid('RESPONSE_MALFORMED', `医保平台返回的 infcode「${String(b.infcode)}」不是整数`);
  }
  const output = b.output ?? null;
  const result = businessResult(output);
  const rowErrors = rowErrorsOf(output);
  return {
    infcode,
    errMsg: text(b.err_msg),
    warnMsg: text(b.warn_msg),
    infRefmsgid: text(b.inf_refmsgid),
    output,
    retRslt: result.retRslt,
    msgRslt: result.msgRslt,
    rowErrors,
    ok: infcode === 0 && (result.retRslt === null || result.retRslt === '1') && rowErrors.length === 0,
  };
}

function text(v: unknown): string | null {
  return v === undefined || v === null ? null : String(v);
}

function businessResult(output: unknown): { retRslt: string | null; msgRslt: string | null } {
  if (typeof output !== 'object' || output === null) {
    return { retRslt: null, msgRslt: null };
  }
  const o = output as Record<string, unknown>;
  const holder = typeof o.result === 'object' && o.result !== null ? (o.result as Record<string, unknown>) : o;
  return { retRslt: text(holder.retRslt), msgRslt: text(holder.msgRslt) };
}

function rowErrorsOf(output: unknown): RowError[] {
  if (typeof output !== 'object' || output === null) {
    return [];
  }
  const errors: RowError[] = [];
  for (const [name, value] of Object.entries(output as Record<string, unknown>)) {
    if (!name.endsWith('ErrDetail') || !Array.isArray(value)) {
      continue;
    }
    for (const row of value) {
      if (typeof row === 'object' && row !== null && String((row as Record<string, unknown>).retRslt ?? '0') !== '1') {
        const { retRslt: _r, msgRslt, ...key } = row as Record<string, unknown>;
        errors.push({ key, msgRslt: String(msgRslt ?? '') });
      }
    }
  }
  return errors;
}

/** err_msg holds at most 200 characters. */
export const ERR_MSG_MAX = 200;
