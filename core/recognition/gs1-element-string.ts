/**
 * GS1 element strings (imported drugs' DataMatrix): splitting is left to gs1-barcode-parser-mod; what it does not
 * check (GTIN check digit, real dates, lot/serial charset and length, a dropped GS) is checked here.
 */
import { parseBarcode } from 'gs1-barcode-parser-mod';
import {
  AI_EXPIRY,
  AI_GTIN,
  AI_LOT,
  AI_PRODUCTION_DATE,
  AI_SERIAL,
  MAX_LOT_OR_SERIAL_LENGTH,
  aiName,
  isCharset82,
  parseGs1Date,
} from './gs1-fields.js';
import { findSwallowedElements } from './gs1-missing-separator.js';
import type { Gs1Element } from './gs1-missing-separator.js';
import { hasValidGtinCheckDigit } from './gtin-check-digit.js';
import { GS } from './normalize-scan.js';
import type { ScanProblem, ScanProblemCode } from './scan-problem.js';

export interface Gs1Pack {
  /** Canonical `01` + GTIN-14 + `21` + serial, the same however the pack was scanned. */
  traceCode: string;
  gtin: string;
  serial: string;
  lot: string | null;
  /** yyyy-MM-dd */
  expiry: string | null;
  /** yyyy-MM-dd */
  productionDate: string | null;
}

export type Gs1Outcome = { ok: true; pack: Gs1Pack } | { ok: false; problem: ScanProblem };

// AIM identifiers of the symbologies that carry GS1 data: DataMatrix, GS1-128, QR, DataBar/composite, DotCode.
const GS1_SYMBOLOGIES = new Set([']d2', ']C1', ']Q3', ']e0', ']e1', ']e2', ']J1']);
const BRACKETED = /^\(\d{2,4}\)/;
/**
 * Without a prefix, GS or brackets, a string is taken as GS1 when predefined-length elements lead to 01: the usual
 * `01…` and the date-first `17yymmdd01…`. Checked on the text alone so that recognising the cleaned text again (the
 * prefix gone) gives the same answer.
 */
const LEADS_TO_GTIN = /^(?:00\d{18}|0[23]\d{14}|1[1-7]\d{6}|20\d{2}|3[1-6]\d{8}|41\d{14})*01\d{14}/;

export function looksLikeGs1(text: string, symbology: string | null): boolean {
  return (
    (symbology !== null && GS1_SYMBOLOGIES.has(symbology)) ||
    BRACKETED.test(text) ||
    text.includes(GS) ||
    LEADS_TO_GTIN.test(text)
  );
}

export function parseGs1ElementString(text: string, shown: string): Gs1Outcome {
  const bracketed = BRACKETED.test(text);
  // Spaces are outside charset 82, so in the printed (bracketed) form they are only layout: "(01) 0690… (21) …".
  const elements = splitElements(bracketed ? text.replace(/\s+/g, '') : text);
  const fail = (code: ScanProblemCode, reason: string): Gs1Outcome => ({
    ok: false,
    problem: { code, message: `GS1码 ${shown} ${reason}` },
  });
  if (!Array.isArray(elements)) {
    return fail(elements.code, elements.reason);
  }

  const values = new Map<string, string>();
  for (const { ai, value } of elements) {
    const earlier = values.get(ai);
    if (earlier !== undefined && earlier !== value) {
      return fail('SCAN_GS1_MALFORMED', `中${aiName(ai)}出现两次且内容不同，无法识别`);
    }
    values.set(ai, value);
  }

  const gtin = values.get(AI_GTIN);
  if (gtin === undefined) {
    const swallowed = bracketed ? null : findSwallowedElements(elements);
    return fail('SCAN_GS1_MALFORMED', swallowed ? missingGsReason(swallowed) : '缺少商品编码(01)，不能作为药品追溯码');
  }
  if (!/^\d{14}$/.test(gtin)) {
    return fail('SCAN_GS1_MALFORMED', `中${aiName(AI_GTIN)}应为14位数字，扫到「${gtin}」`);
  }
  if (!hasValidGtinCheckDigit(gtin)) {
    return fail('SCAN_GS1_BAD_CHECK_DIGIT', `中${aiName(AI_GTIN)} ${gtin} 校验位错误，可能条码污损或读错，请重新扫描`);
  }

  // Brackets delimit every element, so only the GS form can have lost a separator.
  const swallowed = bracketed ? null : findSwallowedElements(elements);
  if (swallowed) {
    return fail('SCAN_GS1_MALFORMED', missingGsReason(swallowed));
  }

  const dates: Record<string, string | null> = {};
  for (const ai of [AI_EXPIRY, AI_PRODUCTION_DATE]) {
    const value = values.get(ai);
    dates[ai] = value === undefined ? null : parseGs1Date(value);
    if (value !== undefined && dates[ai] === null) {
      return fail('SCAN_GS1_BAD_DATE', `中${aiName(ai)}「${value}」不是有效日期(应为YYMMDD，月01–12，日00–31)`);
    }
  }

  const lot = values.get(AI_LOT) ?? null;
  if (lot !== null) {
    const reason = lotOrSerialProblem(AI_LOT, lot);
    if (reason) {
      return fail('SCAN_GS1_MALFORMED', reason);
    }
  }
  const serial = values.get(AI_SERIAL);
  if (serial === undefined) {
    return fail('SCAN_GS1_NO_SERIAL', '缺少序列号(21)，不能作为追溯码');
  }
  const serialReason = lotOrSerialProblem(AI_SERIAL, serial);
  if (serialReason) {
    return fail('SCAN_GS1_MALFORMED', serialReason);
  }

  return {
    ok: true,
    pack: {
      traceCode: `${AI_GTIN}${gtin}${AI_SERIAL}${serial}`,
      gtin,
      serial,
      lot,
      expiry: dates[AI_EXPIRY] ?? null,
      productionDate: dates[AI_PRODUCTION_DATE] ?? null,
    },
  };
}

interface SplitFailure {
  code: ScanProblemCode;
  reason: string;
}

/** The elements in order, or why (in Chinese) the string cannot be split. */
function splitElements(text: string): Gs1Element[] | SplitFailure {
  try {
    const parsed = parseBarcode(text);
    return parsed.parsedCodeItems.map((item) => ({ ai: String(item.ai), value: String(item.raw ?? item.data) }));
  } catch (e) {
    return describeParserError(e);
  }
}

// The parser throws English strings; only their gist is worth passing on to a pharmacist.
function describeParserError(error: unknown): SplitFailure {
  const text = typeof error === 'string' ? error : '';
  const malformed = (reason: string): SplitFailure => ({ code: 'SCAN_GS1_MALFORMED', reason });
  if (text.includes('date')) {
    return { code: 'SCAN_GS1_BAD_DATE', reason: '中的日期不是有效日期(应为YYMMDD数字)' };
  }
  if (text.includes('truncated')) {
    return malformed('中的定长字段不完整(如商品编码(01)应为14位数字)，可能扫描不完整');
  }
  if (text.includes('bracketed')) {
    return malformed('括号中的AI与内容不符');
  }
  if (text.includes('AI')) {
    return malformed('中含有无法识别的应用标识符(AI)，不是有效的GS1码');
  }
  return malformed('无法解析，不是有效的GS1码');
}

function lotOrSerialProblem(ai: string, value: string): string | null {
  if (value === '') {
    return `中${aiName(ai)}为空`;
  }
  if (value.length > MAX_LOT_OR_SERIAL_LENGTH) {
    return `中${aiName(ai)}超过${MAX_LOT_OR_SERIAL_LENGTH}个字符，可能缺少分隔符(GS)，请检查扫码枪的GS(FNC1)设置后重新扫描`;
  }
  if (!isCharset82(value)) {
    return `中${aiName(ai)}含有GS1不允许的字符`;
  }
  return null;
}

function missingGsReason(found: { ai: string; value: string; swallowed: Gs1Element[] }): string {
  const inside = found.swallowed.map((e) => `${aiName(e.ai)}${e.value}`).join('、');
  return `疑似缺少分隔符(GS)：${aiName(found.ai)}中似乎连带读入了${inside}，为避免记错序列号已拒绝，请检查扫码枪的GS(FNC1)设置后重新扫描`;
}
