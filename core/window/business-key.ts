/**
 * fixmedins_bchno: the key a 35xx row is sent once under (≤ 30 characters), derived from the session and line so
 * the 3506 for a return can name its 3505 without storing anything extra.
 */
import { invalid } from '../errors.js';

export const MAX_BUSINESS_KEY_LENGTH = 30;
const HASH_LENGTH = 8;

/**
 * `${sessionId}-${lineNo}` when it fits; otherwise the id is cut and an 8-hex hash of the WHOLE id is kept, so
 * two ids that share a long prefix (e.g. a date-based scheme) still give different keys. `part` numbers rows when
 * one line needs several (a return taking packs from two original sales).
 */
export function businessKey(sessionId: string, lineNo: number, part?: number): string {
  const suffix = part === undefined ? `-${lineNo}` : `-${lineNo}-${part}`;
  const room = MAX_BUSINESS_KEY_LENGTH - suffix.length;
  if (room < HASH_LENGTH + 1 || sessionId.length === 0) {
    throw invalid('BUSINESS_KEY_INVALID', `无法为会话「${sessionId}」第${lineNo}行生成不超过30位的业务流水号`, {
      sessionId,
      lineNo,
    });
  }
  const head = sessionId.length <= room ? sessionId : `${sessionId.slice(0, room - HASH_LENGTH)}${fnv1a(sessionId)}`;
  return `${head}${suffix}`;
}

/** FNV-1a 32-bit: tiny, deterministic, no crypto needed — it only has to tell truncated ids apart. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(HASH_LENGTH, '0');
}
