import { CatalogService } from '../../core/catalog/catalog-service.js';
import { RelationService } from '../../core/hierarchy/relation-service.js';
import { LedgerService } from '../../core/ledger/ledger-service.js';
import type { Clock } from '../../core/ports/clock.js';
import { systemClock } from '../../core/ports/clock.js';
import type { IdSource } from '../../core/ports/id-source.js';
import type { Store } from '../../core/ports/store.js';
import { WindowService } from '../../core/window/window-service.js';
import { randomIds } from '../random-ids.js';
import type { TracegateConfig } from '../config-schema.js';
import { TOKENS } from '../tokens.js';
import type { TracegateModule } from '../tracegate-module.js';

/** The domain services, built from the ports bound by the other modules. */
export const coreModule: TracegateModule = {
  name: 'core',
  register(c) {
    if (!c.isBound(TOKENS.Clock)) {
      c.bind<Clock>(TOKENS.Clock).toConstantValue(systemClock);
    }
    c.bind(TOKENS.CatalogService)
      .toResolvedValue(
        (store: Store, clock: Clock, cfg: TracegateConfig) =>
          new CatalogService(store, clock, cfg.catalog.cacheSeconds * 1000),
        [TOKENS.Store, TOKENS.Clock, TOKENS.Config]
      )
      .inSingletonScope();
    c.bind(TOKENS.RelationService)
      .toResolvedValue((store: Store) => new RelationService(store), [TOKENS.Store])
      .inSingletonScope();
    c.bind(TOKENS.LedgerService)
      .toResolvedValue(
        (store: Store, catalog: CatalogService, clock: Clock, cfg: TracegateConfig) =>
          new LedgerService(store, store, catalog, clock, { gsSubstitutes: cfg.recognition.gsSubstitutes }),
        [TOKENS.Store, TOKENS.CatalogService, TOKENS.Clock, TOKENS.Config]
      )
      .inSingletonScope();
    if (!c.isBound(TOKENS.IdSource)) {
      c.bind<IdSource>(TOKENS.IdSource).toConstantValue(randomIds);
    }
    c.bind(TOKENS.WindowService)
      .toResolvedValue(
        (
          store: Store,
          catalog: CatalogService,
          ledger: LedgerService,
          clock: Clock,
          ids: IdSource,
          cfg: TracegateConfig
        ) => new WindowService(store, catalog, ledger, clock, ids, cfg.window),
        [TOKENS.Store, TOKENS.CatalogService, TOKENS.LedgerService, TOKENS.Clock, TOKENS.IdSource, TOKENS.Config]
      )
      .inSingletonScope();
  },
};
