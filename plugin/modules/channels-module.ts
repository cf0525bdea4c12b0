/**
 * The HIS channels: the inbound service every channel hands its messages to, one runtime per configured HL7
 * listener, FHIR endpoint or poller and HIS database, and the runner that starts and recovers them. A plugin adds a
 * channel the same way: bind a ChannelRuntime (and register its InboundChannel with the InboundService).
 */
import type { Router } from 'express';
import { createFhirChannels } from '../../adapters/fhir/create-fhir-channels.js';
import { createHisDbChannel } from '../../adapters/his-db/create-his-db-channel.js';
import { createHl7Channel } from '../../adapters/hl7/create-hl7-channel.js';
import type { CatalogService } from '../../core/catalog/catalog-service.js';
import type { BookStockService } from '../../core/reports/reconciliation/book-stock-service.js';
import { InboundService } from '../../core/channels/inbound-service.js';
import type { ChannelRuntime } from '../../core/ports/channel-runtime.js';
import type { Clock } from '../../core/ports/clock.js';
import type { IdSource } from '../../core/ports/id-source.js';
import type { Store } from '../../core/ports/store.js';
import type { WindowService } from '../../core/window/window-service.js';
import { ChannelRunner } from '../channel-runner.js';
import type { TracegateConfig } from '../config-schema.js';
import type { Logger } from '../logger.js';
import { TOKENS } from '../tokens.js';
import type { TracegateModule } from '../tracegate-module.js';

export const channelsModule: TracegateModule = {
  name: 'channels',
  register(c, config) {
    c.bind(TOKENS.InboundService)
      .toResolvedValue(
        (store: Store, window: WindowService, clock: Clock, ids: IdSource) =>
          new InboundService(store, window, clock, ids),
        [TOKENS.Store, TOKENS.WindowService, TOKENS.Clock, TOKENS.IdSource]
      )
      .inSingletonScope();
    for (const hl7 of config.channels.hl7) {
      c.bind<ChannelRuntime>(TOKENS.ChannelRuntime)
        .toResolvedValue(
          (inbound: InboundService, log: Logger) => createHl7Channel(hl7, { inbound, log }),
          [TOKENS.InboundService, TOKENS.Logger]
        )
        .inSingletonScope();
    }
    for (const his of config.channels.hisDb) {
      c.bind<ChannelRuntime>(TOKENS.ChannelRuntime)
        .toResolvedValue(
          (
            inbound: InboundService,
            store: Store,
            catalog: CatalogService,
            clock: Clock,
            log: Logger,
            bookStock: BookStockService
          ) => createHisDbChannel(his, { inbound, store, catalog, clock, log, bookStock }),
          [
            TOKENS.InboundService,
            TOKENS.Store,
            TOKENS.CatalogService,
            TOKENS.Clock,
            TOKENS.Logger,
            TOKENS.BookStockService,
          ]
        )
        .inSingletonScope();
    }
    const { fhir } = config.channels;
    if (fhir.post.enabled || fhir.poll.enabled) {
      const fhirChannels = Symbol('fhir channels');
      c.bind(fhirChannels)
        .toResolvedValue(
          (inbound: InboundService, store: Store, clock: Clock, log: Logger) =>
            createFhirChannels(fhir, { inbound, store, clock, log }),
          [TOKENS.InboundService, TOKENS.Store, TOKENS.Clock, TOKENS.Logger]
        )
        .inSingletonScope();
      if (fhir.poll.enabled) {
        c.bind<ChannelRuntime>(TOKENS.ChannelRuntime)
          .toResolvedValue(
            (channels: ReturnType<typeof createFhirChannels>) => channels.runtimes[0] as ChannelRuntime,
            [fhirChannels]
          )
          .inSingletonScope();
      }
      if (fhir.post.enabled) {
        c.bind<Router>(TOKENS.ChannelRoutes)
          .toResolvedValue(
            (channels: ReturnType<typeof createFhirChannels>) => channels.routes as Router,
            [fhirChannels]
          )
          .inSingletonScope();
      }
    }
    c.bind(TOKENS.ChannelRunner)
      .toResolvedValue(
        (inbound: InboundService, clock: Clock, cfg: TracegateConfig, log: Logger) =>
          new ChannelRunner(runtimesOf(c), inbound, clock, cfg.channels.recoverAfterSeconds, log),
        [TOKENS.InboundService, TOKENS.Clock, TOKENS.Config, TOKENS.Logger]
      )
      .inSingletonScope();
  },
};

/** Resolved after every module registered, so a plugin's channels are included. */
function runtimesOf(c: Parameters<TracegateModule['register']>[0]): ChannelRuntime[] {
  return c.isBound(TOKENS.ChannelRuntime) ? c.getAll<ChannelRuntime>(TOKENS.ChannelRuntime) : [];
}
