/**
 * The 20-digit 码上放心 drug trace code: 7-digit 药品标识码 (product and pack level) + 13-digit serial part.
 * No check algorithm is public, so only the shape is checked; the prefix is checked against the drug mapping later.
 */

const CN_TRACE_CODE = /^8\d{19}$/;
// One or two digits dropped or doubled by a misread or a manual entry; further off it is probably another code.
const CN_CODE_NEAR_MISS = /^8(?:\d{18}|\d{20,21})$/;

export const CN_TRACE_CODE_LENGTH = 20;
export const CN_PRODUCT_PREFIX_LENGTH = 7;

export interface ChineseTraceCode {
  traceCode: string;
  productPrefix: string;
  serial: string;
}

export function parseChineseTraceCode(text: string): ChineseTraceCode | null {
  if (!CN_TRACE_CODE.test(text)) {
    return null;
  }
  return {
    traceCode: text,
    productPrefix: text.slice(0, CN_PRODUCT_PREFIX_LENGTH),
    serial: text.slice(CN_PRODUCT_PREFIX_LENGTH),
  };
}

/** Digits starting with 8 but 19, 21 or 22 long: meant as a trace code, read wrong. */
export function isChineseCodeWithWrongLength(text: string): boolean {
  return CN_CODE_NEAR_MISS.test(text);
}
