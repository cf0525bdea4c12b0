/**
 * A job that runs in rounds until stopped: after a round that found work the next one runs at once, after an idle
 * round it waits `idleMs`; a failing round waits twice as long each time (up to `backoffMaxMs`) and is logged once
 * per failure streak, with a line when it recovers (integration-anchors B12: a failing query must not flood the
 * log). `stop()` waits for the round in progress.
 */
import type { ChannelLog } from '../../core/ports/channel-runtime.js';

export interface PollLoopOptions {
  /** What the log lines name (the channel and the job). */
  what: Record<string, unknown>;
  idleMs: number;
  backoffMaxMs: number;
  log: ChannelLog;
}

export class PollLoop {
  private running = false;
  private current: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private failures = 0;
  private firstDone: (() => void) | null = null;
  /** Settles after the first round, whatever its outcome (or at stop, if it never ran). */
  readonly firstRound: Promise<void> = new Promise((resolve) => (this.firstDone = resolve));

  /** `round` resolves true when there may be more work right away. */
  constructor(
    private readonly round: () => Promise<boolean>,
    private readonly options: PollLoopOptions
  ) {}

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.current = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.current;
    this.current = null;
    this.firstDone?.();
  }

  /** The wait before the next round after `failures` failures in a row. */
  static backoff(failures: number, idleMs: number, maxMs: number): number {
    return Math.max(idleMs, Math.min(idleMs * 2 ** failures, maxMs));
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

  private async turn(): Promise<number> {
    try {
      const more = await this.round();
      this.recovered();
      return more ? 0 : this.options.idleMs;
    } catch (e) {
      this.failures++;
      if (this.failures === 1) {
        this.options.log.error(
          'HIS database round failed; retrying with backoff (not logged again until it recovers)',
          {
            ...this.options.what,
            error: e instanceof Error ? e.message : String(e),
          }
        );
      }
      return PollLoop.backoff(this.failures, this.options.idleMs, this.options.backoffMaxMs);
    }
  }

  private recovered(): void {
    if (this.failures > 0) {
      this.options.log.info('HIS database round recovered', { ...this.options.what, failedRounds: this.failures });
      this.failures = 0;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
