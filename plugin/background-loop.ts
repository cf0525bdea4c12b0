/**
 * A job that runs in rounds until stopped: a round that did work is followed at once by the next; an idle round
 * waits `idleMs` (or until `wake()`); a failing round is logged (at most once a minute per distinct message, so a
 * database outage does not flood the log) and retried after the idle wait. `stop()` waits for the current round.
 */
import type { Logger } from './logger.js';

const LOG_EVERY_MS = 60_000;

export class BackgroundLoop {
  private running = false;
  private current: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;
  private lastLogged = new Map<string, number>();

  constructor(
    private readonly name: string,
    private readonly round: () => Promise<number>,
    private readonly idleMs: number,
    private readonly log: Logger
  ) {}

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.current = this.loop();
  }

  /** Run the next round now (new work arrived). */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.current;
    this.current = null;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = 0;
      try {
        worked = await this.round();
      } catch (e) {
        this.logFailure(e);
      }
      if (worked === 0 && this.running) {
        await this.idle();
      }
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = () => {
        if (this.timer) {
          clearTimeout(this.timer);
        }
        this.wakeUp = null;
        resolve();
      };
      this.timer = setTimeout(() => this.wakeUp?.(), this.idleMs);
    });
  }

  private logFailure(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    const now = Date.now();
    if ((this.lastLogged.get(message) ?? 0) + LOG_EVERY_MS > now) {
      return;
    }
    this.lastLogged.set(message, now);
    this.log.error(`${this.name} round failed`, { error: e instanceof Error ? e.stack : message });
  }
}
