/**
 * A platform request from bytes to the response envelope: TIF signature (when configured), UTF-8 JSON, the §1.1
 * envelope, a msgid not seen before, then the transaction. Whatever arrives, the answer is an envelope: nothing
 * here may throw to the HTTP layer, so the sandbox never answers 5xx for a request it processed.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { PlatformOutcome, PlatformResponse } from '../../core/insurance/response-envelope.js';
import { platformResponse } from '../../core/insurance/response-envelope.js';
import { checkEnvelope, parseEnvelopeBody } from './envelope-checks.js';
import { handleTransaction } from './handle-transaction.js';
import type { RequestBody } from './read-body.js';
import type { ResolvedOptions } from './sandbox-options.js';
import type { SandboxState } from './sandbox-state.js';
import { checkTifSignature } from './tif-signature.js';

export interface ProcessDeps {
  state: SandboxState;
  options: ResolvedOptions;
}

export function processRequest(
  deps: ProcessDeps,
  request: { headers: IncomingHttpHeaders; body: RequestBody; receivedMs: number }
): PlatformResponse {
  const now = new Date(request.receivedMs);
  const infRefmsgid = deps.state.nextRefmsgid(now);
  let outcome: PlatformOutcome;
  try {
    outcome = outcomeOf(deps, request, now, infRefmsgid);
  } catch (e) {
    // A sandbox bug must still look like a platform answer, and say what broke.
    outcome = { ok: false, errMsg: `医保平台沙箱内部错误：${e instanceof Error ? e.message : String(e)}` };
  }
  return platformResponse({ outcome, infRefmsgid, receivedMs: request.receivedMs, respondedMs: Date.now() });
}

/** An infcode -1 for the envelope, counted under its machine code. */
export function envelopeRefusal(state: SandboxState, code: string, errMsg: string): PlatformOutcome {
  state.counters.envelopeError(code);
  return { ok: false, errMsg };
}

function outcomeOf(
  deps: ProcessDeps,
  request: { headers: IncomingHttpHeaders; body: RequestBody },
  now: Date,
  infRefmsgid: string
): PlatformOutcome {
  const { state, options } = deps;
  const signatureProblem = options.tif ? checkTifSignature(request.headers, options.tif.paasToken) : null;
  if (signatureProblem !== null) {
    return envelopeRefusal(state, 'TIF_SIGNATURE_INVALID', signatureProblem);
  }
  const parsed = parseEnvelopeBody(request.body);
  if (!parsed.ok) {
    return envelopeRefusal(state, parsed.problem.code, parsed.problem.errMsg);
  }
  if (typeof parsed.value.infno === 'string') {
    state.counters.infno(parsed.value.infno);
  }
  const checked = checkEnvelope(parsed.value);
  if (!checked.ok) {
    return envelopeRefusal(state, checked.problem.code, checked.problem.errMsg);
  }
  const { envelope } = checked;
  if (state.msgids.has(envelope.msgid)) {
    return envelopeRefusal(state, 'MSGID_DUPLICATE', `发送方报文ID ${envelope.msgid} 重复`);
  }
  state.msgids.add(envelope.msgid);
  return handleTransaction(
    { envelope, state, infRefmsgid, now, duplicateBchno: options.duplicateBchno },
    options.requireSignIn
  );
}
