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
} as const;
