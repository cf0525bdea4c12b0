/** A code's sales in ledger order, paired one after another with what happened between them. */
import type { LedgerAction } from '../../ledger/pack.js';
import type { CodeEvent } from '../../ports/anomaly-store.js';

export interface Resale {
  first: CodeEvent;
  second: CodeEvent;
  /** The events strictly between the two sales (a return, a correction…). */
  between: CodeEvent[];
}

const RETURNS: readonly LedgerAction[] = ['return_to_stock', 'return_to_quarantine'];

export function isReturn(e: CodeEvent): boolean {
  return RETURNS.includes(e.action);
}

/** Per code, each pair of consecutive whole-pack sales ('dispense'); split (拆零) sales are many by design. */
export function resalesByCode(events: readonly CodeEvent[]): Map<string, Resale[]> {
  const byCode = new Map<string, CodeEvent[]>();
  for (const e of events) {
    const list = byCode.get(e.traceCode) ?? [];
    list.push(e);
    byCode.set(e.traceCode, list);
  }
  const out = new Map<string, Resale[]>();
  for (const [code, list] of byCode) {
    list.sort((a, b) => a.seq - b.seq);
    const sales = list.filter((e) => e.action === 'dispense');
    const pairs: Resale[] = [];
    for (let i = 1; i < sales.length; i++) {
      const first = sales[i - 1]!;
      const second = sales[i]!;
      pairs.push({ first, second, between: list.filter((e) => e.seq > first.seq && e.seq < second.seq) });
    }
    if (pairs.length > 0) {
      out.set(code, pairs);
    }
  }
  return out;
}
