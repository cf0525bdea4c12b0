/**
 * 9001 签到: the session number (output.signinoutb.sign_no) every envelope carries. One sign-in serves the
 * hospital-local day; a new one is made by the first request of a new day, or by the first request after the
 * platform refused a sign_no (infcode -1 naming 签到). Concurrent callers wait for one sign-in, never start their own.
 */
import type { RequestEnvelope } from '../../core/insurance/envelope.js';
import type { Clock } from '../../core/ports/clock.js';
import type { SendResult, TransportFailure } from '../../core/ports/insurance-upstream.js';
import { shanghaiDate } from '../../core/shanghai-time.js';
import type { ResolvedSignIn } from './upstream-options.js';

export const SIGN_IN_INFNO = '9001';

/** Sends one envelope (signed like any other) and never throws for transport problems. */
export type SignInExchange = (envelope: RequestEnvelope) => Promise<SendResult>;

export type SignInResult = { ok: true; signNo: string } | { ok: false; failure: TransportFailure };

const REFUSED_TEXT = /签到|sign_no/i;

export class SignInSession {
  private current: { signNo: string; day: string } | null = null;
  private pending: Promise<SignInResult> | null = null;

  constructor(
    private readonly settings: ResolvedSignIn,
    private readonly exchange: SignInExchange,
    private readonly clock: Clock
  ) {}

  /** Today's sign_no, signing in first when there is none. */
  signNo(): Promise<SignInResult> {
    const current = this.current;
    if (current !== null && current.day === this.today()) {
      return Promise.resolve({ ok: true, signNo: current.signNo });
    }
    this.pending ??= this.signIn().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /**
   * Reads the reply to a request that carried `signNo`: a refusal naming 签到 ends the session so the next request
   * signs in again. Only that session: a parallel request may already have replaced it.
   */
  noteReply(signNo: string, json: unknown): void {
    if (this.current?.signNo === signNo && isSignInRefusal(json)) {
      this.current = null;
    }
  }

  private async signIn(): Promise<SignInResult> {
    // The day the sign-in started: one that ends after midnight is renewed by the next request, never kept too long.
    const day = this.today();
    const { opterNo, mac, ip, envelopeFactory } = this.settings;
    const envelope = envelopeFactory({ infno: SIGN_IN_INFNO, input: { signIn: { opter_no: opterNo, mac, ip } } });
    const { outcome } = await this.exchange({ ...envelope, sign_no: '' });
    if (outcome.kind === 'failure') {
      return { ok: false, failure: signInFailed(outcome) };
    }
    const signNo = signNoOf(outcome.json);
    if (signNo === null) {
      return { ok: false, failure: signInRefused(outcome.json, outcome.status) };
    }
    this.current = { signNo, day };
    return { ok: true, signNo };
  }

  private today(): string {
    return shanghaiDate(this.clock.now().toISOString());
  }
}

/** infcode -1 and an err_msg that names 签到 (or sign_no). */
export function isSignInRefusal(json: unknown): boolean {
  const response = asObject(json);
  return (
    response !== null &&
    infcodeOf(response.infcode) === -1 &&
    typeof response.err_msg === 'string' &&
    REFUSED_TEXT.test(response.err_msg)
  );
}

/** output.signinoutb.sign_no of a successful 9001 reply; null otherwise. */
export function signNoOf(json: unknown): string | null {
  const response = asObject(json);
  if (response === null || infcodeOf(response.infcode) !== 0) {
    return null;
  }
  const signNo = asObject(asObject(response.output)?.signinoutb)?.sign_no;
  return typeof signNo === 'string' && signNo.trim() !== '' ? signNo.trim() : null;
}

function signInFailed(inner: TransportFailure): TransportFailure {
  return {
    kind: 'failure',
    // Whatever happened to the 9001, the business request itself was never sent.
    errorClass: 'transient',
    code: 'UPSTREAM_SIGN_IN_FAILED',
    message: `医保签到（9001）未完成，业务请求未发出，可以重发。签到时：${inner.message}（${inner.code}）`,
  };
}

function signInRefused(json: unknown, status: number): TransportFailure {
  const errMsg = asObject(json)?.err_msg;
  const why =
    typeof errMsg === 'string' && errMsg !== '' ? errMsg : `HTTP ${status}，应答中没有 output.signinoutb.sign_no`;
  return {
    kind: 'failure',
    errorClass: 'transient',
    code: 'UPSTREAM_SIGN_IN_REFUSED',
    message: `医保签到（9001）被拒绝：${why}；业务请求未发出。检查签到的操作员编号、MAC、IP 与机构配置`,
  };
}

/** A number, or a string holding one (some stacks send "0"); NaN otherwise. */
export function infcodeOf(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  return typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
