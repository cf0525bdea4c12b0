/** Why a scan is not a usable trace code: a stable code for programs, a Chinese sentence for the pharmacist. */
export type ScanProblemCode =
  | 'SCAN_EMPTY'
  | 'SCAN_TOO_LONG'
  | 'SCAN_UNRECOGNISED'
  | 'SCAN_IS_PRODUCT_BARCODE'
  | 'SCAN_CN_CODE_LENGTH'
  | 'SCAN_GS1_MALFORMED'
  | 'SCAN_GS1_BAD_CHECK_DIGIT'
  | 'SCAN_GS1_BAD_DATE'
  | 'SCAN_GS1_NO_SERIAL';

export interface ScanProblem {
  code: ScanProblemCode;
  /** Chinese, for a pharmacist: names the scanned text (truncated to ~40 chars) and the reason. */
  message: string;
}

const SHOWN_MAX_CHARS = 40;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The scanned text as it can be shown in a message: GS made visible as <GS> (it is invisible on screen),
 * other control characters and broken surrogates replaced so the message stays printable, cut to ~40 chars.
 */
export function showScanned(text: string): string {
  const head = text.slice(0, SHOWN_MAX_CHARS * 2);
  let visible = '';
  for (const ch of head.replace(LONE_SURROGATE, '\uFFFD')) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0x1d) {
      visible += '<GS>';
    } else if (code < 0x20 || code === 0x7f) {
      visible += '?';
    } else {
      visible += ch;
    }
  }
  const chars = Array.from(visible);
  return chars.length > SHOWN_MAX_CHARS || head.length < text.length
    ? chars.slice(0, SHOWN_MAX_CHARS).join('') + '…'
    : visible;
}

/** Marks the last-resort answer of recognizeScan; tests assert it never appears. */
export const INTERNAL_ERROR_MARKER = '内部错误';
