/**
 * One well-formed request, by its infno: 9001 签到, the 进销存 uploads and deletions, the record queries, and an
 * echo for everything else, so a proxy in front can be shown passing other transactions (1101, 2207…) through.
 */
import type { PlatformOutcome } from '../../core/insurance/response-envelope.js';
import { transactionOf } from '../../core/insurance/transactions.js';
import { handleQuery, isQueryInfno } from './handle-queries.js';
import { handleRows } from './handle-rows.js';
import { handleSignIn, signInProblem } from './handle-sign-in.js';
import type { TransactionContext } from './transaction-context.js';

export function handleTransaction(ctx: TransactionContext, requireSignIn: boolean): PlatformOutcome {
  const { infno } = ctx.envelope;
  if (infno === '9001') {
    return handleSignIn(ctx);
  }
  const tx = transactionOf(infno);
  const inventory = tx !== null || isQueryInfno(infno);
  const signIn = inventory && requireSignIn ? signInProblem(ctx) : null;
  if (signIn !== null) {
    return { ok: false, errMsg: signIn };
  }
  if (tx) {
    return handleRows(ctx, tx);
  }
  if (isQueryInfno(infno)) {
    return handleQuery(ctx, infno);
  }
  return { ok: true, output: { echo: infno } };
}
