import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Container } from 'inversify';
import type { Express } from 'express';
import { createHttpApp } from '../adapters/http/create-http-app.js';
import type { KnexStore } from '../adapters/store/knex-store.js';
import type { CatalogService } from '../core/catalog/catalog-service.js';
import { TracegateError } from '../core/errors.js';
import type { RelationService } from '../core/hierarchy/relation-service.js';
import type { LedgerService } from '../core/ledger/ledger-service.js';
import type { WindowService } from '../core/window/window-service.js';
import type { HealthCheck } from '../core/ports/health-check.js';
import type { TracegateConfig } from './config-schema.js';
import { loadPlugins } from './load-plugins.js';
import type { Logger } from './logger.js';
import { createLogger } from './logger.js';
import { coreModule } from './modules/core-module.js';
import { insuranceModule } from './modules/insurance-module.js';
import { channelsModule } from './modules/channels-module.js';
import type { ChannelRunner } from './channel-runner.js';
import type { InboundService } from '../core/channels/inbound-service.js';
import type { ChannelRuntime } from '../core/ports/channel-runtime.js';
import type { Router } from 'express';
import type { InsuranceRunner } from './insurance-runner.js';
import type { ProxyService } from '../core/insurance/proxy-service.js';
import type { UploadsService } from '../core/insurance/uploads-service.js';
import type { StockChangeService } from '../core/insurance/stock-change-service.js';
import type { InventoryCountService } from '../core/insurance/inventory-count-service.js';
import type { OutboxSender } from '../core/insurance/outbox-sender.js';
import type { InsuranceUpstream } from '../core/ports/insurance-upstream.js';
import { storeModule } from './modules/store-module.js';
import { reportsModule } from './modules/reports-module.js';
import type { ReportServices } from '../core/reports/report-services.js';
import { anomalyModule } from './modules/anomaly-module.js';
import type { AnomalyService } from '../core/anomalies/anomaly-service.js';
import type { AnomalyRunner } from './anomaly-runner.js';
import { TOKENS } from './tokens.js';
import type { TracegateModule } from './tracegate-module.js';

export interface Tracegate {
  readonly config: TracegateConfig;
  readonly container: Container;
  readonly log: Logger;
  readonly store: KnexStore;
  readonly ledger: LedgerService;
  readonly catalog: CatalogService;
  readonly relations: RelationService;
  readonly window: WindowService;
  /** The HIS channels' stored messages (list, re-drive). */
  readonly inbound: InboundService;
  /** Anomalies and the platform's duplicate-code notices (PRODUCT.md rule 8). */
  readonly anomalies: AnomalyService;
  /** Reports: 药帐核对 (reconciliation), the HIS's book stock, the daily trend. */
  readonly reports: ReportServices;
  readonly insurance: {
    readonly proxy: ProxyService;
    readonly uploads: UploadsService;
    readonly stockChanges: StockChangeService;
    readonly inventoryCounts: InventoryCountService;
    readonly sender: OutboxSender;
    readonly runner: InsuranceRunner;
    readonly upstream: InsuranceUpstream;
  };
  healthChecks(): HealthCheck[];
  httpApp(): Express;
  /** Listen on server.host:server.port; refuses to start while migrations are pending. */
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
}

export interface CreateOptions {
  logger?: Logger;
  /** Extra modules (tests, embedding hosts); `plugins:` from the config are loaded after these. */
  modules?: TracegateModule[];
}

/** The programmatic entry for hosts that embed tracegate; the CLI uses it too. */
export async function createTracegate(config: TracegateConfig, options: CreateOptions = {}): Promise<Tracegate> {
  const log = options.logger ?? createLogger(config.log.level);
  const container = new Container();
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.Logger).toConstantValue(log);
  const modules = [
    storeModule,
    coreModule,
    insuranceModule,
    channelsModule,
    reportsModule,
    anomalyModule,
    ...(options.modules ?? []),
    ...(await loadPlugins(config.plugins)),
  ];
  for (const m of modules) {
    await m.register(container, config);
  }

  const store = container.get<KnexStore>(TOKENS.Store);
  // Resolved now: building a channel registers it with the inbound service (the CLI's re-drive needs that too).
  const runtimes = container.isBound(TOKENS.ChannelRuntime)
    ? container.getAll<ChannelRuntime>(TOKENS.ChannelRuntime)
    : [];
  const channelRoutes = container.isBound(TOKENS.ChannelRoutes) ? container.getAll<Router>(TOKENS.ChannelRoutes) : [];
  const healthChecks = (): HealthCheck[] => [
    ...(container.isBound(TOKENS.HealthCheck) ? container.getAll<HealthCheck>(TOKENS.HealthCheck) : []),
    ...runtimes.flatMap((r) => r.checks),
  ];
  const ledger = container.get<LedgerService>(TOKENS.LedgerService);
  const catalog = container.get<CatalogService>(TOKENS.CatalogService);
  const relations = container.get<RelationService>(TOKENS.RelationService);
  const window = container.get<WindowService>(TOKENS.WindowService);
  const inbound = container.get<InboundService>(TOKENS.InboundService);
  const channels = container.get<ChannelRunner>(TOKENS.ChannelRunner);
  const anomalies = container.get<AnomalyService>(TOKENS.AnomalyService);
  const anomalyRunner = container.get<AnomalyRunner>(TOKENS.AnomalyRunner);
  const reports: ReportServices = {
    reconciliation: container.get(TOKENS.ReconciliationService),
    bookStock: container.get(TOKENS.BookStockService),
    daily: container.get(TOKENS.DailyReportService),
  };
  const insurance = {
    proxy: container.get<ProxyService>(TOKENS.ProxyService),
    uploads: container.get<UploadsService>(TOKENS.UploadsService),
    stockChanges: container.get<StockChangeService>(TOKENS.StockChangeService),
    inventoryCounts: container.get<InventoryCountService>(TOKENS.InventoryCountService),
    sender: container.get<OutboxSender>(TOKENS.OutboxSender),
    runner: container.get<InsuranceRunner>(TOKENS.InsuranceRunner),
    upstream: container.get<InsuranceUpstream>(TOKENS.InsuranceUpstream),
  };
  let app: Express | undefined;
  const httpApp = (): Express =>
    (app ??= createHttpApp({
      config,
      log,
      ledger,
      catalog,
      relations,
      window,
      proxy: insurance.proxy,
      uploads: insurance.uploads,
      stockChanges: insurance.stockChanges,
      inventoryCounts: insurance.inventoryCounts,
      inbound,
      anomalies,
      reports,
      channelRoutes,
      healthChecks,
    }));
  let server: Server | undefined;

  return {
    config,
    container,
    log,
    store,
    ledger,
    catalog,
    relations,
    window,
    inbound,
    anomalies,
    reports,
    insurance,
    healthChecks,
    httpApp,
    async start() {
      const { pending } = await store.migrationStatus();
      if (pending.length > 0) {
        throw new TracegateError(
          'MIGRATIONS_PENDING',
          `the store has pending migrations (${pending.join(', ')}); run \`tracegate migrate\` first`,
          'unavailable'
        );
      }
      const listening = httpApp().listen(config.server.port, config.server.host);
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('listening', resolve);
        listening.once('error', reject);
      });
      const { port } = listening.address() as AddressInfo;
      const url = `http://${config.server.host}:${port}`;
      log.info('tracegate listening', { url, store: config.store.client });
      await insurance.runner.start();
      await channels.start();
      anomalyRunner.start();
      return { url };
    },
    async stop() {
      if (server) {
        await new Promise<void>((resolve) => server?.close(() => resolve()));
      }
      server = undefined;
      await channels.stop();
      await anomalyRunner.stop();
      await insurance.runner.stop();
      await insurance.upstream.close();
      await store.close();
    },
  };
}
