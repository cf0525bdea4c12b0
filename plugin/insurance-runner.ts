/**
 * The insurance relay's background work: the outbox sender, the settling of proxy requests the platform never
 * answered, and the retention sweep of stored request/response bodies. Started with the HTTP server, stopped
 * before the store closes.
 */
import { BackgroundLoop } from '../adapters/background-loop.js';
import type { OutboxSender } from '../core/insurance/outbox-sender.js';
import type { ProxyService } from '../core/insurance/proxy-service.js';
import type { Clock } from '../core/ports/clock.js';
import type { ProxyStore } from '../core/ports/proxy-store.js';
import type { UploadStore } from '../core/ports/upload-store.js';
import type { InsuranceConfig } from './config-schema.js';
import { errorText, type Logger } from './logger.js';

const DAY_MS = 24 * 3600_000;
const SWEEP_EVERY_MS = 3600_000;

export class InsuranceRunner {
  private readonly outbox: BackgroundLoop;
  private readonly settling: BackgroundLoop;
  private readonly sweeping: BackgroundLoop;
  private started = false;

  constructor(
    private readonly sender: OutboxSender,
    proxy: ProxyService,
    store: UploadStore & ProxyStore,
    clock: Clock,
    private readonly config: InsuranceConfig,
    private readonly log: Logger
  ) {
    const loop = (name: string, idleMs: number, round: () => Promise<number>): BackgroundLoop =>
      new BackgroundLoop({ name, round, idleMs, log, describeError: errorText });
    this.outbox = loop('outbox round', config.outbox.pollMs, () => sender.runOnce());
    this.settling = loop(
      'proxy settling round',
      Math.max(1000, (config.proxy.settleAfterSeconds * 1000) / 2),
      async () => {
        await proxy.settleInflight();
        return 0;
      }
    );
    this.sweeping = loop('retention sweep round', SWEEP_EVERY_MS, async () => {
      const now = clock.now().getTime();
      const before = new Date(now - config.outbox.retention.bodyDays * DAY_MS).toISOString();
      const cleared = await store.pruneAttemptBodies(
        before,
        new Date(now - config.outbox.retention.failedBodyDays * DAY_MS).toISOString()
      );
      const forgotten = await store.deleteAnsweredProxyRequests(before);
      if (cleared + forgotten > 0) {
        log.info('bodies past retention cleared', { attempts: cleared, proxyRequests: forgotten });
      }
      return 0;
    });
  }

  async start(): Promise<void> {
    if (this.started || !this.config.outbox.enabled) {
      return;
    }
    this.started = true;
    const recovered = await this.sender.recoverOwnLeases();
    if (recovered > 0) {
      this.log.warn('uploads interrupted by the last stop will be settled with the platform first', { recovered });
    }
    this.outbox.start();
    this.settling.start();
    this.sweeping.start();
  }

  /** New uploads are due: send them now rather than at the next poll. */
  wakeOutbox(): void {
    this.outbox.wake();
  }

  async stop(): Promise<void> {
    if (!this.started) {
      return;
    }
    this.started = false;
    await Promise.all([this.outbox.stop(), this.settling.stop(), this.sweeping.stop()]);
  }
}
