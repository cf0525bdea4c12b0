/**
 * Order keys of a 35xx row (see Upload.orderKeys): its pack codes, its own fixmedins_bchno, and the bchno of the
 * row it refers to (a 3506's original sale, a 3507's deleted row). Two uploads sharing a key go out in id order,
 * so a return never overtakes its sale and a deletion never overtakes the row it deletes.
 */
import { traceCodesOfRow } from './transactions.js';

export function orderKeysOf(payload: Record<string, unknown>): string[] {
  const keys = new Set(traceCodesOfRow(payload).map((c) => `code:${c}`));
  for (const field of ['fixmedins_bchno', 'medins_prod_sel_no']) {
    const value = payload[field];
    if (typeof value === 'string' && value !== '') {
      keys.add(`bchno:${value}`);
    }
  }
  return [...keys];
}
