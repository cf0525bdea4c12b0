/**
 * One configured HIS database channel, assembled: its knex pool to the HIS, the inbound channel registered with the
 * inbound service (so re-drives read and write back), the poller and its loop, the optional catalog sync loop and
 * the health check. Run one instance of a channel per HIS table: two pollers on one channel would read the same
 * events (the inbound store keeps each decided once, but both would poll and write back).
 */
import type { CatalogService } from '../../core/catalog/catalog-service.js';
import type { InboundService } from '../../core/channels/inbound-service.js';
import type { ChannelLog, ChannelRuntime } from '../../core/ports/channel-runtime.js';
import type { Clock } from '../../core/ports/clock.js';
import type { InboundStore } from '../../core/ports/inbound-store.js';
import type { DispenseOrder } from '../../core/window/session.js';
import { BackgroundLoop } from '../background-loop.js';
import { syncBookStock, type BookStockSink, type StockSyncResult } from './book-stock-sync.js';
import { syncCatalog, type CatalogSyncResult } from './catalog-sync.js';
import { findPrescription } from './find-prescription.js';
import { HisDbChannel } from './his-db-channel.js';
import type { HisDbConfig } from './his-db-config.js';
import { hisDbHealthCheck } from './his-db-health.js';
import { createHisKnex } from './his-db-knex.js';
import { HisDbPoller, type PollResult } from './his-db-poller.js';
import { WriteBacks } from './write-back.js';

export interface HisDbChannelDeps {
  inbound: Pick<InboundService, 'register' | 'receive'>;
  store: InboundStore;
  catalog: CatalogService;
  clock: Clock;
  log: ChannelLog;
  /** Where the stock query's figures go (the book stock service); without it stockQuery is not run. */
  bookStock?: BookStockSink;
}

export interface HisDbChannelRuntime extends ChannelRuntime {
  readonly channel: HisDbChannel;
  /** One poll now (queued behind a poll in progress). */
  pollOnce(): Promise<PollResult>;
  syncCatalog(): Promise<CatalogSyncResult>;
  /** The stock query's figures for a day (default today) into the book stock. */
  syncBookStock(asOf?: string): Promise<StockSyncResult>;
  findPrescription(prescriptionNo: string): Promise<DispenseOrder | undefined>;
  /** Write-backs that failed and wait for the next poll. */
  pendingWriteBacks(): number;
}

export function createHisDbChannel(config: HisDbConfig, deps: HisDbChannelDeps): HisDbChannelRuntime {
  const db = createHisKnex(config);
  const writeBacks = new WriteBacks({
    channel: config.name,
    db,
    sql: config.writeBack,
    messageMaxLength: config.messageMaxLength,
    queryTimeoutMs: config.queryTimeoutMs,
    log: deps.log,
  });
  const channel = new HisDbChannel(config.name, writeBacks);
  deps.inbound.register(channel);
  const poller = new HisDbPoller(config, db, writeBacks, deps);
  const actor = `his-db:${config.name}`;
  const sync = (): Promise<CatalogSyncResult> => syncCatalog(db, config, deps.catalog, actor);
  const bookStock = deps.bookStock;
  const syncStock = async (asOf?: string): Promise<StockSyncResult> => {
    if (!bookStock) {
      throw new Error('HIS database channel built without a book stock service');
    }
    return syncBookStock(db, config, { bookStock, catalog: deps.catalog }, actor, asOf);
  };
  const stocked = config.stockQuery !== undefined && bookStock !== undefined;

  const job = (name: string) => ({
    name: 'HIS database round',
    log: deps.log,
    fields: { channel: config.name, job: name },
  });
  const catalogLoop =
    (config.catalogQuery !== undefined || stocked) && config.catalogSyncMinutes > 0
      ? new BackgroundLoop({
          ...job('catalog sync'),
          round: async () => {
            if (config.catalogQuery !== undefined) {
              const result = await sync();
              deps.log.info('HIS catalog synced', { channel: config.name, ...result });
            }
            // After the catalog: the figures of drugs it just added are kept, not skipped.
            if (stocked) {
              const result = await syncStock();
              deps.log.info('HIS book stock synced', { channel: config.name, ...result });
            }
            return 0;
          },
          idleMs: config.catalogSyncMinutes * 60_000,
        })
      : null;
  const pollLoop = new BackgroundLoop({
    ...job('poll'),
    round: async () => {
      // Events may name drugs the HIS just added: the first poll waits for the first catalog sync (done or failed).
      await catalogLoop?.firstRound;
      return (await poller.pollOnce()).events;
    },
    idleMs: config.pollMs,
    backoffMaxMs: config.backoffMaxMs,
  });

  return {
    name: config.name,
    channel,
    checks: [hisDbHealthCheck(config, db, () => poller.position())],
    async start() {
      catalogLoop?.start();
      pollLoop.start();
    },
    async stop() {
      await pollLoop.stop();
      await catalogLoop?.stop();
      await poller.idle();
      await db.destroy();
    },
    pollOnce: () => poller.pollOnce(),
    syncCatalog: sync,
    syncBookStock: syncStock,
    findPrescription: (prescriptionNo) => findPrescription(db, config, prescriptionNo),
    pendingWriteBacks: () => writeBacks.pendingCount,
  };
}
