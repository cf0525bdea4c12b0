/**
 * `doctor` and /readyz: can tracegate open a connection to the insurance platform? A TCP connect, not a
 * transaction: a health check must not leave traces in the platform's records. Not required for readiness, since
 * uploads queue while the platform is away.
 */
import { connect } from 'node:net';
import type { HealthCheck, HealthResult } from '../../core/ports/health-check.js';

const TIMEOUT_MS = 3000;

export function upstreamHealthCheck(baseUrl: string): HealthCheck {
  const url = new URL(baseUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return {
    name: 'insurance platform',
    requiredForReadiness: false,
    check: () => tcpCheck(url.hostname, port),
  };
}

function tcpCheck(host: string, port: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: TIMEOUT_MS });
    const done = (result: HealthResult): void => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done({ ok: true, detail: `${host}:${port} accepts connections` }));
    socket.once('timeout', () => done(failed(host, port, `no answer within ${TIMEOUT_MS} ms`)));
    socket.once('error', (e) => done(failed(host, port, e.message)));
  });
}

function failed(host: string, port: number, why: string): HealthResult {
  return {
    ok: false,
    detail: `${host}:${port}: ${why}; uploads wait in the outbox until it answers`,
    fix: 'check insurance.upstream.baseUrl, the network route to the platform (前置机) and its firewall',
  };
}
