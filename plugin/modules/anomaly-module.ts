/** Anomalies (PRODUCT.md rule 8): the findings store over the ledger's database, the service, the daily run. */
import { KnexAnomalies } from '../../adapters/store/knex-anomalies.js';
import type { KnexStore } from '../../adapters/store/knex-store.js';
import { AnomalyService } from '../../core/anomalies/anomaly-service.js';
import type { CatalogService } from '../../core/catalog/catalog-service.js';
import type { AnomalyStore } from '../../core/ports/anomaly-store.js';
import type { Clock } from '../../core/ports/clock.js';
import type { DailyAnomalyCounter } from '../../core/ports/daily-anomaly-counter.js';
import type { IdSource } from '../../core/ports/id-source.js';
import type { Store } from '../../core/ports/store.js';
import { thresholdsOf } from '../anomalies-config.js';
import { AnomalyRunner } from '../anomaly-runner.js';
import type { TracegateConfig } from '../config-schema.js';
import type { Logger } from '../logger.js';
import { TOKENS } from '../tokens.js';
import type { TracegateModule } from '../tracegate-module.js';

export const anomalyModule: TracegateModule = {
  name: 'anomalies',
  register(c) {
    // Unless a module registered earlier bound its own.
    if (!c.isBound(TOKENS.AnomalyStore)) {
      c.bind<AnomalyStore>(TOKENS.AnomalyStore)
        .toResolvedValue((store: KnexStore) => new KnexAnomalies(store.knex, store.dialect), [TOKENS.Store])
        .inSingletonScope();
    }
    c.bind(TOKENS.AnomalyService)
      .toResolvedValue(
        (
          anomalies: AnomalyStore,
          store: Store,
          catalog: CatalogService,
          clock: Clock,
          ids: IdSource,
          cfg: TracegateConfig
        ) =>
          new AnomalyService(anomalies, store, catalog, clock, ids, {
            thresholds: thresholdsOf(cfg.reports.anomalies),
            ownFixmedinsCode: cfg.insurance.institution.fixmedinsCode,
          }),
        [TOKENS.AnomalyStore, TOKENS.Store, TOKENS.CatalogService, TOKENS.Clock, TOKENS.IdSource, TOKENS.Config]
      )
      .inSingletonScope();
    // The daily trend report's anomalies-per-day column (plugin/modules/reports-module.ts looks for it).
    c.bind<DailyAnomalyCounter>(TOKENS.DailyAnomalyCounter)
      .toResolvedValue((service: AnomalyService) => service, [TOKENS.AnomalyService])
      .inSingletonScope();
    c.bind(TOKENS.AnomalyRunner)
      .toResolvedValue(
        (service: AnomalyService, clock: Clock, cfg: TracegateConfig, log: Logger) =>
          new AnomalyRunner(service, clock, cfg.reports.anomalies, log),
        [TOKENS.AnomalyService, TOKENS.Clock, TOKENS.Config, TOKENS.Logger]
      )
      .inSingletonScope();
  },
};
