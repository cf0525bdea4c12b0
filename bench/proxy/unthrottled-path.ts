/**
 * One path driven as fast as it answers, in slices, with autocannon (`connections` keep-alive connections, each
 * sending its next request as soon as the previous answer is in): the throughput of the path. Each request is a
 * new envelope; every answer is checked. Latencies and outcomes add up over the slices.
 */
import autocannon from 'autocannon';
import type { BodySource } from './envelopes.js';
import { JSON_HEADERS } from './paced-path.js';
import type { Outcomes } from './reply-check.js';
import { checkReply, count, emptyOutcomes } from './reply-check.js';

export class UnthrottledPath {
  readonly latenciesMs: number[] = [];
  readonly outcomes: Outcomes = emptyOutcomes();
  seconds = 0;
  private readonly target: URL;

  constructor(
    readonly name: string,
    serviceUrl: string,
    private readonly bodies: BodySource,
    private readonly connections: number
  ) {
    this.target = new URL(serviceUrl);
  }

  get completed(): number {
    return this.latenciesMs.length;
  }

  async slice(seconds: number): Promise<void> {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: this.target.origin,
          connections: this.connections,
          duration: seconds,
          timeout: 10,
          requests: [
            {
              method: 'POST',
              path: this.target.pathname,
              headers: JSON_HEADERS,
              setupRequest: (req) => ({ ...req, body: this.bodies() }),
              onResponse: (status, body) => {
                const { verdict, why } = checkReply(status, body);
                count(this.outcomes, verdict, why);
              },
            },
          ],
        },
        (err, res) => (err ? reject(err as Error) : resolve(res))
      );
      instance.on('response', (_client, _status, _bytes, responseTime) => this.latenciesMs.push(responseTime));
    });
    if (result.errors > 0) {
      this.outcomes.errors += result.errors;
      this.outcomes.first ??= `error: ${result.errors} connection errors / timeouts`;
    }
    this.seconds += result.duration;
  }
}
