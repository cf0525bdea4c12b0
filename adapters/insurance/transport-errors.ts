/**
 * Whether a failed exchange with the platform may have been processed there.
 * transient: the request certainly never reached the platform's business logic (no connection was made, or the
 * gateway said 503/429/408), so it may be resent as it is.
 * ambiguous: it may have (timeout or dropped connection after the request was written, 502/504/other 5xx), so the
 * caller must find out (3511/3513 query) before resending.
 * Anything not recognised is ambiguous: a wrong "transient" can record a sale twice on the platform, a wrong
 * "ambiguous" only costs a query.
 */
import type { TransportFailure } from '../../core/ports/insurance-upstream.js';

const RESEND = '请求未发出，可以重发';
const RECONCILE = '平台可能已处理，先查询核实再决定是否重发';

/** Classify an error thrown by undici (or by node:net under it) while sending a request or reading its reply. */
export function classifyError(error: unknown): TransportFailure {
  return classifyKnown(error, 0) ?? unknownFailure(error);
}

/** A failure for an HTTP status that is no platform answer; null when the body is the answer to read. */
export function classifyStatus(status: number): TransportFailure | null {
  switch (status) {
    case 503:
      return transient('UPSTREAM_HTTP_503', '医保平台暂停服务（HTTP 503）：请求未被处理，可以稍后重发');
    case 429:
      return transient('UPSTREAM_HTTP_429', '医保平台限流（HTTP 429）：请求未被处理，可以稍后重发');
    case 408:
      return transient('UPSTREAM_HTTP_408', '医保平台等待请求超时（HTTP 408）：请求未被处理，可以重发');
    case 502:
      return ambiguous('UPSTREAM_HTTP_502', `医保平台前置网关出错（HTTP 502）：${RECONCILE}`);
    case 504:
      return ambiguous('UPSTREAM_HTTP_504', `医保平台前置网关超时（HTTP 504）：${RECONCILE}`);
    default:
      return status >= 500 && status <= 599
        ? ambiguous(`UPSTREAM_HTTP_${status}`, `医保平台内部错误（HTTP ${status}）：${RECONCILE}`)
        : null;
  }
}

/** Follows `cause` and AggregateError's `errors` (happy-eyeballs connects), a few levels at most. */
function classifyKnown(error: unknown, depth: number): TransportFailure | null {
  if (typeof error !== 'object' || error === null || depth > 3) {
    return null;
  }
  const e = error as { code?: unknown; syscall?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : e.name === 'AbortError' ? 'ABORT_ERR' : undefined;
  const byCode = code === undefined ? null : classifyCode(code, e.syscall === 'connect', describe(error, code));
  if (byCode) {
    return byCode;
  }
  if (Array.isArray(e.errors) && e.errors.length > 0) {
    return classifyAll(e.errors, depth + 1);
  }
  return classifyKnown(e.cause, depth + 1);
}

/** Every attempt of a multi-address connect failed: transient only if each one certainly sent nothing. */
function classifyAll(errors: unknown[], depth: number): TransportFailure | null {
  const failures = errors.map((inner) => classifyKnown(inner, depth));
  const first = failures[0];
  if (!first || failures.some((f) => f === null)) {
    return null;
  }
  return failures.every((f) => f?.errorClass === 'transient')
    ? first
    : (failures.find((f) => f?.errorClass === 'ambiguous') ?? first);
}

function classifyCode(code: string, duringConnect: boolean, detail: string): TransportFailure | null {
  switch (code) {
    case 'ECONNREFUSED':
      return transient('UPSTREAM_REFUSED', `医保平台连接被拒绝（${detail}）：服务未启动或地址、端口不对；${RESEND}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return transient('UPSTREAM_UNREACHABLE', `医保平台地址无法解析（${detail}）：检查域名与 DNS；${RESEND}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return transient('UPSTREAM_UNREACHABLE', `到医保平台的网络不通（${detail}）：检查专线、路由与防火墙；${RESEND}`);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return connectTimeout(detail);
    case 'ETIMEDOUT':
      // The kernel's own timeout: harmless while connecting, ambiguous on an established connection.
      return duringConnect ? connectTimeout(detail) : replyTimeout(detail);
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return replyTimeout(detail);
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return ambiguous('UPSTREAM_DROPPED', `与医保平台的连接在请求发出后中断（${detail}）：${RECONCILE}`);
    case 'UND_ERR_DESTROYED':
    case 'UND_ERR_CLOSED':
      // undici refuses requests once close() was called; nothing was written.
      return transient('UPSTREAM_NOT_SENT', `与医保平台的连接池已关闭，tracegate 正在停止（${detail}）：${RESEND}`);
    case 'UND_ERR_INVALID_ARG':
    case 'UND_ERR_NOT_SUPPORTED':
      return transient('UPSTREAM_NOT_SENT', `请求在发出前被拒绝（${detail}）：请求头或路径无效，未发往医保平台`);
    default:
      return null;
  }
}

function connectTimeout(detail: string): TransportFailure {
  return transient('UPSTREAM_CONNECT_TIMEOUT', `连接医保平台超时（${detail}）：网络不通或平台过载；${RESEND}`);
}

function replyTimeout(detail: string): TransportFailure {
  return ambiguous('UPSTREAM_TIMEOUT', `医保平台未在时限内应答（${detail}）：请求已发出，${RECONCILE}`);
}

function unknownFailure(error: unknown): TransportFailure {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return ambiguous(
    'UPSTREAM_FAILED',
    `与医保平台通信出错（${text}）：无法确定请求是否已被处理，先查询核实再决定是否重发`
  );
}

/** The code plus the address node:net names, e.g. "ECONNREFUSED 10.1.2.3:8090". */
function describe(error: object, code: string): string {
  const e = error as { address?: unknown; port?: unknown; hostname?: unknown };
  if (typeof e.address === 'string') {
    return typeof e.port === 'number' ? `${code} ${e.address}:${e.port}` : `${code} ${e.address}`;
  }
  return typeof e.hostname === 'string' ? `${code} ${e.hostname}` : code;
}

function transient(code: string, message: string): TransportFailure {
  return { kind: 'failure', errorClass: 'transient', code, message };
}

function ambiguous(code: string, message: string): TransportFailure {
  return { kind: 'failure', errorClass: 'ambiguous', code, message };
}
