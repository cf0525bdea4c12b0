/**
 * The TIF gateway check many provincial front gateways apply (insurance-interface.md §1.4):
 * x-tif-signature = hex(sha256(timestamp + paasToken + nonce + timestamp)).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export function tifSignature(timestamp: string, paasToken: string, nonce: string): string {
  return createHash('sha256').update(`${timestamp}${paasToken}${nonce}${timestamp}`).digest('hex');
}

/** Null when the headers carry a valid signature; otherwise the Chinese reason. */
export function checkTifSignature(headers: IncomingHttpHeaders, paasToken: string): string | null {
  const timestamp = header(headers, 'x-tif-timestamp');
  const nonce = header(headers, 'x-tif-nonce');
  const signature = header(headers, 'x-tif-signature');
  if (!timestamp || !nonce || !signature) {
    return 'TIF 网关校验失败：缺少 x-tif-timestamp、x-tif-nonce 或 x-tif-signature';
  }
  const expected = Buffer.from(tifSignature(timestamp, paasToken, nonce));
  const given = Buffer.from(signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'TIF 网关校验失败：签名不正确';
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}
