/**
 * Scan recognition (PRODUCT.md rule 1): what one scanner read is, with the raw text always kept. Never throws:
 * whatever the scanner or a person sends, the answer is a kind, or a problem a pharmacist can act on.
 */
import { isChineseCodeWithWrongLength, parseChineseTraceCode } from './chinese-trace-code.js';
import { looksLikeGs1, parseGs1ElementString } from './gs1-element-string.js';
import type { Gs1Pack } from './gs1-element-string.js';
import { isValidGtin14 } from './gtin-check-digit.js';
import { normalizeScan } from './normalize-scan.js';
import { gtinOnlyMessage, isValidEan13, productBarcodeMessage } from './product-barcode.js';
import { MAX_RAW_LENGTH, MAX_SCAN_LENGTH } from './scan-limits.js';
import { INTERNAL_ERROR_MARKER, showScanned } from './scan-problem.js';
import type { ScanProblem, ScanProblemCode } from './scan-problem.js';
import { unrecognisedReason } from './unrecognised-reason.js';

export type { ScanProblem, ScanProblemCode } from './scan-problem.js';

export interface RecognizeOptions {
  /** Extra strings a scanner sends instead of ASCII 29, e.g. '<GS>', '^]', '|' — configured per site. */
  gsSubstitutes?: string[];
}

export type RecognizedScan =
  | { kind: 'cn_trace_code'; raw: string; normalized: string; traceCode: string; productPrefix: string; serial: string }
  | ({ kind: 'gs1'; raw: string; normalized: string; symbology: string | null } & Gs1Pack)
  | { kind: 'ean13'; raw: string; normalized: string; barcode: string; problem: ScanProblem }
  | { kind: 'unknown'; raw: string; normalized: string; problem: ScanProblem };

export function recognizeScan(raw: string, options?: RecognizeOptions): RecognizedScan {
  try {
    return recognize(raw, options?.gsSubstitutes ?? []);
  } catch {
    // Unreachable by design; kept because a scan station must always get an answer it can show.
    const problem = {
      code: 'SCAN_UNRECOGNISED' as const,
      message: `无法识别扫到的内容(${INTERNAL_ERROR_MARKER})，请重新扫描`,
    };
    return { kind: 'unknown', raw, normalized: typeof raw === 'string' ? raw : '', problem };
  }
}

function recognize(raw: string, gsSubstitutes: readonly string[]): RecognizedScan {
  if (raw.length > MAX_RAW_LENGTH) {
    const normalized = normalizeScan(raw.slice(0, MAX_RAW_LENGTH), gsSubstitutes).text;
    return unknown(raw, normalized, 'SCAN_TOO_LONG', tooLongMessage(normalized, `超过${MAX_RAW_LENGTH}`));
  }
  const { text, symbology } = normalizeScan(raw, gsSubstitutes);
  const shown = showScanned(text);
  if (text === '') {
    return unknown(raw, text, 'SCAN_EMPTY', '没有扫到内容(只有空白、回车或换行)，请重新扫描');
  }
  if (text.length > MAX_SCAN_LENGTH) {
    return unknown(raw, text, 'SCAN_TOO_LONG', tooLongMessage(text, String(text.length)));
  }

  const cn = parseChineseTraceCode(text);
  if (cn) {
    return { kind: 'cn_trace_code', raw, normalized: text, ...cn };
  }

  // These digit-only checks come before GS1: the answer must not hang on a (mis)configured scanner prefix.
  if (isValidEan13(text)) {
    const problem = { code: 'SCAN_IS_PRODUCT_BARCODE' as const, message: productBarcodeMessage(text) };
    return { kind: 'ean13', raw, normalized: text, barcode: text, problem };
  }

  if (isChineseCodeWithWrongLength(text)) {
    const message = `追溯码应为20位数字，扫到${text.length}位：${shown}，可能漏读或多读了数字，请重新扫描`;
    return unknown(raw, text, 'SCAN_CN_CODE_LENGTH', message);
  }

  if (looksLikeGs1(text, symbology)) {
    const outcome = parseGs1ElementString(text, shown);
    if (!outcome.ok) {
      return { kind: 'unknown', raw, normalized: text, problem: outcome.problem };
    }
    return { kind: 'gs1', raw, normalized: text, symbology, ...outcome.pack };
  }

  // A bare GTIN-14 (e.g. the ITF-14 on an outer case) names the product, not the pack.
  if (isValidGtin14(text)) {
    return unknown(raw, text, 'SCAN_IS_PRODUCT_BARCODE', gtinOnlyMessage(text));
  }

  return unknown(raw, text, 'SCAN_UNRECOGNISED', `无法识别扫到的内容 ${shown}：${unrecognisedReason(text)}`);
}

function unknown(raw: string, normalized: string, code: ScanProblemCode, message: string): RecognizedScan {
  return { kind: 'unknown', raw, normalized, problem: { code, message } };
}

function tooLongMessage(text: string, length: string): string {
  return `扫到的内容过长(${length}个字符，追溯码最多${MAX_SCAN_LENGTH}个字符)：${showScanned(text)}，可能一次扫了多个码或扫到了其他条码，请逐个重新扫描`;
}
