/**
 * The daily anomaly run: a background round every minute asks whether today's run (hospital time, at
 * `reports.anomalies.dailyAt`) is due and not yet done. The store's unique run key makes it run once per day
 * however many instances share the database; a day missed while stopped runs at the next start.
 */
import { BackgroundLoop } from '../adapters/background-loop.js';
import type { AnomalyService } from '../core/anomalies/anomaly-service.js';
import { dueDailyRun } from '../core/anomalies/daily-schedule.js';
import type { Clock } from '../core/ports/clock.js';
import type { AnomaliesConfig } from './anomalies-config.js';
import { errorText, type Logger } from './logger.js';

const CHECK_EVERY_MS = 60_000;

export class AnomalyRunner {
  private readonly loop: BackgroundLoop;
  /** The last hospital day this instance saw done (saves a store round trip each minute). */
  private doneFor: string | null = null;
  private started = false;

  constructor(
    private readonly service: AnomalyService,
    private readonly clock: Clock,
    private readonly config: AnomaliesConfig,
    private readonly log: Logger
  ) {
    this.loop = new BackgroundLoop({
      name: 'daily anomaly run',
      round: async () => {
        await this.tick();
        return 0;
      },
      idleMs: CHECK_EVERY_MS,
      log,
      describeError: errorText,
    });
  }

  /** One check: runs today's anomaly rules if due and not done; returns the day it ran for, else null. */
  async tick(): Promise<string | null> {
    const date = dueDailyRun(this.clock.now(), this.config.dailyAt);
    if (date === null || date === this.doneFor) {
      return null;
    }
    const run = await this.service.runDaily(date);
    this.doneFor = date;
    if (!run) {
      return null;
    }
    this.log.info('daily anomaly run done', { date, run: run.id, counts: run.counts });
    return date;
  }

  start(): void {
    if (this.started || !this.config.enabled) {
      return;
    }
    this.started = true;
    this.loop.start();
  }

  async stop(): Promise<void> {
    if (!this.started) {
      return;
    }
    this.started = false;
    await this.loop.stop();
  }
}
