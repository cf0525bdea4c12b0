/**
 * The HIS channels' lifecycle: every bound ChannelRuntime (built-in or from a plugin) started after the HTTP server,
 * stopped before the store closes, and a recovery round that finishes messages stored but left undecided by a stop
 * in between (senders that resend — HL7 — would finish them too; pollers and FHIR POST may not).
 */
import { BackgroundLoop } from '../adapters/background-loop.js';
import type { InboundService } from '../core/channels/inbound-service.js';
import type { Clock } from '../core/ports/clock.js';
import type { ChannelRuntime } from '../core/ports/channel-runtime.js';
import { errorText, type Logger } from './logger.js';

export class ChannelRunner {
  private readonly recovery: BackgroundLoop;
  private started: ChannelRuntime[] = [];

  constructor(
    private readonly runtimes: ChannelRuntime[],
    inbound: InboundService,
    clock: Clock,
    recoverAfterSeconds: number,
    private readonly log: Logger
  ) {
    this.recovery = new BackgroundLoop({
      name: 'inbound recovery round',
      round: async () => {
        const before = new Date(clock.now().getTime() - recoverAfterSeconds * 1000).toISOString();
        const done = await inbound.recover(before);
        if (done.length > 0) {
          log.warn('inbound messages left undecided by a stop were decided', { ids: done.map((m) => m.id) });
        }
        return 0;
      },
      idleMs: Math.max(1000, (recoverAfterSeconds * 1000) / 2),
      log,
      describeError: errorText,
    });
  }

  async start(): Promise<void> {
    for (const runtime of this.runtimes) {
      await runtime.start();
      this.started.push(runtime);
      this.log.info('channel started', { channel: runtime.name });
    }
    this.recovery.start();
  }

  async stop(): Promise<void> {
    await this.recovery.stop();
    for (const runtime of this.started.reverse()) {
      await runtime.stop();
    }
    this.started = [];
  }
}
