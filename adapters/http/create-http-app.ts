import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Express, RequestHandler, Router } from 'express';
import type { CatalogService } from '../../core/catalog/catalog-service.js';
import type { RelationService } from '../../core/hierarchy/relation-service.js';
import type { LedgerService } from '../../core/ledger/ledger-service.js';
import type { WindowService } from '../../core/window/window-service.js';
import type { HealthCheck } from '../../core/ports/health-check.js';
import type { TracegateConfig } from '../../plugin/config-schema.js';
import type { Logger } from '../../plugin/logger.js';
import { withCorrelationId } from '../../plugin/logger.js';
import { bearerAuth } from './bearer-auth.js';
import { errorHandler, notFoundHandler } from './error-response.js';
import { openApiDocument } from './openapi.js';
import { codeRoutes } from './routes/code-routes.js';
import { drugRoutes } from './routes/drug-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { importRoutes } from './routes/import-routes.js';
import { pageRoutes } from './routes/page-routes.js';
import { windowRoutes } from './routes/window-routes.js';
import { proxyRoutes } from './routes/proxy-routes.js';
import { uploadRoutes } from './routes/upload-routes.js';
import { bookStockRoutes } from './routes/book-stock-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import type { ReportServices } from '../../core/reports/report-services.js';
import type { ProxyService } from '../../core/insurance/proxy-service.js';
import type { UploadsService } from '../../core/insurance/uploads-service.js';
import type { StockChangeService } from '../../core/insurance/stock-change-service.js';
import type { InventoryCountService } from '../../core/insurance/inventory-count-service.js';
import { stockChangeRoutes } from './routes/stock-change-routes.js';
import { inboundRoutes } from './routes/inbound-routes.js';
import type { InboundService } from '../../core/channels/inbound-service.js';
import type { AnomalyService } from '../../core/anomalies/anomaly-service.js';
import { anomalyRoutes } from './routes/anomaly-routes.js';

export interface HttpDeps {
  config: TracegateConfig;
  log: Logger;
  ledger: LedgerService;
  catalog: CatalogService;
  relations: RelationService;
  window: WindowService;
  proxy: ProxyService;
  uploads: UploadsService;
  stockChanges: StockChangeService;
  inventoryCounts: InventoryCountService;
  inbound: InboundService;
  /** 药帐核对, book stock, the daily trend. */
  reports: ReportServices;
  /** Anomalies and duplicate-code notices (PRODUCT.md rule 8). */
  anomalies: AnomalyService;
  /** Routes HIS channels serve themselves (FHIR POST), behind bearer auth with the integration role. */
  channelRoutes: Router[];
  healthChecks: () => HealthCheck[];
}

/** Every request gets a correlation id (X-Request-Id if the caller sent one) that every log line carries. */
function correlation(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    withCorrelationId(id, () => {
      res.on('finish', () => log.debug('http', { method: req.method, path: req.path, status: res.statusCode }));
      next();
    });
  };
}

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const limit = `${deps.config.server.bodyLimitMb}mb`;
  const auth = bearerAuth(deps.config.auth.tokens);

  app.use(correlation(deps.log));
  const proxy = deps.config.insurance.proxy;
  if (proxy.enabled) {
    // Before everything else: the HIS's bytes go to the proxy unparsed.
    app.use(proxyRoutes(deps.proxy, { prefix: proxy.prefix, allowFrom: proxy.allowFrom, bodyLimit: limit }, deps.log));
  }
  app.use(healthRoutes(deps.healthChecks));
  // The pages are static and public; their scripts call the API with a bearer token.
  app.use(pageRoutes());
  if (deps.channelRoutes.length > 0) {
    app.use('/fhir', auth.authenticate, auth.require('integration'));
    deps.channelRoutes.forEach((routes) => app.use(routes));
  }
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  const api = express.Router();
  api.use(auth.authenticate);
  api.use(importRoutes(deps, auth, limit));
  // Before express.json: the book stock import reads the file body raw (its JSON route parses its own body).
  api.use(bookStockRoutes(deps.reports, auth, limit));
  api.use(reportRoutes(deps.reports, auth));
  api.use(express.json({ limit }));
  api.use(codeRoutes(deps.ledger, deps.anomalies));
  api.use(drugRoutes(deps.catalog, auth));
  api.use(windowRoutes(deps.window, auth));
  api.use(uploadRoutes(deps.uploads, auth));
  api.use(stockChangeRoutes(deps.stockChanges, deps.inventoryCounts, auth));
  api.use(inboundRoutes(deps.inbound, auth));
  api.use(anomalyRoutes(deps.anomalies, auth, limit));
  app.use('/api/v1', api);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
