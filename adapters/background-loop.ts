/**
 * A job that runs in rounds until stopped — the HIS database poll and catalog sync, the FHIR poll, the outbox sender
 * and the other background rounds of the serving process:
 * - a round that did work (resolved more than 0) is followed at once by the next; an idle round waits `idleMs`, or
 *   until `wake()`;
 * - a failing round waits `idleMs`, then twice as long after each further failure, up to `backoffMaxMs` (default
 *   `idleMs`: retried after the idle wait). It is logged once per failure streak, with one line when it recovers
 *   (integration-anchors B12: an HIS server down all night leaves two lines in the log, not thousands);
 * - `stop()` aborts the round's signal (a request in flight need not be waited for) and waits for the round to end;
 *   a round that fails once stop() was called is not logged, it was cut short and the next start runs it again.
 */
import type { ChannelLog } from '../core/ports/channel-runtime.js';

export interface BackgroundLoopOptions {
  /** The job, as the log lines name it: `${name} failed; …`, `${name} recovered`. */
  name: string;
  /** One round: how much work it did (0: idle). Its signal is aborted by stop(). */
  round: (signal: AbortSignal) => Promise<number>;
  idleMs: number;
  /** The longest wait after failing rounds (default idleMs: no back-off). */
  backoffMaxMs?: number;
  log: ChannelLog;
  /** Added to the failure and recovery lines (the channel, the job…). */
  fields?: Record<string, unknown>;
  /** How a failure is written in the log (default: the error's message). */
  describeError?: (e: unknown) => string;
}

export class BackgroundLoop {
  private running = false;
  private current: Promise<void> | null = null;
  private cancel: AbortController | null = null;
  private wakeUp: (() => void) | null = null;
  private failures = 0;
  private firstDone: (() => void) | null = null;
  /** Settles after the first round, whatever its outcome (or at stop, if it never ran). */
  readonly firstRound: Promise<void> = new Promise((resolve) => (this.firstDone = resolve));

  constructor(private readonly options: BackgroundLoopOptions) {}

  /** The wait before the next round after `failures` failed rounds in a row: idleMs, doubling, up to maxMs. */
  static backoff(failures: number, idleMs: number, maxMs: number): number {
    return Math.max(idleMs, Math.min(maxMs, idleMs * 2 ** Math.min(failures - 1, 30)));
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.current = this.loop();
  }

  /** End the wait: the next round runs now (new work arrived). */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancel?.abort();
    this.wake();
    await this.current;
    this.current = null;
    this.firstDone?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const wait = await this.turn();
      this.firstDone?.();
      if (this.running && wait > 0) {
        await this.sleep(wait);
      }
    }
  }

  /** One round; the wait before the next. */
  private async turn(): Promise<number> {
    const cancel = new AbortController();
    this.cancel = cancel;
    try {
      const worked = await this.options.round(cancel.signal);
      this.recovered();
      return worked > 0 ? 0 : this.options.idleMs;
    } catch (e) {
      if (!cancel.signal.aborted) {
        this.failed(e);
      }
      const { idleMs, backoffMaxMs = idleMs } = this.options;
      return BackgroundLoop.backoff(this.failures, idleMs, backoffMaxMs);
    } finally {
      this.cancel = null;
    }
  }

  private failed(e: unknown): void {
    this.failures += 1;
    if (this.failures === 1) {
      const describe = this.options.describeError ?? ((x: unknown) => (x instanceof Error ? x.message : String(x)));
      this.options.log.error(`${this.options.name} failed; retrying, not logged again until it recovers`, {
        ...this.options.fields,
        error: describe(e),
      });
    }
  }

  private recovered(): void {
    if (this.failures > 0) {
      this.options.log.info(`${this.options.name} recovered`, {
        ...this.options.fields,
        failedRounds: this.failures,
      });
      this.failures = 0;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
