/** Field-level GS1 rules for the AIs a drug pack carries: 01 GTIN, 17 expiry, 11 production date, 10 lot, 21 serial. */

export const AI_GTIN = '01';
export const AI_EXPIRY = '17';
export const AI_PRODUCTION_DATE = '11';
export const AI_LOT = '10';
export const AI_SERIAL = '21';

export const AI_NAMES: Readonly<Record<string, string>> = {
  '01': '商品编码(01)',
  '17': '有效期(17)',
  '11': '生产日期(11)',
  '10': '批号(10)',
  '21': '序列号(21)',
};

export function aiName(ai: string): string {
  return AI_NAMES[ai] ?? `AI(${ai})`;
}

/** Lot (10) and serial (21): 1–20 characters. */
export const MAX_LOT_OR_SERIAL_LENGTH = 20;

// GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
const CHARSET_82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

export function isCharset82(value: string): boolean {
  return CHARSET_82.test(value);
}

/** A lot or serial value GS1 allows: 1–20 characters of charset 82. */
export function isValidLotOrSerial(value: string): boolean {
  return value.length >= 1 && value.length <= MAX_LOT_OR_SERIAL_LENGTH && isCharset82(value);
}

/**
 * First two digits of the AIs with a predefined length (GS1 General Specifications figure 5.10.1-2). Every other
 * AI is variable-length and, unless last, must be ended by GS: only those can swallow what follows.
 */
const PREDEFINED_LENGTH_AI_STEMS = new Set([
  '00',
  '01',
  '02',
  '03',
  '04',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '20',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '41',
]);

export function isVariableLengthAi(ai: string): boolean {
  return !PREDEFINED_LENGTH_AI_STEMS.has(ai.slice(0, 2));
}

const YYMMDD = /^\d{6}$/;

/**
 * A GS1 date YYMMDD as yyyy-MM-dd, or null when it is not a date. DD = 00 means the last day of the month (GS1
 * General Specifications 7.12). Century: always 20YY. GS1's sliding window (−49/+50 years around today) gives the
 * same answer for every date a drug pack in circulation can carry (2000–2075), and 20YY keeps the result free of
 * the clock, so the same scan always reads the same.
 */
export function parseGs1Date(yymmdd: string): string | null {
  if (!YYMMDD.test(yymmdd)) {
    return null;
  }
  const year = 2000 + Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) {
    return null;
  }
  const lastDay = daysInMonth(year, month);
  if (day > lastDay) {
    return null;
  }
  return `${year}-${pad2(month)}-${pad2(day === 0 ? lastDay : day)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
