/**
 * Reads new and updated MedicationDispense resources from the HIS's FHIR server:
 * `MedicationDispense?_lastUpdated=ge{mark}&_sort=_lastUpdated&_count={pageSize}`, following next links, each
 * resource stored and decided once under `{id}/_history/{versionId}`.
 *
 * The mark is the newest lastUpdated read, stored only after every resource of its page is stored and decided, so a
 * poller stopped mid-page reads that page again and its resources are replayed by key, not decided twice. The search
 * is `ge`, not `gt`: a resource committed later with the same lastUpdated as the mark (second-precision servers,
 * concurrent transactions) is still found; the ones already read at that instant cost a key look-up each.
 */
import type { InboundService } from '../../core/channels/inbound-service.js';
import type { ChannelLog, ChannelRuntime } from '../../core/ports/channel-runtime.js';
import type { Clock } from '../../core/ports/clock.js';
import type { HealthCheck } from '../../core/ports/health-check.js';
import type { InboundStore } from '../../core/ports/inbound-store.js';
import { BackgroundLoop } from '../background-loop.js';
import { fhirCapabilityCheck } from './fhir-capability-check.js';
import { describeFhirError } from './fhir-client-errors.js';
import type { FhirCodes, FhirPollConfig } from './fhir-config.js';
import { isObject } from './fhir-json.js';
import type { FhirPollClient } from './fhir-poll-client.js';
import { polledDispense, type PollContext } from './polled-dispense.js';

export interface FhirPollerDeps {
  inbound: InboundService;
  store: InboundStore;
  clock: Clock;
  log: ChannelLog;
  client: FhirPollClient;
}

/** What one round read. */
export interface PollRound {
  /** Stored and decided now. */
  decided: number;
  /** Already stored under the same key (re-read at the mark, or after a restart): not decided again. */
  replayed: number;
  /** Not handed over yet (preparation, in-progress…): a later version will say when. */
  skipped: number;
  pages: number;
  mark: string;
}

/** Statuses read: completed (handed over), and entered-in-error (recorded, for a person to look at). */
const READ_STATUSES = new Set(['completed', 'entered-in-error']);
/** A server whose next links never end must not hold a round forever; the mark lets the next round go on. */
const MAX_PAGES_PER_ROUND = 1000;

type Bundle = Record<string, unknown>;
type PageOf = Parameters<FhirPollClient['nextPage']>[0]['bundle'];

export class FhirPoller implements ChannelRuntime {
  readonly name: string;
  readonly checks: HealthCheck[];
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly config: FhirPollConfig & { baseUrl: string },
    private readonly codes: FhirCodes,
    private readonly deps: FhirPollerDeps
  ) {
    this.name = config.name;
    this.checks = [fhirCapabilityCheck(config.name, config.baseUrl, deps.client, config.timeoutMs)];
    this.loop = new BackgroundLoop({
      name: 'FHIR poll',
      round: async (signal) => {
        const round = await this.pollOnce(signal);
        if (round.decided > 0) {
          this.deps.log.info('FHIR poll round', { channel: this.name, ...round });
        }
        // Every page up to the newest was read: the next round waits the interval.
        return 0;
      },
      idleMs: config.intervalMs,
      backoffMaxMs: config.maxBackoffMs,
      log: deps.log,
      fields: { channel: config.name, baseUrl: config.baseUrl },
      describeError: describeFhirError,
    });
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  /** A request in flight is aborted (its page is read again next time); a message being decided is finished. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One round: every page from the mark on. Throws when the server or the store fails (the mark stays). */
  async pollOnce(cancel?: AbortSignal): Promise<PollRound> {
    const timeout = () => AbortSignal.timeout(this.config.timeoutMs);
    return this.round(cancel ? () => AbortSignal.any([timeout(), cancel]) : timeout);
  }

  private async round(signal: () => AbortSignal): Promise<PollRound> {
    const start = await this.startMark();
    const round: PollRound = { decided: 0, replayed: 0, skipped: 0, pages: 0, mark: start };
    let page: Bundle | undefined = await this.deps.client.search({
      resourceType: 'MedicationDispense',
      searchParams: { _lastUpdated: `ge${start}`, _sort: '_lastUpdated', _count: this.config.pageSize },
      options: { signal: signal() },
    });
    while (page && round.pages < MAX_PAGES_PER_ROUND) {
      round.pages += 1;
      const newest = await this.takePage(page, round, signal);
      if (newest !== null && later(newest, round.mark)) {
        await this.deps.store.setChannelMark(this.name, newest, this.deps.clock.now().toISOString());
        round.mark = newest;
      }
      page = await this.deps.client.nextPage({ bundle: page as PageOf, options: { signal: signal() } });
    }
    return round;
  }

  /** Store and decide the page's dispenses in order; the newest lastUpdated on it. */
  private async takePage(page: Bundle, round: PollRound, signal: () => AbortSignal): Promise<string | null> {
    const context: PollContext = {
      client: this.deps.client,
      codes: this.codes,
      baseUrl: this.config.baseUrl,
      signal,
    };
    let newest: string | null = null;
    for (const dispense of dispensesOn(page)) {
      const updated = lastUpdatedOf(dispense);
      if (updated !== null && (newest === null || later(updated, newest))) {
        newest = updated;
      }
      if (!READ_STATUSES.has(String(dispense.status))) {
        round.skipped += 1;
        continue;
      }
      const { key, bytes } = await polledDispense(dispense, page, context);
      const { message, replayed } = await this.deps.inbound.receive(this.name, key, bytes);
      if (replayed) {
        round.replayed += 1;
        continue;
      }
      round.decided += 1;
      if (message.state !== 'accepted') {
        this.deps.log.warn('FHIR dispense not accepted', {
          channel: this.name,
          key,
          id: message.id,
          state: message.state,
          code: message.code,
          message: message.message,
        });
      }
    }
    return newest;
  }

  /** The stored mark; before the first poll, `since` or now, stored at once so a restart starts from the same place. */
  private async startMark(): Promise<string> {
    const stored = await this.deps.store.getChannelMark(this.name);
    if (stored) {
      return stored;
    }
    const now = this.deps.clock.now().toISOString();
    const first = this.config.since ?? now;
    await this.deps.store.setChannelMark(this.name, first, now);
    return first;
  }
}

function dispensesOn(page: Bundle): Record<string, unknown>[] {
  const entries = Array.isArray(page.entry) ? page.entry : [];
  return entries
    .filter((e) => isObject(e) && !(isObject(e.search) && e.search.mode === 'include'))
    .map((e) => (e as { resource?: unknown }).resource)
    .filter((r): r is Record<string, unknown> => isObject(r) && r.resourceType === 'MedicationDispense');
}

function lastUpdatedOf(resource: Record<string, unknown>): string | null {
  const meta = resource.meta;
  return isObject(meta) && typeof meta.lastUpdated === 'string' && !Number.isNaN(Date.parse(meta.lastUpdated))
    ? meta.lastUpdated
    : null;
}

/** Instants compared as instants (the server may write +08:00 or Z); the server's own text is what is stored. */
function later(a: string, b: string): boolean {
  return Date.parse(a) > Date.parse(b);
}
