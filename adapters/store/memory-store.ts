/**
 * MemoryStore: the Store port in process memory, for fast unit tests and the demo. Same semantics as
 * KnexStore: all-or-nothing commits (everything is checked before anything is written), StoreConflict on a
 * second receipt or a stale seq, the same TracegateErrors from the shared rule modules, and copies in and
 * out so a caller mutating a returned object cannot change what is stored. Session documents and
 * business-row payloads are copied through JSON, as the SQL stores keep them. The upload outbox and the
 * proxy's records live in memory-uploads.ts and memory-proxy.ts.
 */
import type { Drug, DrugDraft, DrugVersion, PackLevel } from '../../core/catalog/drug.js';
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';
import type { LedgerChange, LedgerEvent, Pack } from '../../core/ledger/pack.js';
import type { CodeOwner } from '../../core/ports/catalog-store.js';
import { StoreConflict } from '../../core/ports/ledger-store.js';
import type { SessionQuery } from '../../core/ports/session-store.js';
import type { Store } from '../../core/ports/store.js';
import type { AuditEntry, BusinessRow } from '../../core/window/business-row.js';
import type { Session } from '../../core/window/session.js';
import type { Upload } from '../../core/insurance/upload.js';
import {
  checkDraftBatch,
  checkExpectedVersions,
  findTakenCode,
  normalizeDraft,
  savedDrug,
  type StoredCodeOwner,
} from './catalog-rules.js';
import { assertChangeShape, duplicatesIn } from './ledger-rules.js';
import { MemoryInbound } from './memory-inbound.js';
import { MemoryProxy } from './memory-proxy.js';
import { OutboxDelegation } from './outbox-delegation.js';
import { MemoryUploads } from './memory-uploads.js';
import { compareCodes, sortRelations } from './ordering.js';
import { planRelations } from './relation-rules.js';
import { matchesQuery, nextVersion, sessionExists, sortSessions, staleSession } from './session-rules.js';
import { checkNewUploads, uploadToBusinessRow } from './upload-rules.js';

interface CodeEntry {
  hisDrugCode: string;
  packLevel: PackLevel;
  unitCount: number;
}

const copy = <T>(value: T): T => structuredClone(value);

export interface MemorySnapshot {
  drugs: Drug[];
  packs: Pack[];
  events: LedgerEvent[];
  sessions: Session[];
  audit: AuditEntry[];
  uploads: Upload[];
}
/** What a JSON text column gives back: undefined properties dropped, nothing but plain data. */
const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryStore extends OutboxDelegation<MemoryUploads, MemoryProxy, MemoryInbound> implements Store {
  private drugs = new Map<string, Drug>();
  private prefixes = new Map<string, CodeEntry>();
  private gtins = new Map<string, CodeEntry>();
  private versions = new Map<string, DrugVersion[]>();
  private relations = new Map<string, PackageRelation>();
  private children = new Map<string, Set<string>>();
  private packs = new Map<string, Pack>();
  private events = new Map<string, LedgerEvent[]>();
  private sessions = new Map<string, Session>();

  constructor() {
    super(new MemoryUploads(), new MemoryProxy(), new MemoryInbound());
  }
  private audit: AuditEntry[] = [];

  // ---- CatalogStore ----

  async getDrug(hisDrugCode: string): Promise<Drug | undefined> {
    const drug = this.drugs.get(hisDrugCode);
    return drug && copy(drug);
  }

  async listDrugs(): Promise<Drug[]> {
    return [...this.drugs.values()].map(copy).sort((a, b) => compareCodes(a.hisDrugCode, b.hisDrugCode));
  }

  async findByPrefix(prefix: string): Promise<CodeOwner | undefined> {
    return this.owner(this.prefixes.get(prefix));
  }

  async findByGtin(gtin: string): Promise<CodeOwner | undefined> {
    return this.owner(this.gtins.get(gtin));
  }

  async saveDrugs(
    drafts: DrugDraft[],
    change: { actor: string; source: string; at: string; expectedVersions?: Record<string, number> }
  ): Promise<Drug[]> {
    if (drafts.length === 0) {
      return [];
    }
    checkDraftBatch(drafts);
    const current = new Map<string, number>();
    for (const d of drafts) {
      const stored = this.drugs.get(d.hisDrugCode);
      if (stored) {
        current.set(d.hisDrugCode, stored.version);
      }
    }
    checkExpectedVersions(change.expectedVersions, drafts, current);
    const taken = findTakenCode(drafts, this.storedOwners(drafts));
    if (taken) {
      throw taken;
    }

    // Checked; now write. Nothing below can fail.
    const saved = drafts.map((d) => savedDrug(d, (current.get(d.hisDrugCode) ?? 0) + 1, change.at, change.actor));
    for (const d of saved) {
      this.removeCodes(d.hisDrugCode);
    }
    for (const d of saved) {
      this.drugs.set(d.hisDrugCode, d);
      for (const p of d.prefixes) {
        this.prefixes.set(p.prefix, { hisDrugCode: d.hisDrugCode, packLevel: p.packLevel, unitCount: p.unitCount });
      }
      for (const g of d.gtins) {
        this.gtins.set(g.gtin, { hisDrugCode: d.hisDrugCode, packLevel: g.packLevel, unitCount: g.unitCount });
      }
      const history = this.versions.get(d.hisDrugCode) ?? [];
      history.push({
        hisDrugCode: d.hisDrugCode,
        version: d.version,
        changedAt: d.updatedAt,
        changedBy: d.updatedBy,
        source: change.source,
        snapshot: normalizeDraft(d),
      });
      this.versions.set(d.hisDrugCode, history);
    }
    return saved.map(copy);
  }

  async drugHistory(hisDrugCode: string): Promise<DrugVersion[]> {
    return copy(this.versions.get(hisDrugCode) ?? []);
  }

  // ---- RelationStore ----

  async saveRelations(relations: PackageRelation[]): Promise<{ inserted: number; unchanged: number }> {
    const { toInsert, unchanged } = planRelations(relations, this.relations);
    for (const r of toInsert) {
      this.relations.set(r.childCode, r);
      const kids = this.children.get(r.parentCode) ?? new Set<string>();
      kids.add(r.childCode);
      this.children.set(r.parentCode, kids);
    }
    return { inserted: toInsert.length, unchanged };
  }

  async childrenOf(parentCodes: string[]): Promise<PackageRelation[]> {
    const out: PackageRelation[] = [];
    for (const parent of new Set(parentCodes)) {
      for (const child of this.children.get(parent) ?? []) {
        out.push(copy(this.relations.get(child)!));
      }
    }
    return sortRelations(out);
  }

  async parentOf(childCode: string): Promise<PackageRelation | undefined> {
    const edge = this.relations.get(childCode);
    return edge && copy(edge);
  }

  async relationsOfChildren(childCodes: string[]): Promise<PackageRelation[]> {
    const out: PackageRelation[] = [];
    for (const child of new Set(childCodes)) {
      const edge = this.relations.get(child);
      if (edge) {
        out.push(copy(edge));
      }
    }
    return sortRelations(out);
  }

  // ---- LedgerStore ----

  async getPacks(traceCodes: string[]): Promise<Map<string, Pack>> {
    const out = new Map<string, Pack>();
    for (const code of traceCodes) {
      const pack = this.packs.get(code);
      if (pack) {
        out.set(code, copy(pack));
      }
    }
    return out;
  }

  async history(traceCode: string): Promise<LedgerEvent[]> {
    return copy(this.events.get(traceCode) ?? []);
  }

  /**
   * Checked in the order KnexStore applies: every new pack first (all existing ones are named together),
   * then each update against the pack as the earlier changes of this commit left it, then each event's
   * (traceCode, seq) key. Only when all pass is anything written.
   */
  async commit(changes: LedgerChange[], rows: BusinessRow[] = []): Promise<void> {
    checkNewUploads(rows);
    const next = this.checkLedger(changes);
    this.uploads.checkNew(rows);
    this.writeLedger(changes, next);
    this.uploads.write(rows);
  }

  async countByState(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const p of this.packs.values()) {
      out[p.state] = (out[p.state] ?? 0) + 1;
    }
    return out;
  }

  // ---- SessionStore ----

  async createSession(session: Session): Promise<void> {
    if (this.sessions.has(session.id)) {
      throw sessionExists(session.id);
    }
    this.sessions.set(session.id, jsonCopy(session));
  }

  async getSession(id: string): Promise<Session | undefined> {
    const session = this.sessions.get(id);
    return session && jsonCopy(session);
  }

  /** A stale `expectedVersion` (or an unknown id) throws StoreConflict([], 'stale'). */
  async saveSession(session: Session, expectedVersion: number): Promise<Session> {
    this.checkVersion(session.id, expectedVersion);
    const saved = nextVersion(session, expectedVersion);
    this.sessions.set(saved.id, jsonCopy(saved));
    return jsonCopy(saved);
  }

  /**
   * Checked in the order KnexStore writes: the rows' shape (before its transaction), the session's version,
   * the ledger, the business keys; then written.
   */
  async completeSession(
    session: Session,
    expectedVersion: number,
    changes: LedgerChange[],
    rows: BusinessRow[],
    audit: AuditEntry[]
  ): Promise<Session> {
    changes.forEach(assertChangeShape);
    checkNewUploads(rows);
    this.checkVersion(session.id, expectedVersion);
    const next = this.checkLedger(changes);
    this.uploads.checkNew(rows);

    const saved = nextVersion(session, expectedVersion);
    this.writeLedger(changes, next);
    this.sessions.set(saved.id, jsonCopy(saved));
    this.uploads.write(rows);
    this.audit.push(...audit.map(jsonCopy));
    return jsonCopy(saved);
  }

  async findSessions(query: SessionQuery): Promise<Session[]> {
    return sortSessions([...this.sessions.values()].filter((s) => matchesQuery(s, query)).map(jsonCopy));
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    this.audit.push(...entries.map(jsonCopy));
  }

  async listAudit(sessionId: string): Promise<AuditEntry[]> {
    return this.audit.filter((a) => a.sessionId === sessionId).map(jsonCopy);
  }

  async listBusinessRows(sessionId: string): Promise<BusinessRow[]> {
    return this.uploads.listBySession(sessionId).map(uploadToBusinessRow);
  }

  // ---- Store ----

  async truncateAll(): Promise<void> {
    for (const map of [
      this.drugs,
      this.prefixes,
      this.gtins,
      this.versions,
      this.relations,
      this.children,
      this.packs,
      this.events,
      this.sessions,
    ]) {
      map.clear();
    }
    this.audit = [];
    this.uploads.clear();
    this.proxy.clear();
    this.inbound.clear();
  }

  async close(): Promise<void> {}

  /**
   * Everything held (copies), for the in-memory twins of read models (reconciliation, anomalies): the knex
   * adapters answer those with SQL, the twins with plain loops over this.
   */
  snapshot(): MemorySnapshot {
    return {
      drugs: [...this.drugs.values()].map(copy),
      packs: [...this.packs.values()].map(copy),
      events: [...this.events.values()].flat().map(copy),
      sessions: [...this.sessions.values()].map(copy),
      audit: this.audit.map(copy),
      uploads: this.uploads.all(),
    };
  }

  /** Same order of checks as KnexLedger.applyIn; returns the packs as the commit leaves them. Writes nothing. */
  private checkLedger(changes: LedgerChange[]): Map<string, Pack> {
    changes.forEach(assertChangeShape);
    const newCodes = changes.filter((c) => c.before === null).map((c) => c.after.traceCode);
    const exists = new Set([...duplicatesIn(newCodes), ...newCodes.filter((c) => this.packs.has(c))]);
    if (exists.size > 0) {
      throw new StoreConflict([...new Set(newCodes.filter((c) => exists.has(c)))], 'exists');
    }

    const next = new Map<string, Pack>();
    for (const c of changes) {
      if (c.before === null) {
        next.set(c.after.traceCode, c.after);
      }
    }
    for (const c of changes) {
      if (c.before === null) {
        continue;
      }
      const code = c.after.traceCode;
      const current = next.get(code) ?? this.packs.get(code);
      if (!current || current.seq !== c.before.seq) {
        throw new StoreConflict([code], 'stale');
      }
      next.set(code, c.after);
    }
    const keys = new Set<string>();
    for (const { event } of changes) {
      const key = `${event.seq}\u0000${event.traceCode}`;
      const taken = keys.has(key) || (this.events.get(event.traceCode) ?? []).some((e) => e.seq === event.seq);
      if (taken) {
        throw new StoreConflict([...new Set(changes.map((c) => c.after.traceCode))], 'stale');
      }
      keys.add(key);
    }
    return next;
  }

  private writeLedger(changes: LedgerChange[], next: Map<string, Pack>): void {
    for (const [code, pack] of next) {
      this.packs.set(code, copy(pack));
    }
    for (const { event } of changes) {
      const list = this.events.get(event.traceCode) ?? [];
      list.push(copy(event));
      list.sort((a, b) => a.seq - b.seq);
      this.events.set(event.traceCode, list);
    }
  }

  private checkVersion(id: string, expectedVersion: number): void {
    if (this.sessions.get(id)?.version !== expectedVersion) {
      throw staleSession();
    }
  }

  private owner(entry: CodeEntry | undefined): CodeOwner | undefined {
    const drug = entry && this.drugs.get(entry.hisDrugCode);
    return drug && { drug: copy(drug), packLevel: entry.packLevel, unitCount: entry.unitCount };
  }

  private storedOwners(drafts: DrugDraft[]): StoredCodeOwner[] {
    const owners: StoredCodeOwner[] = [];
    const add = (kind: 'prefix' | 'gtin', code: string, entry: CodeEntry | undefined) => {
      if (entry) {
        owners.push({
          kind,
          code,
          hisDrugCode: entry.hisDrugCode,
          name: this.drugs.get(entry.hisDrugCode)?.name ?? '',
        });
      }
    };
    for (const d of drafts) {
      for (const p of d.prefixes) {
        add('prefix', p.prefix, this.prefixes.get(p.prefix));
      }
      for (const g of d.gtins) {
        add('gtin', g.gtin, this.gtins.get(g.gtin));
      }
    }
    return owners;
  }

  private removeCodes(hisDrugCode: string): void {
    const stored = this.drugs.get(hisDrugCode);
    if (!stored) {
      return;
    }
    for (const p of stored.prefixes) {
      if (this.prefixes.get(p.prefix)?.hisDrugCode === hisDrugCode) {
        this.prefixes.delete(p.prefix);
      }
    }
    for (const g of stored.gtins) {
      if (this.gtins.get(g.gtin)?.hisDrugCode === hisDrugCode) {
        this.gtins.delete(g.gtin);
      }
    }
  }
}
