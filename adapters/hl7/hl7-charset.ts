/**
 * Bytes ↔ text in the channel's configured charset (iconv-lite: Node's own decoder knows no GBK/GB18030), and
 * MSH-18 read only to warn: HIS systems often send GBK with MSH-18 empty or claiming something else, so the
 * configured charset decides (integration anchors B8, C2, E6).
 */
import iconv from 'iconv-lite';
import type { Hl7Charset } from './hl7-config.js';

/** The charset names iconv-lite knows, by the channel setting. */
const ICONV_NAME: Record<Hl7Charset, string> = { 'utf-8': 'utf8', gbk: 'gbk', gb18030: 'gb18030' };

/** HL7 table 0211 names (and the non-standard names Chinese HIS send) → what they mean here. */
const DECLARED: Record<string, Hl7Charset | 'ascii'> = {
  ASCII: 'ascii',
  'UNICODE UTF-8': 'utf-8',
  'UTF-8': 'utf-8',
  UTF8: 'utf-8',
  'GB 18030-2000': 'gb18030',
  'GB18030-2000': 'gb18030',
  'GB 18030': 'gb18030',
  GB18030: 'gb18030',
  GBK: 'gbk',
  GB2312: 'gbk',
  'GB 2312': 'gbk',
  CP936: 'gbk',
};

/** MSH-18 of the ACKs (table 0211 has no GBK: left empty, as the HIS usually leaves it). */
export const TABLE_0211_NAME: Record<Hl7Charset, string> = {
  'utf-8': 'UNICODE UTF-8',
  gbk: '',
  gb18030: 'GB 18030-2000',
};

export function decodeBytes(raw: Uint8Array, charset: Hl7Charset): string {
  return iconv.decode(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), ICONV_NAME[charset]);
}

export function encodeText(text: string, charset: Hl7Charset): Buffer {
  return iconv.encode(text, ICONV_NAME[charset]);
}

/** What MSH-18 claims, as a channel charset (or ascii / unknown). Empty MSH-18: null, nothing to compare. */
export function declaredCharset(msh18: string): Hl7Charset | 'ascii' | 'unknown' | null {
  const name = msh18.trim().toUpperCase().replace(/_/g, '-');
  if (name === '') {
    return null;
  }
  return DECLARED[name] ?? 'unknown';
}

/**
 * Whether the bytes MSH-18 describes read correctly in the configured charset: ASCII reads in all three, GBK
 * (and GB2312) in GB18030, which extends it.
 */
export function agrees(configured: Hl7Charset, declared: Hl7Charset | 'ascii' | 'unknown' | null): boolean {
  switch (declared) {
    case null:
    case 'ascii':
      return true;
    case 'gbk':
      return configured === 'gbk' || configured === 'gb18030';
    case 'utf-8':
    case 'gb18030':
      return configured === declared;
    case 'unknown':
      return false;
    default:
      return declared satisfies never;
  }
}
