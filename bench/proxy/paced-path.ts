/**
 * One path (direct to the sandbox, or through tracegate) driven at a paced rate in slices, so two paths can take
 * turns: each of `connections` keep-alive connections (a HIS workstation) sends at Poisson-distributed moments
 * (rate / connections per second) and waits for its answer. A request that fell due while its connection still
 * waited is timed from when it fell due (no coordinated omission), as in bench/scan/load.ts. The connections
 * stay open between slices, so no slice pays for a handshake. Latencies and outcomes add up over the slices.
 */
import { Agent, request } from 'node:http';
import { poissonGap } from '../scan/load.js';
import type { BodySource } from './envelopes.js';
import type { Outcomes } from './reply-check.js';
import { checkReply, count, emptyOutcomes } from './reply-check.js';

export const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8' };

export class PacedPath {
  readonly latenciesMs: number[] = [];
  readonly outcomes: Outcomes = emptyOutcomes();
  /** Time spent in this path's slices, seconds (a slice lasts until its last answer is in). */
  seconds = 0;
  /** latenciesMs.length after each slice: slice i is latenciesMs[sliceEnds[i-1] ?? 0 … sliceEnds[i]). */
  readonly sliceEnds: number[] = [];
  private readonly agents: Agent[];
  private readonly target: URL;

  constructor(
    readonly name: string,
    serviceUrl: string,
    private readonly bodies: BodySource,
    connections: number
  ) {
    this.target = new URL(serviceUrl);
    this.agents = Array.from({ length: connections }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  }

  get completed(): number {
    return this.latenciesMs.length;
  }

  /** Runs `seconds` of arrivals at `rate` requests/s over all connections; resolves when every answer is in. */
  async slice(seconds: number, rate: number): Promise<void> {
    const meanGapMs = (1000 * this.agents.length) / rate;
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      this.agents.map(async (agent) => {
        let scheduled = start + poissonGap(meanGapMs);
        while (scheduled < end) {
          const body = this.bodies();
          const wait = scheduled - performance.now();
          if (wait > 0) {
            await new Promise((r) => setTimeout(r, wait));
          }
          // Behind schedule: the wait for the previous answer counts. On time: the clock starts as it goes out.
          const from = wait > 0 ? performance.now() : scheduled;
          try {
            const { status, text } = await this.post(agent, body);
            const { verdict, why } = checkReply(status, text);
            count(this.outcomes, verdict, why);
          } catch (e) {
            count(this.outcomes, 'error', String(e));
          }
          this.latenciesMs.push(performance.now() - from);
          scheduled += poissonGap(meanGapMs);
        }
      })
    );
    this.seconds += (performance.now() - start) / 1000;
    this.sliceEnds.push(this.latenciesMs.length);
  }

  /** The latencies of each slice, sorted. */
  slices(): Float64Array[] {
    return this.sliceEnds.map((end, i) =>
      Float64Array.from(this.latenciesMs.slice(this.sliceEnds[i - 1] ?? 0, end)).sort()
    );
  }

  close(): void {
    for (const agent of this.agents) {
      agent.destroy();
    }
  }

  private post(agent: Agent, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: 'POST',
          path: this.target.pathname,
          agent,
          headers: { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body) },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        }
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  }
}
