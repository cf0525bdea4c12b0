import { isValid } from 'gtin';

/** GS1 mod-10 check digit for GTIN-8/12/13/14 (a 69 barcode is a GTIN-13); false, never a throw, on junk. */
export function isValidGtin(digits: string): boolean {
  if (!/^\d{8}$|^\d{12,14}$/.test(digits)) return false;
  return isValid(digits);
}
