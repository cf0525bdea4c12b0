/**
 * A request the HIS sent to the platform, as the proxy reads it: just enough of the envelope to decide whether to
 * check it (infno) and to answer it (msgid, operator). Everything else travels to the platform untouched.
 */
import { invalid } from '../errors.js';

export interface InboundRequest {
  infno: string;
  msgid: string;
  opter: string;
  opterName: string;
  input: unknown;
  envelope: Record<string, unknown>;
}

/** One decoder for every request: `fatal` makes bytes that are not UTF-8 an error instead of U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The request's JSON; bytes that are not UTF-8 JSON (GBK, truncated, binary) are an envelope error. */
export function parseInboundRequest(body: Buffer): InboundRequest {
  let json: unknown;
  try {
    json = JSON.parse(UTF8.decode(body));
  } catch {
    throw invalid('ENVELOPE_NOT_JSON', '报文不是合法的 UTF-8 JSON，溯码网关无法识别交易编号（infno）');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid('ENVELOPE_NOT_OBJECT', '报文应为 JSON 对象');
  }
  const envelope = json as Record<string, unknown>;
  const infno = requiredText(envelope, 'infno', 6);
  const msgid = requiredText(envelope, 'msgid', 30);
  return {
    infno,
    msgid,
    opter: optionalText(envelope.opter),
    opterName: optionalText(envelope.opter_name),
    input: envelope.input,
    envelope,
  };
}

function requiredText(envelope: Record<string, unknown>, field: string, max: number): string {
  const value = envelope[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid('ENVELOPE_FIELD_MISSING', `报文缺少 ${field}（或不是字符串）`, { field });
  }
  if ([...value].length > max) {
    throw invalid('ENVELOPE_FIELD_TOO_LONG', `报文字段 ${field} 超过 ${max} 位`, { field });
  }
  return value.trim();
}

function optionalText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
