/**
 * The sender's key a FHIR message is stored (and deduplicated) under. The store keeps keys as ASCII of at most 191
 * characters, so a longer or non-ASCII key is kept as its SHA-256 (still one key per distinct sender's key).
 */
import { createHash } from 'node:crypto';
import { isObject } from './fhir-json.js';

const MAX_KEY = 191;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

const sha256 = (data: Uint8Array | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export function boundedKey(key: string): string {
  return key.length <= MAX_KEY && PRINTABLE_ASCII.test(key) ? key : sha256(key);
}

/**
 * A POSTed resource: its business identifier (identifier[0] as `system|value`), else the If-None-Exist header the
 * sender used for a conditional create, else the body's SHA-256 (a resend of the same bytes is the same message).
 */
export function postSourceKey(body: Uint8Array, ifNoneExist: string | undefined): string {
  const natural = identifierKey(body) ?? (ifNoneExist?.trim() || null);
  return natural === null ? sha256(body) : boundedKey(natural);
}

function identifierKey(body: Uint8Array): string | null {
  let resource: unknown;
  try {
    resource = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return null;
  }
  const first: unknown = isObject(resource) && Array.isArray(resource.identifier) ? resource.identifier[0] : null;
  if (!isObject(first) || typeof first.value !== 'string' || first.value.trim() === '') {
    return null;
  }
  const system = typeof first.system === 'string' ? first.system : '';
  return `${system}|${first.value}`;
}
