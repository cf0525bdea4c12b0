/** Container tokens: the names under which ports and services are bound (explicit, no decorator metadata). */
export const TOKENS = {
  Config: Symbol.for('tracegate.Config'),
  Logger: Symbol.for('tracegate.Logger'),
  Clock: Symbol.for('tracegate.Clock'),
  Store: Symbol.for('tracegate.Store'),
  CatalogService: Symbol.for('tracegate.CatalogService'),
  RelationService: Symbol.for('tracegate.RelationService'),
  LedgerService: Symbol.for('tracegate.LedgerService'),
  WindowService: Symbol.for('tracegate.WindowService'),
  IdSource: Symbol.for('tracegate.IdSource'),
  HttpApp: Symbol.for('tracegate.HttpApp'),
  HealthCheck: Symbol.for('tracegate.HealthCheck'),
  InsuranceUpstream: Symbol.for('tracegate.InsuranceUpstream'),
  MsgIdSource: Symbol.for('tracegate.MsgIdSource'),
  OutboxSender: Symbol.for('tracegate.OutboxSender'),
  ProxyService: Symbol.for('tracegate.ProxyService'),
  UploadsService: Symbol.for('tracegate.UploadsService'),
  StockChangeService: Symbol.for('tracegate.StockChangeService'),
  InventoryCountService: Symbol.for('tracegate.InventoryCountService'),
  InsuranceRunner: Symbol.for('tracegate.InsuranceRunner'),
  InboundService: Symbol.for('tracegate.InboundService'),
  /** Multi-bound: every HIS channel to start and stop (built-in ones and those a plugin binds). */
  ChannelRuntime: Symbol.for('tracegate.ChannelRuntime'),
  /** Multi-bound: express routers a channel serves (FHIR POST), mounted behind bearer auth. */
  ChannelRoutes: Symbol.for('tracegate.ChannelRoutes'),
  ChannelRunner: Symbol.for('tracegate.ChannelRunner'),
  /** Reports (药帐核对, book stock, the daily trend): the store's read model and the services. */
  ReconciliationStore: Symbol.for('tracegate.ReconciliationStore'),
  ReconciliationService: Symbol.for('tracegate.ReconciliationService'),
  BookStockService: Symbol.for('tracegate.BookStockService'),
  DailyReportService: Symbol.for('tracegate.DailyReportService'),
  /** Optional: anomalies found per day for the daily trend (bound by whoever keeps anomalies). */
  DailyAnomalyCounter: Symbol.for('tracegate.DailyAnomalyCounter'),
  /** Anomalies (PRODUCT.md rule 8): the store of findings and notices, the service, the daily run. */
  AnomalyStore: Symbol.for('tracegate.AnomalyStore'),
  AnomalyService: Symbol.for('tracegate.AnomalyService'),
  AnomalyRunner: Symbol.for('tracegate.AnomalyRunner'),
} as const;
