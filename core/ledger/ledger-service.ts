import { TracegateError, conflict, invalid, isTracegateError, notFound, refused } from '../errors.js';
import type { CatalogService, ResolvedCode } from '../catalog/catalog-service.js';
import { describeOwner } from '../catalog/catalog-service.js';
import type { Drug } from '../catalog/drug.js';
import { expandManyToUnits } from '../hierarchy/expand-to-units.js';
import type { Expansion } from '../hierarchy/expand-to-units.js';
import type { PackageRelation } from '../hierarchy/package-relation.js';
import type { Clock } from '../ports/clock.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { StoreConflict } from '../ports/ledger-store.js';
import type { RelationStore } from '../ports/relation-store.js';
import type { RecognizeOptions, RecognizedScan } from '../recognition/recognize-scan.js';
import { recognizeScan } from '../recognition/recognize-scan.js';
import type { EventContext, TransitionInput } from './ledger-rules.js';
import { buildChange, illegalTransition, nextState } from './ledger-rules.js';
import type { LedgerAction, LedgerChange, LedgerEvent, Pack, PackState } from './pack.js';

export interface Actor {
  actor: string;
  location?: string | null;
  ref?: string | null;
}

export interface ReceiveInput extends Actor {
  /** Raw scans or trace codes: unit codes, or case/middle codes whose relations are known. */
  scans: string[];
  /** From the delivery note; a GS1 scan's own lot/expiry/production date wins. */
  lot?: string | null;
  expiry?: string | null;
  manufactureDate?: string | null;
}

export interface ReceiveResult {
  received: number;
  byDrug: Record<string, number>;
  /** Case/middle codes and how many unit codes each registered (大码入库无需开箱). */
  expanded: { code: string; units: number }[];
}

/** A unit code about to be received, and how it arrived (scanned itself, or inside case `via`). */
interface UnitToReceive {
  hisDrugCode: string;
  lot: string | null;
  expiry: string | null;
  manufactureDate: string | null;
  via: string | null;
  parent: string | null;
}

/** One step for one code, as `prepare` turns it into a change. */
export interface LedgerStep extends TransitionInput {
  traceCode: string;
  /** For a receive: the drug, lot and expiry of the new pack. */
  hisDrugCode?: string;
  lot?: string | null;
  expiry?: string | null;
  manufactureDate?: string | null;
  details?: Record<string, unknown> | null;
}

export interface ApplyInput extends Actor {
  traceCodes: string[];
  action: Exclude<LedgerAction, 'receive'>;
  reason?: string | null;
  units?: number;
  correctTo?: PackState;
  details?: Record<string, unknown> | null;
}

export interface CodeLookup {
  scan: RecognizedScan;
  pack: Pack;
  drug: Drug | undefined;
  parent: PackageRelation | undefined;
  history: LedgerEvent[];
}

/** The ledger's use cases: every state change goes through the pure rules and one atomic store commit. */
export class LedgerService {
  constructor(
    private readonly ledger: LedgerStore,
    private readonly relations: RelationStore,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
    private readonly recognizeOptions: RecognizeOptions = {}
  ) {}

  recognize(raw: string): RecognizedScan {
    return recognizeScan(raw, this.recognizeOptions);
  }

  /** Register packs into stock; all or nothing. Case and middle codes expand to their unit codes. */
  async receive(input: ReceiveInput): Promise<ReceiveResult> {
    const resolved = await this.resolveAll(input.scans);
    const units = new Map<string, UnitToReceive>();
    const expanded: ReceiveResult['expanded'] = [];
    const add = (
      code: string,
      hisDrugCode: string,
      r: ResolvedCode,
      via: string | null,
      parent: string | null
    ): void => {
      const seen = units.get(code);
      if (seen) {
        throw refused('RECEIPT_DUPLICATE_CODE', duplicateMessage(code, seen.via, via), {
          traceCode: code,
          via: seen.via ?? via,
        });
      }
      const gs1 = r.scan.kind === 'gs1' ? r.scan : undefined;
      units.set(code, {
        hisDrugCode,
        lot: gs1?.lot ?? input.lot ?? null,
        expiry: gs1?.expiry ?? input.expiry ?? null,
        manufactureDate: gs1?.productionDate ?? input.manufactureDate ?? null,
        via,
        parent,
      });
    };
    const trees = await expandManyToUnits(
      resolved.filter((r) => r.owner.packLevel > 1).map((r) => r.traceCode),
      (codes) => this.relations.childrenOf(codes)
    );
    for (const r of resolved) {
      if (r.owner.drug.exempt) {
        throw refused(
          'DRUG_EXEMPT',
          `${describeOwner(r.owner)} 为无码药品（${r.owner.drug.exemptReason ?? '免扫'}），无需登记追溯码`,
          {
            traceCode: r.traceCode,
          }
        );
      }
      if (r.owner.packLevel === 1) {
        add(r.traceCode, r.owner.drug.hisDrugCode, r, null, null);
        continue;
      }
      const tree = checkExpansion(r, trees.get(r.traceCode) as Expansion);
      for (const unit of tree.units) {
        add(unit, r.owner.drug.hisDrugCode, r, r.traceCode, tree.parents.get(unit) ?? null);
      }
      expanded.push({ code: r.traceCode, units: tree.units.length });
    }
    const ctx = this.context(input, null, null);
    const changes: LedgerChange[] = [];
    const byDrug: Record<string, number> = {};
    for (const [code, u] of units) {
      // Evidence of how the code arrived: the scanned case and, when different, the middle pack holding it.
      const details = u.via
        ? u.parent && u.parent !== u.via
          ? { via: u.via, parent: u.parent }
          : { via: u.via }
        : null;
      changes.push({
        before: null,
        ...buildChange(code, u.hisDrugCode, null, { action: 'receive' }, { ...ctx, details }, u),
      });
      byDrug[u.hisDrugCode] = (byDrug[u.hisDrugCode] ?? 0) + 1;
    }
    await this.commitOrExplain(
      changes,
      changes.map((c) => ({ traceCode: c.after.traceCode, action: 'receive' }))
    );
    return { received: changes.length, byDrug, expanded };
  }

  /** Any other step (dispense, return, open, scrap…) on codes already in the ledger; all or nothing. */
  async apply(input: ApplyInput): Promise<LedgerEvent[]> {
    const steps: LedgerStep[] = input.traceCodes.map((raw) => ({
      traceCode: this.traceCodeOf(raw),
      action: input.action,
      units: input.units,
      correctTo: input.correctTo,
      reason: input.reason ?? null,
      details: input.details ?? null,
    }));
    const changes = await this.prepare(steps, input);
    await this.commitOrExplain(changes, steps);
    return changes.map((c) => c.event);
  }

  /**
   * The changes for a list of steps against the packs as they are now. Several steps may name one code
   * (an implicit receipt, then a dispense); each builds on the one before. Nothing is written.
   */
  async prepare(steps: LedgerStep[], actor: Actor): Promise<LedgerChange[]> {
    const packs = await this.ledger.getPacks([...new Set(steps.map((s) => s.traceCode))]);
    const index = await this.catalog.index();
    const at = this.clock.now().toISOString();
    return steps.map((step) => {
      const before = packs.get(step.traceCode) ?? null;
      if (!before && step.action !== 'correct' && step.action !== 'receive') {
        throw illegalTransition(step.traceCode, null, step.action);
      }
      const hisDrugCode = before?.hisDrugCode ?? step.hisDrugCode ?? '';
      const t: TransitionInput = { ...step, unitsPerPack: index.drug(hisDrugCode)?.unitsPerPack };
      const ctx: EventContext = {
        actor: actor.actor,
        at,
        location: actor.location ?? null,
        ref: actor.ref ?? null,
        reason: step.reason ?? null,
        details: step.details ?? null,
      };
      const lotExpiry = before
        ? undefined
        : { lot: step.lot ?? null, expiry: step.expiry ?? null, manufactureDate: step.manufactureDate ?? null };
      const change = { before, ...buildChange(step.traceCode, hisDrugCode, before, t, ctx, lotExpiry) };
      packs.set(step.traceCode, change.after);
      return change;
    });
  }

  /**
   * After a store refused a commit because another writer got there first: throw the rule's own refusal
   * when that writer made a step illegal (marked concurrent), else CONCURRENT_CHANGE. Always throws.
   */
  async explainConflict(e: StoreConflict, steps: LedgerStep[]): Promise<never> {
    const now = await this.ledger.getPacks(e.traceCodes);
    for (const step of steps) {
      if (!e.traceCodes.includes(step.traceCode)) {
        continue;
      }
      try {
        nextState(step.traceCode, now.get(step.traceCode) ?? null, step);
      } catch (refusal) {
        if (!isTracegateError(refusal)) {
          throw refusal;
        }
        throw new TracegateError(refusal.code, refusal.message, refusal.kind, { ...refusal.details, concurrent: true });
      }
    }
    throw conflict('CONCURRENT_CHANGE', `追溯码 ${e.traceCodes[0] ?? ''} 刚被其他窗口处理，请重新扫码`, {
      traceCodes: e.traceCodes,
    });
  }

  /** The life of one code: current state, drug, parent case, and every event. */
  async lookup(raw: string): Promise<CodeLookup> {
    const scan = this.recognize(raw);
    if (scan.kind === 'ean13' || scan.kind === 'unknown') {
      throw invalid(scan.problem.code, scan.problem.message, { raw });
    }
    const pack = (await this.ledger.getPacks([scan.traceCode])).get(scan.traceCode);
    if (!pack) {
      throw notFound('CODE_NOT_IN_LEDGER', `追溯码 ${scan.traceCode} 不在本院台账中（从未入库）`, {
        traceCode: scan.traceCode,
      });
    }
    const [drug, parent, history] = await Promise.all([
      this.catalog.index().then((i) => i.drug(pack.hisDrugCode)),
      this.relations.parentOf(pack.traceCode),
      this.ledger.history(pack.traceCode),
    ]);
    return { scan, pack, drug, parent, history };
  }

  private traceCodeOf(raw: string): string {
    const scan = this.recognize(raw);
    if (scan.kind === 'ean13' || scan.kind === 'unknown') {
      throw invalid(scan.problem.code, scan.problem.message, { raw });
    }
    return scan.traceCode;
  }

  private async resolveAll(scans: string[]): Promise<ResolvedCode[]> {
    if (scans.length === 0) {
      throw invalid('RECEIPT_EMPTY', '入库没有任何追溯码');
    }
    const out: ResolvedCode[] = [];
    for (const raw of scans) {
      out.push(await this.catalog.resolve(this.recognize(raw)));
    }
    return out;
  }

  private context(a: Actor, reason: string | null, details: Record<string, unknown> | null): EventContext {
    return {
      actor: a.actor,
      at: this.clock.now().toISOString(),
      location: a.location ?? null,
      ref: a.ref ?? null,
      reason,
      details,
    };
  }

  /** Commit; when another writer won, say what happened to the code in the words of the rules. */
  private async commitOrExplain(changes: LedgerChange[], steps: LedgerStep[]): Promise<void> {
    try {
      await this.ledger.commit(changes);
    } catch (e) {
      if (e instanceof StoreConflict) {
        await this.explainConflict(e, steps);
      }
      throw e;
    }
  }
}

function duplicateMessage(code: string, firstVia: string | null, secondVia: string | null): string {
  const where = (via: string | null): string => (via ? `大/中码 ${via} 内` : '单独扫描');
  return `追溯码 ${code} 在本次入库中出现两次（${where(firstVia)}、${where(secondVia)}）`;
}

/** A case or middle pack may stand for its units only when its relations are known, complete and as the catalog says. */
function checkExpansion(r: ResolvedCode, tree: Expansion): Expansion {
  if (tree.units.length === 0) {
    throw refused(
      'RELATION_UNKNOWN',
      `${describeOwner(r.owner)} ${r.traceCode} 没有已导入的包装关系，请导入大小码关系或拆箱扫描小码`,
      {
        traceCode: r.traceCode,
      }
    );
  }
  if (tree.missing.length > 0) {
    throw refused(
      'RELATION_INCOMPLETE',
      `${r.traceCode} 内的中码 ${tree.missing.slice(0, 3).join('、')} 没有已导入的下级小码，请导入关系或拆箱扫描`,
      {
        traceCode: r.traceCode,
        missing: tree.missing,
      }
    );
  }
  if (tree.incomplete.length > 0) {
    throw refused(
      'RELATION_PARENT_MIXED',
      `${r.traceCode} 含拼箱/零箱（${tree.incomplete.join('、')}），请拆箱逐盒扫描小码`,
      {
        traceCode: r.traceCode,
        incomplete: tree.incomplete,
      }
    );
  }
  if (tree.units.length !== r.owner.unitCount && r.owner.unitCount > 1) {
    throw refused(
      'RELATION_COUNT_MISMATCH',
      `${r.traceCode} 按目录应含 ${r.owner.unitCount} 个小码，包装关系中有 ${tree.units.length} 个，请拆箱逐盒扫描`,
      { traceCode: r.traceCode, expected: r.owner.unitCount, found: tree.units.length }
    );
  }
  return tree;
}
