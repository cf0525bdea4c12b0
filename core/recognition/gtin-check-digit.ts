/** GTIN check digits (GS1 mod 10), through the `gtin` package, which throws on anything that is not a GTIN. */
import { isValid } from 'gtin';

const GTIN_DIGITS = /^(?:\d{8}|\d{12,14})$/;
const GTIN14 = /^\d{14}$/;

/** True when the digits are a GTIN-8/12/13/14 with a correct check digit; false (never a throw) otherwise. */
export function hasValidGtinCheckDigit(digits: string): boolean {
  return GTIN_DIGITS.test(digits) && isValid(digits);
}

export function isValidGtin14(text: string): boolean {
  return GTIN14.test(text) && hasValidGtinCheckDigit(text);
}

/** A GTIN-13 or GTIN-14 with a valid check digit, normalised to 14 digits; otherwise null. */
export function normaliseGtin14(value: string): string | null {
  if (!/^(\d{13}|\d{14})$/.test(value) || !hasValidGtinCheckDigit(value)) {
    return null;
  }
  return value.padStart(14, '0');
}

/** A 13-digit EAN-13 (69码) with a valid check digit. */
export function isValidEan13(value: string): boolean {
  return /^\d{13}$/.test(value) && hasValidGtinCheckDigit(value);
}
