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
} as const;
