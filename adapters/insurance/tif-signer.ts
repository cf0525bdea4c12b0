/**
 * TIF front-gateway headers (insurance-interface.md §1.4): x-tif-paasid, x-tif-timestamp (unix seconds),
 * x-tif-nonce, x-tif-signature = hex(SHA256(timestamp + paasToken + nonce + timestamp)), x-tif-serviceid.
 * The body is not covered by the signature, so it goes out unchanged.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/ports/clock.js';
import type { Signing } from './request-signer.js';
import { configError, requireText, type TifSigningOptions } from './upstream-options.js';

const HEADER_SAFE = /^[\x21-\x7e]+$/;

export function tifSignature(timestamp: string, paasToken: string, nonce: string): string {
  return createHash('sha256').update(`${timestamp}${paasToken}${nonce}${timestamp}`, 'utf8').digest('hex');
}

export function tifHeaders(options: TifSigningOptions, unixSeconds: number, nonce: string): Record<string, string> {
  const timestamp = String(unixSeconds);
  const headers: Record<string, string> = {
    'x-tif-paasid': options.paasId,
    'x-tif-timestamp': timestamp,
    'x-tif-nonce': nonce,
    'x-tif-signature': tifSignature(timestamp, options.paasToken, nonce),
  };
  if (options.serviceId) {
    headers['x-tif-serviceid'] = options.serviceId;
  }
  return headers;
}

export function createTifSigner(options: TifSigningOptions, clock: Clock): Signing {
  headerSafe('signing.paasId', options.paasId);
  requireText('signing.paasToken', options.paasToken);
  if (options.serviceId !== undefined && options.serviceId !== '') {
    headerSafe('signing.serviceId', options.serviceId);
  }
  return {
    scheme: 'tif',
    sign: (_envelope, body) => ({
      body,
      // A fresh nonce per request: gateways refuse a replayed one.
      headers: tifHeaders(options, Math.floor(clock.now().getTime() / 1000), randomBytes(8).toString('hex')),
    }),
    decode: (json) => ({ ok: true, json }),
  };
}

function headerSafe(key: string, value: string | undefined): void {
  if (!HEADER_SAFE.test(requireText(key, value))) {
    throw configError(key, 'must be printable ASCII without spaces (it is sent as a header)');
  }
}
