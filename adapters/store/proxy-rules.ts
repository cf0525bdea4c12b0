/**
 * Insurance-proxy rules shared by the knex store and its memory twin: when a pack hold has expired, the order
 * requests are listed in, and the errors both give.
 *
 * Holds: a hold whose expiresAt ≤ the acquirer's `at` has expired and is taken over; a code the acquirer
 * already holds counts as its own (its expiry moves to the new expiresAt); codes held by anyone else make
 * the whole acquisition fail, and they are returned in the order asked.
 */
import { conflict, notFound, type TracegateError } from '../../core/errors.js';
import type { ProxyRequest } from '../../core/ports/proxy-store.js';
import { compareCodes } from './ordering.js';

export interface PackHold {
  traceCode: string;
  holder: string;
  heldAt: string;
  expiresAt: string;
}

export function holdExpired(hold: Pick<PackHold, 'expiresAt'>, at: string): boolean {
  return hold.expiresAt <= at;
}

/** The codes of `codes` (deduplicated, in order) that a live hold of another holder covers. */
export function heldByOthers(codes: string[], holds: PackHold[], holder: string, at: string): string[] {
  const others = new Set(holds.filter((h) => h.holder !== holder && !holdExpired(h, at)).map((h) => h.traceCode));
  return [...new Set(codes)].filter((c) => others.has(c));
}

/** Oldest first; requests received in the same millisecond by msgid. */
export function sortProxyRequests(requests: ProxyRequest[]): ProxyRequest[] {
  return requests.sort((a, b) => compareCodes(a.receivedAt, b.receivedAt) || compareCodes(a.msgid, b.msgid));
}

export function proxyRequestNotFound(msgid: string): TracegateError {
  return notFound('PROXY_REQUEST_NOT_FOUND', `没有报文ID为 ${msgid} 的代理请求`, { msgid });
}

/** Holds kept changing under the acquirer (holders released and re-took them) for every try it made. */
export function holdsContended(codes: string[]): TracegateError {
  return conflict('PACK_HOLDS_CONTENDED', '追溯码占用状态反复变化，请稍后重试', { traceCodes: codes });
}
