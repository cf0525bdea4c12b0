/**
 * Key material as the configuration writes it (hex, Base64, or the text itself), turned into bytes of a known
 * length, so a key pasted in the wrong form is refused at start instead of producing signatures nobody accepts.
 */
import type { KeyEncoding } from './upstream-options.js';
import { configError, requireText } from './upstream-options.js';

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function keyBytes(key: string, value: string | undefined, encoding: KeyEncoding, length: number): Buffer {
  const text = requireText(key, value).trim();
  const bytes = decode(key, text, encoding);
  if (bytes.length !== length) {
    throw configError(key, `must be ${length * 8} bits (${length} bytes) as ${encoding}, got ${bytes.length} bytes`);
  }
  return bytes;
}

function decode(key: string, text: string, encoding: KeyEncoding): Buffer {
  switch (encoding) {
    case 'hex':
      if (!HEX.test(text)) {
        throw configError(key, 'is not hex');
      }
      return Buffer.from(text, 'hex');
    case 'base64':
      if (!BASE64.test(text)) {
        throw configError(key, 'is not Base64');
      }
      return Buffer.from(text, 'base64');
    case 'utf8':
      return Buffer.from(text, 'utf8');
    default:
      return unknownEncoding(key, encoding);
  }
}

function unknownEncoding(key: string, encoding: never): never {
  throw configError(key, `unknown key encoding ${String(encoding)} (hex, base64 or utf8)`);
}
