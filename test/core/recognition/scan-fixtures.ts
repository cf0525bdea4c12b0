/** Test values and builders for scan recognition; check digits are computed here, independently of the code under test. */

export const GS = '\u001d';

/** GTIN-14 of the 69 barcode 6901234567892 (valid check digit). */
export const GTIN = '06901234567892';
export const EAN13 = '6901234567892';
export const CN_CODE = '81234560000000000001';

/** GS1 mod-10 check digit for the digits before it. */
export function gs1CheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const weight = (body.length - i) % 2 === 1 ? 3 : 1;
    sum += Number(body[i]) * weight;
  }
  return String((10 - (sum % 10)) % 10);
}

export function withCheckDigit(body: string): string {
  return body + gs1CheckDigit(body);
}

export interface PackFields {
  gtin: string;
  serial: string;
  lot?: string;
  expiry?: string;
  productionDate?: string;
}

/** Recommended order: fixed-length first, GS after the lot, serial last. */
export function gsForm(p: PackFields): string {
  return (
    '01' +
    p.gtin +
    (p.expiry !== undefined ? '17' + p.expiry : '') +
    (p.productionDate !== undefined ? '11' + p.productionDate : '') +
    (p.lot !== undefined ? '10' + p.lot + GS : '') +
    '21' +
    p.serial
  );
}

/** Serial first, GS after it, lot last. */
export function serialFirstForm(p: PackFields): string {
  return (
    '01' +
    p.gtin +
    '21' +
    p.serial +
    GS +
    (p.expiry !== undefined ? '17' + p.expiry : '') +
    (p.productionDate !== undefined ? '11' + p.productionDate : '') +
    (p.lot !== undefined ? '10' + p.lot : '')
  );
}

/** Human-readable form printed under the symbol. */
export function bracketedForm(p: PackFields): string {
  return (
    `(01)${p.gtin}` +
    (p.expiry !== undefined ? `(17)${p.expiry}` : '') +
    (p.productionDate !== undefined ? `(11)${p.productionDate}` : '') +
    (p.lot !== undefined ? `(10)${p.lot}` : '') +
    `(21)${p.serial}`
  );
}

export function traceCodeOf(p: PackFields): string {
  return `01${p.gtin}21${p.serial}`;
}

/** GS1 AI encodable character set 82. */
export const CHARSET_82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
