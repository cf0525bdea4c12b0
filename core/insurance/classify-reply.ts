/**
 * What one platform answer means for an upload (insurance-interface.md §1.3, §5): success is two-level
 * (infcode 0 and retRslt "1"); a framework refusal (infcode -1) or a business refusal (retRslt "0") is
 * permanent, except the few framework answers that say "try again" (busy, sign-in expired); an answer that
 * says the row's fixmedins_bchno is already there means an earlier attempt got through, which a query settles.
 */
import { isTracegateError } from '../errors.js';
import type { ErrorClass } from './upload.js';
import { parseResponse, type ParsedResponse } from './envelope.js';

export type ReplyVerdict =
  | { kind: 'delivered'; parsed: ParsedResponse }
  | { kind: 'failed'; errorClass: ErrorClass; code: string; message: string; parsed: ParsedResponse | null };

/** Framework messages after which the same request may succeed. */
const TRANSIENT_TEXT = /系统繁忙|繁忙|稍后|超时|签到|sign_no|限流|too many/i;
/** Business messages saying the row is already recorded (a resend of something that did arrive). */
const ALREADY_THERE_TEXT = /已存在|重复|已上传|exist/i;

export function classifyReply(httpStatus: number, json: unknown): ReplyVerdict {
  let parsed: ParsedResponse;
  try {
    parsed = parseResponse(json);
  } catch (e) {
    if (!isTracegateError(e)) {
      throw e;
    }
    // A body that is no envelope came from something in between (a gateway page): the platform may or may not
    // have seen the request.
    return {
      kind: 'failed',
      errorClass: 'ambiguous',
      code: 'RESPONSE_MALFORMED',
      message: `HTTP ${httpStatus}：${e.message}`,
      parsed: null,
    };
  }
  if (parsed.ok) {
    return { kind: 'delivered', parsed };
  }
  if (parsed.infcode !== 0) {
    const text = parsed.errMsg ?? '';
    return {
      kind: 'failed',
      errorClass: TRANSIENT_TEXT.test(text) ? 'transient' : 'permanent',
      code: 'PLATFORM_ERROR',
      message: `infcode ${parsed.infcode}：${text || '（无 err_msg）'}`,
      parsed,
    };
  }
  const reason = [parsed.msgRslt, ...parsed.rowErrors.map((r) => r.msgRslt)].filter(Boolean).join('；');
  return {
    kind: 'failed',
    errorClass: ALREADY_THERE_TEXT.test(reason) ? 'ambiguous' : 'permanent',
    code: 'PLATFORM_REJECTED',
    message: `retRslt ${parsed.retRslt ?? '?'}：${reason || '（无 msgRslt）'}`,
    parsed,
  };
}
