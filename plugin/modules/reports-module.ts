/**
 * Reports: the reconciliation (药帐核对) over the bound store, book stock in, and the daily trend. The store's read
 * model is chosen from the store itself (SQL for KnexStore, loops for MemoryStore); a plugin binding its own Store
 * binds TOKENS.ReconciliationStore too. Anomalies per day come from TOKENS.DailyAnomalyCounter when something binds it.
 */
import { KnexReconciliation } from '../../adapters/store/knex-reconciliation.js';
import { KnexStore } from '../../adapters/store/knex-store.js';
import { MemoryReconciliation } from '../../adapters/store/memory-reconciliation.js';
import { MemoryStore } from '../../adapters/store/memory-store.js';
import type { CatalogService } from '../../core/catalog/catalog-service.js';
import { TracegateError } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import type { DailyAnomalyCounter } from '../../core/ports/daily-anomaly-counter.js';
import type { ReconciliationStore } from '../../core/ports/reconciliation-store.js';
import type { Store } from '../../core/ports/store.js';
import { DailyReportService } from '../../core/reports/daily-report-service.js';
import { BookStockService } from '../../core/reports/reconciliation/book-stock-service.js';
import { ReconciliationService } from '../../core/reports/reconciliation/reconciliation-service.js';
import { TOKENS } from '../tokens.js';
import type { TracegateModule } from '../tracegate-module.js';

export function reconciliationStoreFor(store: Store): ReconciliationStore {
  if (store instanceof KnexStore) {
    return new KnexReconciliation(store.knex, store.dialect);
  }
  if (store instanceof MemoryStore) {
    return new MemoryReconciliation(store);
  }
  throw new TracegateError(
    'RECONCILIATION_STORE_MISSING',
    'the bound Store is neither KnexStore nor MemoryStore: bind TOKENS.ReconciliationStore for it',
    'unavailable'
  );
}

export const reportsModule: TracegateModule = {
  name: 'reports',
  register(c) {
    if (!c.isBound(TOKENS.ReconciliationStore)) {
      c.bind(TOKENS.ReconciliationStore)
        .toResolvedValue((store: Store) => reconciliationStoreFor(store), [TOKENS.Store])
        .inSingletonScope();
    }
    c.bind(TOKENS.ReconciliationService)
      .toResolvedValue(
        (store: ReconciliationStore, catalog: CatalogService, clock: Clock) =>
          new ReconciliationService(store, catalog, clock),
        [TOKENS.ReconciliationStore, TOKENS.CatalogService, TOKENS.Clock]
      )
      .inSingletonScope();
    c.bind(TOKENS.BookStockService)
      .toResolvedValue(
        (store: ReconciliationStore, catalog: CatalogService, clock: Clock) =>
          new BookStockService(store, catalog, clock),
        [TOKENS.ReconciliationStore, TOKENS.CatalogService, TOKENS.Clock]
      )
      .inSingletonScope();
    c.bind(TOKENS.DailyReportService)
      .toResolvedValue(
        (store: ReconciliationStore, clock: Clock) =>
          // Looked up when the service is built, so a module registered after this one can supply it.
          new DailyReportService(
            store,
            clock,
            c.isBound(TOKENS.DailyAnomalyCounter) ? c.get<DailyAnomalyCounter>(TOKENS.DailyAnomalyCounter) : null
          ),
        [TOKENS.ReconciliationStore, TOKENS.Clock]
      )
      .inSingletonScope();
  },
};
