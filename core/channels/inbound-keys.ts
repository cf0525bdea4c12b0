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

/** The store indexes at most this many characters of a sender's key (older MySQL row formats). */
export const SOURCE_KEY_MAX = 191;

/** A key longer than the store indexes keeps its head and gets a hash of the whole, so distinct keys stay distinct. */
export function boundedKey(key: string): string {
  if (key.length <= SOURCE_KEY_MAX) {
    return key;
  }
  return `${key.slice(0, SOURCE_KEY_MAX - 17)}#${fnv1a64(key)}`;
}

/** FNV-1a, 64 bits, as 16 hex digits: not a security hash, a spreader for over-long keys. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
