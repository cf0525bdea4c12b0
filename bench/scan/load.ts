/**
 * Two ways to drive scans at the server, both with one keep-alive connection per station and each station walking
 * its own queue of (session, code):
 * - autocannon (the load generator): unthrottled, or `overallRate`. Its rate limiter lets each connection send
 *   its share of a second back to back at the start of that second and then wait (mcollina/autocannon#174), so a
 *   rate-limited run is a burst of all 20 stations at once every second, not a steady stream. Its
 *   coordinated-omission correction assumes an interval of ⌈1 / rate⌉ = 1 ms, so it is switched off and every
 *   response time is kept instead.
 * - paced stations (node:http): each station scans at Poisson-distributed moments with mean rate/stations per
 *   second and waits for its answer before the next scan (as a pharmacist does). A scan that falls due while its
 *   station still waits is timed from the moment it fell due, so a slow answer also counts against the scans
 *   queued behind it (no coordinated omission).
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import type { QueuedScan } from './sessions.js';
import { BENCH_TOKEN } from './server-process.js';

export interface LoadResult {
  driver: 'autocannon' | 'paced';
  /** Target scans/s over all stations; undefined = unthrottled. */
  rate: number | undefined;
  seconds: number;
  completed: number;
  /** 2xx and `result: 'accepted'`. */
  accepted: number;
  /** Transport errors, timeouts, non-2xx and answers other than accepted. */
  errors: number;
  firstError: string | null;
  latenciesMs: Float64Array;
  /** Machine-wide CPU busy share over the phase (0–1), all cores. */
  machineBusy: number;
}

const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` };

function pathOf(q: QueuedScan): string {
  return `/api/v1/dispenses/${encodeURIComponent(q.sessionId)}/scans`;
}

function isAccepted(status: number, body: string): boolean {
  return status === 200 && body.includes('"result":"accepted"');
}

export function machineTimes(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

function busyBetween(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

export async function runAutocannon(
  url: string,
  queues: QueuedScan[][],
  seconds: number,
  rate?: number
): Promise<LoadResult> {
  const latencies: number[] = [];
  let accepted = 0;
  let refused = 0;
  let firstError: string | null = null;
  let nextQueue = 0;
  const perConnection = Math.min(...queues.map((q) => q.length));
  const m0 = machineTimes();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: queues.length,
        duration: seconds,
        maxConnectionRequests: perConnection,
        ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
        timeout: 10,
        method: 'POST',
        headers: HEADERS,
        body: '{}',
        setupClient: (client) => {
          const queue = queues[nextQueue++ % queues.length] as QueuedScan[];
          let i = 0;
          client.setRequests([
            {
              method: 'POST',
              headers: HEADERS,
              setupRequest: (req) => {
                const q = queue[i++];
                if (!q) {
                  throw new Error('a station ran out of queued scans');
                }
                return { ...req, path: pathOf(q), body: JSON.stringify({ scan: q.scan }) };
              },
              onResponse: (status, body) => {
                if (isAccepted(status, body)) {
                  accepted++;
                } else {
                  refused++;
                  firstError ??= `HTTP ${status}: ${body.slice(0, 300)}`;
                }
              },
            },
          ]);
        },
      },
      (err, res) => (err ? reject(err as Error) : resolve(res))
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const transport = result.errors;
  if (transport > 0) {
    firstError ??= `${transport} connection errors / timeouts`;
  }
  return {
    driver: 'autocannon',
    rate,
    seconds: result.duration,
    completed: latencies.length,
    accepted,
    errors: refused + transport,
    firstError,
    latenciesMs: Float64Array.from(latencies).sort(),
    machineBusy: busyBetween(m0, machineTimes()),
  };
}

/** Exponentially distributed gap with the given mean (ms): the arrivals of a Poisson process. */
export function poissonGap(meanMs: number): number {
  return -Math.log(1 - Math.random()) * meanMs;
}

export async function runPaced(
  url: string,
  queues: QueuedScan[][],
  seconds: number,
  rate: number
): Promise<LoadResult> {
  const target = new URL(url);
  const latencies: number[] = [];
  let accepted = 0;
  let errors = 0;
  let firstError: string | null = null;
  const meanGapMs = (1000 * queues.length) / rate;
  const m0 = machineTimes();
  const start = performance.now();
  const end = start + seconds * 1000;

  const post = (agent: Agent, q: QueuedScan): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ scan: q.scan });
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: pathOf(q),
          agent,
          headers: { ...HEADERS, 'content-length': Buffer.byteLength(body) },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        }
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });

  await Promise.all(
    queues.map(async (queue) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let scheduled = start + poissonGap(meanGapMs);
      let i = 0;
      try {
        while (scheduled < end) {
          const q = queue[i++];
          if (!q) {
            throw new Error('a station ran out of queued scans');
          }
          const wait = scheduled - performance.now();
          if (wait > 0) {
            await new Promise((r) => setTimeout(r, wait));
          }
          // Behind schedule (the previous answer came late): the scan waited for it, and that wait counts. On
          // time: the clock starts when the request goes out, so a late timer here is not charged to the server.
          const from = wait > 0 ? performance.now() : scheduled;
          try {
            const { status, body } = await post(agent, q);
            if (isAccepted(status, body)) {
              accepted++;
            } else {
              errors++;
              firstError ??= `HTTP ${status}: ${body.slice(0, 300)}`;
            }
          } catch (e) {
            errors++;
            firstError ??= String(e);
          }
          latencies.push(performance.now() - from);
          scheduled += poissonGap(meanGapMs);
        }
      } finally {
        agent.destroy();
      }
    })
  );
  return {
    driver: 'paced',
    rate,
    seconds: (performance.now() - start) / 1000,
    completed: latencies.length,
    accepted,
    errors,
    firstError,
    latenciesMs: Float64Array.from(latencies).sort(),
    machineBusy: busyBetween(m0, machineTimes()),
  };
}

export function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
