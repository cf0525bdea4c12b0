import { expect } from 'chai';
import { classifyError, classifyStatus } from '../../../adapters/insurance/transport-errors.js';

/** An error shaped like the ones node:net and undici throw. */
function err(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`boom ${code}`), { code }, extra);
}

describe('insurance transport error classification', () => {
  const table: [string, Error, 'transient' | 'ambiguous', string][] = [
    [
      'connection refused',
      err('ECONNREFUSED', { syscall: 'connect', address: '10.1.2.3', port: 8090 }),
      'transient',
      'UPSTREAM_REFUSED',
    ],
    [
      'unknown host',
      err('ENOTFOUND', { syscall: 'getaddrinfo', hostname: 'yb.example' }),
      'transient',
      'UPSTREAM_UNREACHABLE',
    ],
    ['DNS not answering', err('EAI_AGAIN'), 'transient', 'UPSTREAM_UNREACHABLE'],
    ['no route to host', err('EHOSTUNREACH'), 'transient', 'UPSTREAM_UNREACHABLE'],
    ['network unreachable', err('ENETUNREACH'), 'transient', 'UPSTREAM_UNREACHABLE'],
    ['undici connect timeout', err('UND_ERR_CONNECT_TIMEOUT'), 'transient', 'UPSTREAM_CONNECT_TIMEOUT'],
    [
      'kernel timeout while connecting',
      err('ETIMEDOUT', { syscall: 'connect' }),
      'transient',
      'UPSTREAM_CONNECT_TIMEOUT',
    ],
    ['kernel timeout on an open connection', err('ETIMEDOUT', { syscall: 'read' }), 'ambiguous', 'UPSTREAM_TIMEOUT'],
    ['headers timeout', err('UND_ERR_HEADERS_TIMEOUT'), 'ambiguous', 'UPSTREAM_TIMEOUT'],
    ['body timeout', err('UND_ERR_BODY_TIMEOUT'), 'ambiguous', 'UPSTREAM_TIMEOUT'],
    ['other side closed', err('UND_ERR_SOCKET'), 'ambiguous', 'UPSTREAM_DROPPED'],
    ['connection reset', err('ECONNRESET', { syscall: 'read' }), 'ambiguous', 'UPSTREAM_DROPPED'],
    ['broken pipe mid-request', err('EPIPE', { syscall: 'write' }), 'ambiguous', 'UPSTREAM_DROPPED'],
    ['request aborted', err('UND_ERR_ABORTED'), 'ambiguous', 'UPSTREAM_DROPPED'],
    ['AbortSignal', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'ambiguous', 'UPSTREAM_DROPPED'],
    ['pool closed', err('UND_ERR_DESTROYED'), 'transient', 'UPSTREAM_NOT_SENT'],
    ['invalid header', err('UND_ERR_INVALID_ARG'), 'transient', 'UPSTREAM_NOT_SENT'],
    ['something never seen', err('EWHATEVER'), 'ambiguous', 'UPSTREAM_FAILED'],
  ];
  for (const [what, error, errorClass, code] of table) {
    it(`${what} → ${errorClass} ${code}`, () => {
      const failure = classifyError(error);
      expect(failure).to.include({ kind: 'failure', errorClass, code });
      expect(failure.message).to.match(/[\u4e00-\u9fff]/);
    });
  }

  it('names the address in the message people read', () => {
    const failure = classifyError(err('ECONNREFUSED', { address: '10.1.2.3', port: 8090 }));
    expect(failure.message).to.equal(
      '医保平台连接被拒绝（ECONNREFUSED 10.1.2.3:8090）：服务未启动或地址、端口不对；请求未发出，可以重发'
    );
  });

  it('reads a wrapped cause and the attempts of a multi-address connect', () => {
    expect(classifyError(new Error('fetch failed', { cause: err('ECONNREFUSED') })).code).to.equal('UPSTREAM_REFUSED');
    const allRefused = new AggregateError([err('ECONNREFUSED'), err('ECONNREFUSED')]);
    expect(classifyError(allRefused)).to.include({ errorClass: 'transient', code: 'UPSTREAM_REFUSED' });
    const oneReset = new AggregateError([err('ECONNREFUSED'), err('ECONNRESET')]);
    expect(classifyError(oneReset)).to.include({ errorClass: 'ambiguous', code: 'UPSTREAM_DROPPED' });
  });

  it('treats what is not an error at all as ambiguous', () => {
    expect(classifyError('oops')).to.include({ errorClass: 'ambiguous', code: 'UPSTREAM_FAILED' });
    expect(classifyError(undefined)).to.include({ errorClass: 'ambiguous', code: 'UPSTREAM_FAILED' });
  });

  it('classifies HTTP statuses: 503/429/408 transient, 502/504/5xx ambiguous, the rest is an answer', () => {
    for (const status of [503, 429, 408]) {
      expect(classifyStatus(status)).to.include({ errorClass: 'transient', code: `UPSTREAM_HTTP_${status}` });
    }
    for (const status of [502, 504, 500, 501, 599]) {
      expect(classifyStatus(status)).to.include({ errorClass: 'ambiguous', code: `UPSTREAM_HTTP_${status}` });
    }
    for (const status of [200, 201, 204, 301, 400, 401, 403, 404, 413]) {
      expect(classifyStatus(status)).to.equal(null);
    }
  });
});
