/**
 * What the relay forwards: every header except those that describe one connection rather than the message
 * (RFC 9110 §7.6.1: connection, keep-alive, transfer-encoding, te, trailer, upgrade, proxy-*, and whatever the
 * Connection header names) and host. On requests also content-length (undici writes it again from the bytes, the
 * same value) and expect (the body is already in hand, and undici refuses it). x-tif-* and all else pass as given.
 */
const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)?\s*$/i;

export type HeaderMap = Record<string, string | string[] | undefined>;

export function relayRequestHeaders(headers: HeaderMap): Record<string, string | string[]> {
  const named = connectionNamed(headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    const lower = name.toLowerCase();
    if (value === undefined || isHopByHop(lower) || isRecomputed(lower) || named?.has(lower)) {
      continue;
    }
    out[name] = value;
  }
  return out;
}

/** The port's replies carry one string per header: repeated ones are joined as RFC 9110 §5.3 allows. */
export function relayResponseHeaders(headers: HeaderMap): Record<string, string> {
  const named = connectionNamed(headers.connection);
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    const lower = name.toLowerCase();
    if (value === undefined || isHopByHop(lower) || named?.has(lower)) {
      continue;
    }
    out[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

export function isHopByHop(lowerName: string): boolean {
  switch (lowerName) {
    case 'connection':
    case 'keep-alive':
    case 'transfer-encoding':
    case 'te':
    case 'trailer':
    case 'upgrade':
    case 'host':
      return true;
    default:
      return lowerName.startsWith('proxy-');
  }
}

function isRecomputed(lowerName: string): boolean {
  return lowerName === 'content-length' || lowerName === 'expect';
}

/** Extra names listed in Connection (rare); null, without allocating, for the usual keep-alive or close. */
function connectionNamed(connection: string | string[] | undefined): Set<string> | null {
  if (connection === undefined || (typeof connection === 'string' && PLAIN_CONNECTION.test(connection))) {
    return null;
  }
  let named: Set<string> | null = null;
  for (const token of (typeof connection === 'string' ? connection : connection.join(',')).split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '' && name !== 'close' && name !== 'keep-alive') {
      named ??= new Set();
      named.add(name);
    }
  }
  return named;
}
