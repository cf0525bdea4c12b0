/**
 * 9001 签到: issues a sign_no (output.signinoutb). With requireSignIn the 35xx transactions need one of these in
 * the envelope, as the provinces that enforce sign-in do.
 */
import type { PlatformOutcome } from '../../core/insurance/response-envelope.js';
import { shanghaiDateTime } from '../../core/shanghai-time.js';
import type { TransactionContext } from './transaction-context.js';

export function handleSignIn(ctx: TransactionContext): PlatformOutcome {
  const signNo = ctx.state.nextSignNo(ctx.now);
  ctx.state.signNos.add(signNo);
  return {
    ok: true,
    output: { signinoutb: { sign_time: shanghaiDateTime(ctx.now.toISOString()), sign_no: signNo } },
  };
}

/** Null when the request may go on; the infcode -1 reason otherwise. */
export function signInProblem(ctx: TransactionContext): string | null {
  const signNo = ctx.envelope.sign_no;
  if (signNo === '') {
    return `交易签到流水号 sign_no 为空，请先签到【9001】再做 ${ctx.envelope.infno} 交易`;
  }
  return ctx.state.signNos.has(signNo) ? null : `交易签到流水号 sign_no「${signNo}」无效，请重新签到【9001】`;
}
