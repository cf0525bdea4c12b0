/**
 * The platform's response envelope as the platform writes it (insurance-interface.md §1.3): infcode as a JSON
 * number, both times in hospital time, err_msg only on failure (≤ 200 characters), and the signature/encryption
 * fields present but null. The sandbox answers with it, and so does tracegate when it answers the HIS itself (a
 * refusal, a store-and-forward acceptance); parseResponse in envelope.ts reads it back.
 */
import { ERR_MSG_MAX } from './envelope.js';
import { platformStamp } from './platform-time.js';

export interface PlatformResponse {
  infcode: 0 | -1;
  inf_refmsgid: string;
  refmsg_time: string;
  respond_time: string;
  err_msg: string | null;
  warn_msg: string | null;
  output: Record<string, unknown> | null;
  cainfo: null;
  signtype: null;
  enctype: null;
}

/** infcode 0 with the transaction's output, or infcode -1 with the reason. */
export type PlatformOutcome = { ok: true; output: Record<string, unknown> } | { ok: false; errMsg: string };

export function platformResponse(args: {
  outcome: PlatformOutcome;
  infRefmsgid: string;
  receivedMs: number;
  respondedMs: number;
  warnMsg?: string | null;
}): PlatformResponse {
  const { outcome } = args;
  return {
    infcode: outcome.ok ? 0 : -1,
    inf_refmsgid: args.infRefmsgid,
    refmsg_time: platformStamp(args.receivedMs),
    respond_time: platformStamp(args.respondedMs),
    err_msg: outcome.ok ? null : [...outcome.errMsg].slice(0, ERR_MSG_MAX).join(''),
    warn_msg: args.warnMsg ?? null,
    output: outcome.ok ? outcome.output : null,
    cainfo: null,
    signtype: null,
    enctype: null,
  };
}

/**
 * A refusal in the platform's own shape (HTTP 200, infcode -1), so the HIS screen that shows platform errors shows
 * tracegate's reason the same way.
 */
export function refusalEnvelope(errMsg: string, refmsgid: string, at: string): PlatformResponse {
  const ms = Date.parse(at);
  return platformResponse({ outcome: { ok: false, errMsg }, infRefmsgid: refmsgid, receivedMs: ms, respondedMs: ms });
}

/**
 * A success tracegate gives itself (store-and-forward: the rows are stored and queued); the two-level result says
 * success, and warn_msg says the platform has not seen them yet.
 */
export function acceptedEnvelope(refmsgid: string, at: string, warnMsg: string): PlatformResponse {
  const ms = Date.parse(at);
  return platformResponse({
    outcome: { ok: true, output: { result: { retRslt: '1', msgRslt: warnMsg } } },
    infRefmsgid: refmsgid,
    receivedMs: ms,
    respondedMs: ms,
    warnMsg,
  });
}
