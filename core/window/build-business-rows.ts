/** What completing a session hands the insurance relay: 3503 for a receipt, 3505 for a sale, 3506 for a return. */
import type { BusinessRow } from './business-row.js';
import { buildReceiptRows } from './build-receipt-rows.js';
import { buildReturnRows } from './build-return-rows.js';
import { buildSaleRows } from './build-sale-rows.js';
import type { BuildRowsInput } from './row-helpers.js';

export type { BuildRowsInput } from './row-helpers.js';
export { buildReceiptRows } from './build-receipt-rows.js';
export { buildReturnRows } from './build-return-rows.js';
export { buildSaleRows, visitSerial } from './build-sale-rows.js';

export function buildBusinessRows(input: BuildRowsInput): BusinessRow[] {
  switch (input.session.kind) {
    case 'receipt':
      return buildReceiptRows(input);
    case 'dispense':
      return buildSaleRows(input);
    case 'return':
      return buildReturnRows(input);
    default:
      return input.session.kind satisfies never;
  }
}
