/**
 * KnexStore: the Store port on SQLite, PostgreSQL, MySQL-family, SQL Server and Oracle through knex.
 * The work is split by concern (knex-ledger, knex-catalog, knex-relations, knex-sessions, knex-uploads,
 * knex-proxy, knex-inbound); this class wires them to one connection pool and adds lifecycle (open, migrate, ping, close).
 */
import knexFactory, { type Knex } from 'knex';
import type { Drug, DrugDraft, DrugVersion } from '../../core/catalog/drug.js';
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';
import type { LedgerChange, LedgerEvent, Pack } from '../../core/ledger/pack.js';
import type { CodeOwner } from '../../core/ports/catalog-store.js';
import type { SessionQuery } from '../../core/ports/session-store.js';
import type { Store } from '../../core/ports/store.js';
import type { AuditEntry, BusinessRow } from '../../core/window/business-row.js';
import type { Session } from '../../core/window/session.js';
import { KnexCatalog, type SaveDrugsChange } from './knex-catalog.js';
import { KnexInbound } from './knex-inbound.js';
import { storeDialectOf, toKnexConfig, type StoreConfig, type StoreDialect } from './knex-config.js';
import { KnexLedger } from './knex-ledger.js';
import { migrateLatest, migrationStatus } from './knex-migrations.js';
import { KnexRelations } from './knex-relations.js';
import { KnexProxy } from './knex-proxy.js';
import { KnexSessions } from './knex-sessions.js';
import { OutboxDelegation } from './outbox-delegation.js';
import { KnexUploads } from './knex-uploads.js';
import { TABLES } from './tables.js';
import { ANOMALY_TABLES } from './anomaly-tables.js';

/** Children before parents, so foreign keys never block the delete. */
const DELETE_ORDER = [
  ...Object.values(ANOMALY_TABLES),
  TABLES.inboundMessages,
  TABLES.channelMarks,
  TABLES.bookStock,
  TABLES.uploadAttempts,
  TABLES.uploadKeys,
  TABLES.proxyRequests,
  TABLES.packHolds,
  TABLES.audit,
  TABLES.businessRows,
  TABLES.sessions,
  TABLES.drugVersions,
  TABLES.prefixes,
  TABLES.gtins,
  TABLES.drugs,
  TABLES.relations,
  TABLES.events,
  TABLES.packs,
] as const;

export class KnexStore extends OutboxDelegation<KnexUploads, KnexProxy, KnexInbound> implements Store {
  readonly dialect: StoreDialect;
  private readonly ledger: KnexLedger;
  private readonly catalog: KnexCatalog;
  private readonly relations: KnexRelations;
  private readonly sessions: KnexSessions;

  private constructor(readonly knex: Knex) {
    super(
      new KnexUploads(knex, storeDialectOf(knex)),
      new KnexProxy(knex, storeDialectOf(knex)),
      new KnexInbound(knex, storeDialectOf(knex))
    );
    this.dialect = storeDialectOf(knex);
    this.ledger = new KnexLedger(knex, this.dialect);
    this.catalog = new KnexCatalog(knex, this.dialect);
    this.relations = new KnexRelations(knex, this.dialect);
    this.sessions = new KnexSessions(knex, this.dialect, this.ledger, this.uploads);
  }

  /** Connects and checks the connection (a wrong host or password fails here, not on the first scan). */
  static async open(config: StoreConfig): Promise<KnexStore> {
    const store = new KnexStore(knexFactory(toKnexConfig(config)));
    try {
      await store.ping();
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  /** Wraps a knex instance the caller owns (close() will still destroy it). */
  static fromKnex(db: Knex): KnexStore {
    return new KnexStore(db);
  }

  /** Applies pending migrations; returns the names this call applied. */
  migrateLatest(): Promise<string[]> {
    return migrateLatest(this.knex);
  }

  migrationStatus(): Promise<{ applied: string[]; pending: string[] }> {
    return migrationStatus(this.knex);
  }

  async ping(): Promise<void> {
    await this.knex.raw(this.dialect === 'oracle' ? 'select 1 from dual' : 'select 1');
  }

  // ---- CatalogStore ----
  getDrug(hisDrugCode: string): Promise<Drug | undefined> {
    return this.catalog.getDrug(hisDrugCode);
  }
  listDrugs(): Promise<Drug[]> {
    return this.catalog.listDrugs();
  }
  findByPrefix(prefix: string): Promise<CodeOwner | undefined> {
    return this.catalog.findByPrefix(prefix);
  }
  findByGtin(gtin: string): Promise<CodeOwner | undefined> {
    return this.catalog.findByGtin(gtin);
  }
  saveDrugs(drafts: DrugDraft[], change: SaveDrugsChange): Promise<Drug[]> {
    return this.catalog.saveDrugs(drafts, change);
  }
  drugHistory(hisDrugCode: string): Promise<DrugVersion[]> {
    return this.catalog.drugHistory(hisDrugCode);
  }

  // ---- RelationStore ----
  saveRelations(relations: PackageRelation[]): Promise<{ inserted: number; unchanged: number }> {
    return this.relations.saveRelations(relations);
  }
  childrenOf(parentCodes: string[]): Promise<PackageRelation[]> {
    return this.relations.childrenOf(parentCodes);
  }
  parentOf(childCode: string): Promise<PackageRelation | undefined> {
    return this.relations.parentOf(childCode);
  }
  relationsOfChildren(childCodes: string[]): Promise<PackageRelation[]> {
    return this.relations.relationsOfChildren(childCodes);
  }

  // ---- LedgerStore ----
  getPacks(traceCodes: string[]): Promise<Map<string, Pack>> {
    return this.ledger.getPacks(traceCodes);
  }
  history(traceCode: string): Promise<LedgerEvent[]> {
    return this.ledger.history(traceCode);
  }
  commit(changes: LedgerChange[], rows: BusinessRow[] = []): Promise<void> {
    return rows.length > 0 ? this.sessions.commitWithRows(changes, rows) : this.ledger.commit(changes);
  }
  countByState(): Promise<Record<string, number>> {
    return this.ledger.countByState();
  }

  // ---- SessionStore ----
  createSession(session: Session): Promise<void> {
    return this.sessions.createSession(session);
  }
  getSession(id: string): Promise<Session | undefined> {
    return this.sessions.getSession(id);
  }
  /** A stale `expectedVersion` (or an unknown id) throws StoreConflict([], 'stale'). */
  saveSession(session: Session, expectedVersion: number): Promise<Session> {
    return this.sessions.saveSession(session, expectedVersion);
  }
  completeSession(
    session: Session,
    expectedVersion: number,
    changes: LedgerChange[],
    rows: BusinessRow[],
    audit: AuditEntry[]
  ): Promise<Session> {
    return this.sessions.completeSession(session, expectedVersion, changes, rows, audit);
  }
  findSessions(query: SessionQuery): Promise<Session[]> {
    return this.sessions.findSessions(query);
  }
  appendAudit(entries: AuditEntry[]): Promise<void> {
    return this.sessions.appendAudit(entries);
  }
  listAudit(sessionId: string): Promise<AuditEntry[]> {
    return this.sessions.listAudit(sessionId);
  }
  listBusinessRows(sessionId: string): Promise<BusinessRow[]> {
    return this.sessions.listBusinessRows(sessionId);
  }

  // ---- Store ----
  async truncateAll(): Promise<void> {
    // DELETE rather than TRUNCATE: TRUNCATE refuses tables referenced by foreign keys on SQL Server and
    // PostgreSQL, and commits implicitly on MySQL and Oracle.
    await this.knex.transaction(async (trx) => {
      for (const table of DELETE_ORDER) {
        await trx(table).delete();
      }
    });
  }

  async close(): Promise<void> {
    await this.knex.destroy();
  }
}
