/** The insurance relay: the platform client, msgids, the outbox sender, the proxy, the uploads service, the runner. */
import { hostname } from 'node:os';
import { createHttpUpstream } from '../../adapters/insurance/http-upstream.js';
import { upstreamHealthCheck } from '../../adapters/insurance/upstream-health-check.js';
import type { HealthCheck } from '../../core/ports/health-check.js';
import { unconfiguredUpstream } from '../../adapters/insurance/unconfigured-upstream.js';
import type { CatalogService } from '../../core/catalog/catalog-service.js';
import { buildRequest } from '../../core/insurance/envelope.js';
import type { Institution, Operator } from '../../core/insurance/envelope.js';
import { MsgIdSource } from '../../core/insurance/msgid-source.js';
import { OutboxSender, type OutboxObserver } from '../../core/insurance/outbox-sender.js';
import { ProxyService } from '../../core/insurance/proxy-service.js';
import { UploadsService } from '../../core/insurance/uploads-service.js';
import { StockChangeService } from '../../core/insurance/stock-change-service.js';
import { InventoryCountService } from '../../core/insurance/inventory-count-service.js';
import type { IdSource } from '../../core/ports/id-source.js';
import type { Clock } from '../../core/ports/clock.js';
import type { InsuranceUpstream } from '../../core/ports/insurance-upstream.js';
import type { Store } from '../../core/ports/store.js';
import type { WindowService } from '../../core/window/window-service.js';
import type { LedgerService } from '../../core/ledger/ledger-service.js';
import type { InsuranceConfig, TracegateConfig } from '../config-schema.js';
import { InsuranceRunner } from '../insurance-runner.js';
import type { Logger } from '../logger.js';
import { TOKENS } from '../tokens.js';
import type { TracegateModule } from '../tracegate-module.js';

export function institutionOf(cfg: InsuranceConfig): Institution {
  const i = cfg.institution;
  return { ...i, insuplcAdmdvs: i.insuplcAdmdvs ?? i.mdtrtareaAdmvs };
}

export function operatorOf(cfg: InsuranceConfig): Operator {
  return cfg.operator;
}

function upstreamOf(cfg: InsuranceConfig, msgids: MsgIdSource, clock: Clock): InsuranceUpstream {
  const u = cfg.upstream;
  if (!u.baseUrl) {
    return unconfiguredUpstream;
  }
  return createHttpUpstream({
    baseUrl: u.baseUrl,
    servicePath: u.servicePath,
    timeoutMs: u.timeoutMs,
    connectTimeoutMs: u.connectTimeoutMs,
    connections: u.connections,
    signing: u.signing,
    signIn: u.signIn,
    clock,
    envelopeFactory: ({ infno, input }) =>
      buildRequest({
        infno,
        msgid: msgids.next(clock.now()),
        input,
        institution: institutionOf(cfg),
        operator: operatorOf(cfg),
        at: clock.now().toISOString(),
      }),
  });
}

/** Dead letters and failed rounds are what hospital IT must see in the log; deliveries are debug noise. */
function outboxLog(log: Logger): OutboxObserver {
  return {
    onOutcome(upload, state, detail) {
      const fields = { id: upload.id, infno: upload.infno, businessKey: upload.businessKey, state, detail };
      if (state === 'dead') {
        log.warn('upload dead letter', fields);
      } else {
        log.debug('upload outcome', fields);
      }
    },
    onError(upload, error) {
      log.error('upload round failed', {
        id: upload.id,
        businessKey: upload.businessKey,
        error: error instanceof Error ? error.stack : String(error),
      });
    },
  };
}

export const insuranceModule: TracegateModule = {
  name: 'insurance',
  register(c, config) {
    const cfg = config.insurance;
    // Bound late by the runner; the proxy and the uploads service only need to wake it.
    let wake = (): void => {};
    c.bind(TOKENS.MsgIdSource)
      .toResolvedValue(
        (clock: Clock) =>
          new MsgIdSource(cfg.institution.fixmedinsCode, cfg.outbox.msgidInstanceDigit ?? null, clock.now()),
        [TOKENS.Clock]
      )
      .inSingletonScope();
    if (!c.isBound(TOKENS.InsuranceUpstream)) {
      c.bind(TOKENS.InsuranceUpstream)
        .toResolvedValue(
          (ids: MsgIdSource, clock: Clock) => upstreamOf(cfg, ids, clock),
          [TOKENS.MsgIdSource, TOKENS.Clock]
        )
        .inSingletonScope();
    }
    if (cfg.upstream.baseUrl) {
      c.bind<HealthCheck>(TOKENS.HealthCheck).toConstantValue(upstreamHealthCheck(cfg.upstream.baseUrl));
    }
    c.bind(TOKENS.OutboxSender)
      .toResolvedValue(
        (
          store: Store,
          upstream: InsuranceUpstream,
          ids: MsgIdSource,
          clock: Clock,
          all: TracegateConfig,
          log: Logger
        ) =>
          new OutboxSender(
            store,
            upstream,
            ids,
            clock,
            {
              owner: cfg.outbox.instanceId ?? `${hostname()}:${all.server.port}`,
              institution: institutionOf(cfg),
              operator: operatorOf(cfg),
              completion: { defaults: cfg.rowDefaults, staff: cfg.staff },
              retry: cfg.outbox.backoff,
              leaseMs: cfg.outbox.leaseSeconds * 1000,
              batchSize: cfg.outbox.batchSize,
              concurrency: cfg.outbox.concurrency,
              settleDelayMs: cfg.outbox.settleDelayMs,
            },
            Math.random,
            outboxLog(log)
          ),
        [TOKENS.Store, TOKENS.InsuranceUpstream, TOKENS.MsgIdSource, TOKENS.Clock, TOKENS.Config, TOKENS.Logger]
      )
      .inSingletonScope();
    c.bind(TOKENS.ProxyService)
      .toResolvedValue(
        (
          store: Store,
          window: WindowService,
          ledger: LedgerService,
          catalog: CatalogService,
          upstream: InsuranceUpstream,
          msgids: MsgIdSource,
          clock: Clock
        ) =>
          new ProxyService(
            {
              window,
              ledger,
              ledgerStore: store,
              sessions: store,
              uploads: store,
              proxy: store,
              catalog,
              upstream,
              msgids,
              clock,
            },
            {
              mode: cfg.proxy.mode,
              holdMs: cfg.proxy.holdSeconds * 1000,
              settleAfterMs: cfg.proxy.settleAfterSeconds * 1000,
              completion: { defaults: cfg.rowDefaults, staff: cfg.staff },
              institution: institutionOf(cfg),
              operator: operatorOf(cfg),
            },
            () => wake()
          ),
        [
          TOKENS.Store,
          TOKENS.WindowService,
          TOKENS.LedgerService,
          TOKENS.CatalogService,
          TOKENS.InsuranceUpstream,
          TOKENS.MsgIdSource,
          TOKENS.Clock,
        ]
      )
      .inSingletonScope();
    c.bind(TOKENS.UploadsService)
      .toResolvedValue(
        (store: Store, clock: Clock) => new UploadsService(store, clock, () => wake()),
        [TOKENS.Store, TOKENS.Clock]
      )
      .inSingletonScope();
    c.bind(TOKENS.StockChangeService)
      .toResolvedValue(
        (ledger: LedgerService, store: Store, catalog: CatalogService, ids: IdSource, clock: Clock) =>
          new StockChangeService(ledger, store, catalog, ids, clock, () => wake()),
        [TOKENS.LedgerService, TOKENS.Store, TOKENS.CatalogService, TOKENS.IdSource, TOKENS.Clock]
      )
      .inSingletonScope();
    c.bind(TOKENS.InventoryCountService)
      .toResolvedValue(
        (ledger: LedgerService, store: Store, catalog: CatalogService, ids: IdSource, clock: Clock) =>
          new InventoryCountService(ledger, store, catalog, ids, clock, () => wake()),
        [TOKENS.LedgerService, TOKENS.Store, TOKENS.CatalogService, TOKENS.IdSource, TOKENS.Clock]
      )
      .inSingletonScope();
    c.bind(TOKENS.InsuranceRunner)
      .toResolvedValue(
        (sender: OutboxSender, proxy: ProxyService, store: Store, clock: Clock, log: Logger) => {
          const runner = new InsuranceRunner(sender, proxy, store, clock, cfg, log);
          wake = () => runner.wakeOutbox();
          return runner;
        },
        [TOKENS.OutboxSender, TOKENS.ProxyService, TOKENS.Store, TOKENS.Clock, TOKENS.Logger]
      )
      .inSingletonScope();
  },
};
