/**
 * The agent (代办人) behind a dispense, as one comparable key: the phone number when given (digits only, without a
 * +86/0086 prefix), else the name (NFKC, trimmed, spaces collapsed, lower case). The same agent written
 * `138 0000 1234` and `+86-13800001234` is one contact; two agents are never merged by a blank field.
 */
import type { DispenseAgent } from '../window/session.js';

/** The stored column's length: `tel:` + a phone, or `name:` + a 50-character name. */
export const CONTACT_KEY_MAX = 64;

export function contactKey(agent: DispenseAgent | null | undefined): string | null {
  if (!agent) {
    return null;
  }
  const phone = phoneDigits(agent.phone);
  if (phone) {
    return `tel:${phone}`.slice(0, CONTACT_KEY_MAX);
  }
  const name = (agent.name ?? '').normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  return name ? `name:${name}`.slice(0, CONTACT_KEY_MAX) : null;
}

/** Digits of a phone number without the country prefix; null when fewer than 5 digits remain (not a number). */
export function phoneDigits(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').normalize('NFKC').replace(/\D/g, '');
  const local = digits.length > 11 && /^(0086|86)/.test(digits) ? digits.replace(/^(0086|86)/, '') : digits;
  return local.length >= 5 ? local : null;
}

/** 138****1234: a phone in a sentence others may read; the evidence keeps it whole. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}
