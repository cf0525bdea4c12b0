import type { HisEvent, HisEventKind } from './his-event.js';

/**
 * The window session deciding a stored message has an id derived from the message's own (same length, the kind's
 * prefix instead of M), so after a crash the decision is found again, never made twice.
 */
export function sessionIdFor(messageId: string, kind: HisEventKind): string {
  const prefix = kind === 'dispense' ? 'D' : 'T';
  return `${prefix}${messageId.replace(/^M/, '')}`;
}

/** What a person would search a message by: the prescription, else the visit, else the original sale. */
export function referenceOf(event: HisEvent): string | null {
  switch (event.kind) {
    case 'dispense':
      return event.order.prescriptionNo;
    case 'return':
      return event.order.prescriptionNo ?? event.order.visitNo ?? event.order.dispenseId;
    default:
      return event satisfies never;
  }
}
