import type { CatalogStore } from './catalog-store.js';
import type { InboundStore } from './inbound-store.js';
import type { LedgerStore } from './ledger-store.js';
import type { ProxyStore } from './proxy-store.js';
import type { RelationStore } from './relation-store.js';
import type { SessionStore } from './session-store.js';
import type { UploadStore } from './upload-store.js';

/** Everything the core persists. One adapter (knex) implements it for five SQL dialects; memory-store is its twin. */
export interface Store
  extends CatalogStore, RelationStore, LedgerStore, SessionStore, UploadStore, ProxyStore, InboundStore {
  /** Remove everything (tests and benchmarks only). */
  truncateAll(): Promise<void>;
  close(): Promise<void>;
}
