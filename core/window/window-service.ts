import type { CatalogService, ResolvedCode } from '../catalog/catalog-service.js';
import type { Drug } from '../catalog/drug.js';
import { TracegateError, conflict, isTracegateError, notFound, refused } from '../errors.js';
import { expandToUnits } from '../hierarchy/expand-to-units.js';
import type { LedgerService, LedgerStep } from '../ledger/ledger-service.js';
import type { Clock } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { StoreConflict } from '../ports/ledger-store.js';
import type { RelationStore } from '../ports/relation-store.js';
import type { SessionStore } from '../ports/session-store.js';
import type { AuditEntry, BusinessRow } from './business-row.js';
import type {
  DispenseOrder,
  ReceiptOrder,
  ReturnOrder,
  ScanProblemInfo,
  Session,
  SessionKind,
  SessionScan,
} from './session.js';
import type { ScanDecision, ScannedUnit } from './decide-scan.js';
import { decideDispenseScan, decideReceiptScan, decideReturnScan } from './decide-scan.js';
import { planDispense, planReceipt, planReturn } from './plan-lines.js';
import { buildBusinessRows } from './build-business-rows.js';
import { completionProblems, sessionSummary } from './line-progress.js';
import type { SessionSummary } from './line-progress.js';
import type { WindowPolicy } from './window-policy.js';
import { completionSteps } from './completion-steps.js';
import { dispensedCodes } from './dispensed-codes.js';
import { shanghaiDate } from '../shanghai-time.js';

export interface WindowActor {
  actor: string;
  /** The roles of the person acting; an override needs pharmacy-head. */
  roles: string[];
  location?: string | null;
}

export interface ScanOutcome {
  sessionId: string;
  result: ScanDecision['result'];
  duplicate: boolean;
  lineNo: number | null;
  traceCode: string | null;
  problem: ScanProblemInfo | null;
  summary: SessionSummary;
}

export interface CompleteOptions {
  /**
   * Replace the business rows the session would hand to the outbox: the insurance proxy keeps the HIS's own
   * rows (its fixmedins_bchno, already delivered in sync mode) instead of tracegate's.
   */
  businessRows?: (built: BusinessRow[]) => BusinessRow[];
  /** The session as the caller just read or wrote it (saves a read; a stale one fails the version guard). */
  session?: Session;
}

const idPrefix: Record<SessionKind, string> = { receipt: 'R', dispense: 'D', return: 'T' };
/** A scan that lost a race with another write to the same session is retried this often. */
const SCAN_RETRIES = 3;

/**
 * The pharmacy window: one decision path for every channel. A session is opened from the HIS order, takes
 * scans in any order (each decided at once and kept, accepted or not), and completes atomically: ledger
 * events, the session, the business rows for the insurance relay and the audit, in one transaction.
 */
export class WindowService {
  constructor(
    private readonly store: SessionStore & LedgerStore & RelationStore,
    private readonly catalog: CatalogService,
    private readonly ledger: LedgerService,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly policy: WindowPolicy
  ) {}

  async openDispense(order: DispenseOrder, who: WindowActor): Promise<Session> {
    const drugOf = await this.drugOf();
    return this.open('dispense', order, planDispense(order, drugOf), who);
  }

  async openReceipt(order: ReceiptOrder, who: WindowActor): Promise<Session> {
    const drugOf = await this.drugOf();
    return this.open('receipt', order, planReceipt(order, drugOf), who);
  }

  async openReturn(order: ReturnOrder, who: WindowActor): Promise<Session> {
    const originals = await this.originalsOf(order);
    const drugOf = await this.drugOf();
    return this.open('return', order, planReturn(order, originals, drugOf), who);
  }

  /** `kind`, when given, must match: a dispense id asked for as a return is not found. */
  async get(id: string, kind?: SessionKind): Promise<{ session: Session; summary: SessionSummary }> {
    const session = await this.load(id, kind);
    return { session, summary: sessionSummary(session, this.policy) };
  }

  /** What a session left behind: the audit trail and the business rows for the insurance relay. */
  async trail(id: string): Promise<{ audit: AuditEntry[]; businessRows: BusinessRow[] }> {
    const [audit, businessRows] = await Promise.all([this.store.listAudit(id), this.store.listBusinessRows(id)]);
    return { audit, businessRows };
  }

  /** Decide one scan and keep it. Never throws for a bad scan: the refusal is the answer. */
  async scan(id: string, raw: string, who: WindowActor, kind?: SessionKind): Promise<ScanOutcome> {
    for (let attempt = 1; ; attempt++) {
      const session = this.requireOpen(await this.load(id, kind));
      const decision = await this.decide(session, raw);
      const scan = this.scanRecord(session, raw, decision, who);
      // A harmless duplicate changes nothing: the session is not rewritten.
      const next = decision.duplicate ? session : { ...session, scans: [...session.scans, scan] };
      try {
        const saved = decision.duplicate ? session : await this.store.saveSession(next, session.version);
        if (decision.result !== 'accepted') {
          await this.store.appendAudit([this.auditOf(scan, session, who)]);
        }
        return outcomeOf(id, decision, sessionSummary(saved, this.policy));
      } catch (e) {
        if (!(e instanceof StoreConflict) || attempt >= SCAN_RETRIES) {
          throw e;
        }
      }
    }
  }

  /**
   * Decide several scans of one session in order, as if scanned one after another, and keep them with ONE write
   * (channels that receive a whole message of codes: the insurance proxy, HL7, FHIR).
   */
  async scanMany(id: string, raws: string[], who: WindowActor, kind?: SessionKind): Promise<ScanOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      const loaded = this.requireOpen(await this.load(id, kind));
      const { session, decided } = await this.decideAll(loaded, raws, who);
      try {
        const saved = session === loaded ? loaded : await this.store.saveSession(session, loaded.version);
        const refusals = decided.filter((d) => d.decision.result !== 'accepted');
        if (refusals.length > 0) {
          await this.store.appendAudit(refusals.map((d) => this.auditOf(d.scan, loaded, who)));
        }
        const summary = sessionSummary(saved, this.policy);
        return decided.map(({ decision }) => outcomeOf(id, decision, summary));
      } catch (e) {
        if (!(e instanceof StoreConflict) || attempt >= SCAN_RETRIES) {
          throw e;
        }
      }
    }
  }

  /**
   * Open a session and decide a whole message of scans in one step, written ONCE (channels that receive an order
   * and its codes together: the insurance proxy, HL7, FHIR). A session with a refused scan is stored cancelled, its
   * refusals audited, so nothing is left open behind a refused message.
   */
  async openWithScans(
    kind: 'dispense' | 'return',
    order: DispenseOrder | ReturnOrder,
    raws: string[],
    who: WindowActor,
    options: { sessionId?: string } = {}
  ): Promise<{ session: Session; outcomes: ScanOutcome[] }> {
    const drugOf = await this.drugOf();
    const plan =
      kind === 'dispense'
        ? planDispense(order as DispenseOrder, drugOf)
        : planReturn(order as ReturnOrder, await this.originalsOf(order as ReturnOrder), drugOf);
    const opened = this.newSession(kind, order, plan, who);
    const fresh = options.sessionId ? { ...opened, id: options.sessionId } : opened;
    const { session, decided } = await this.decideAll(fresh, raws, who);
    const refusals = decided.filter((d) => d.decision.result === 'rejected');
    const stored: Session = refusals.length > 0 ? { ...session, state: 'cancelled' } : session;
    await this.store.createSession(stored);
    const audited = decided.filter((d) => d.decision.result !== 'accepted');
    if (audited.length > 0) {
      await this.store.appendAudit(audited.map((d) => this.auditOf(d.scan, stored, who)));
    }
    const summary = sessionSummary(stored, this.policy);
    return { session: stored, outcomes: decided.map(({ decision }) => outcomeOf(stored.id, decision, summary)) };
  }

  /**
   * A whole message (an order and all its codes) decided as one: the first refused scan or a line left short
   * refuses it, and the session is then left cancelled. The proxy, HL7, FHIR and HIS-database channels use this.
   */
  async decideMessage(
    kind: 'dispense' | 'return',
    order: DispenseOrder | ReturnOrder,
    raws: string[],
    who: WindowActor,
    options: { sessionId?: string; cancelReason: string }
  ): Promise<{ session: Session; refusal: TracegateError | null }> {
    const { session, outcomes } = await this.openWithScans(kind, order, raws, who, options);
    const refusedScan = outcomes.find((o) => o.result === 'rejected');
    if (refusedScan?.problem) {
      const { code, message } = refusedScan.problem;
      return { session, refusal: refused(code, message, { traceCode: refusedScan.traceCode }) };
    }
    const summary = outcomes.at(-1)?.summary ?? sessionSummary(session, this.policy);
    if (summary.complete) {
      return { session, refusal: null };
    }
    const first = summary.problems[0];
    const refusal = refused(first?.code ?? 'SESSION_INCOMPLETE', summary.problems.map((p) => p.message).join('；'), {
      problems: summary.problems,
    });
    return { session: await this.cancel(session.id, who, options.cancelReason), refusal };
  }

  /** Each scan decided against the session as the scans before it left it (nothing written). */
  private async decideAll(
    start: Session,
    raws: string[],
    who: WindowActor
  ): Promise<{
    session: Session;
    decided: { decision: ScanDecision & { traceCode: string | null }; scan: SessionScan }[];
  }> {
    let session = start;
    const decided: { decision: ScanDecision & { traceCode: string | null }; scan: SessionScan }[] = [];
    for (const raw of raws) {
      const decision = await this.decide(session, raw);
      const scan = this.scanRecord(session, raw, decision, who);
      decided.push({ decision, scan });
      if (!decision.duplicate) {
        session = { ...session, scans: [...session.scans, scan] };
      }
    }
    return { session, decided };
  }

  /** Take a scan back (the pharmacist put the box aside): every accepted scan of that code is withdrawn. */
  async withdraw(
    id: string,
    code: string,
    who: WindowActor,
    kind?: SessionKind
  ): Promise<{ session: Session; summary: SessionSummary }> {
    const session = this.requireOpen(await this.load(id, kind));
    const recognized = this.ledger.recognize(code);
    const traceCode = recognized.kind === 'cn_trace_code' || recognized.kind === 'gs1' ? recognized.traceCode : code;
    const hit = session.scans.filter((s) => !s.withdrawn && s.result !== 'rejected' && scanCovers(s, traceCode));
    if (hit.length === 0) {
      throw notFound('SCAN_NOT_IN_SESSION', `追溯码 ${traceCode} 不在本次扫码记录中，无需撤销`, { traceCode });
    }
    const scans = session.scans.map((s) => (hit.includes(s) ? { ...s, withdrawn: true } : s));
    const saved = await this.store.saveSession({ ...session, scans }, session.version);
    await this.store.appendAudit([
      { ...this.auditOf(hit[0] as SessionScan, session, who), action: 'scan_withdrawn', reason: '撤销扫码' },
    ]);
    return { session: saved, summary: sessionSummary(saved, this.policy) };
  }

  /**
   * Complete atomically and idempotently: completing twice returns the first result. Missing packs are
   * refused unless a pharmacy head overrides with a reason (audited).
   */
  async complete(
    id: string,
    who: WindowActor,
    override?: { reason: string },
    kind?: SessionKind,
    options: CompleteOptions = {}
  ): Promise<{ session: Session; summary: SessionSummary }> {
    const session = options.session?.id === id ? options.session : await this.load(id, kind);
    if (session.state === 'completed') {
      return { session, summary: sessionSummary(session, this.policy) };
    }
    this.requireOpen(session);
    const problems = completionProblems(session, this.policy);
    const audit: AuditEntry[] = [];
    const now = this.clock.now().toISOString();
    if (problems.length > 0) {
      if (!override) {
        throw refused(problems[0]?.code ?? 'SESSION_INCOMPLETE', problems.map((p) => p.message).join('；'), {
          problems,
        });
      }
      if (!who.roles.includes('pharmacy-head') && !who.roles.includes('admin')) {
        throw new TracegateError('OVERRIDE_FORBIDDEN', '强制完成需要药剂科主任（pharmacy-head）权限', 'forbidden');
      }
      if (!override.reason.trim()) {
        throw refused('OVERRIDE_REASON_REQUIRED', '强制完成必须填写原因');
      }
      audit.push({
        at: now,
        actor: who.actor,
        role: 'pharmacy-head',
        action: 'override',
        sessionId: id,
        raw: null,
        traceCode: null,
        code: problems[0]?.code ?? null,
        reason: `${override.reason}（${problems.map((p) => p.message).join('；')}）`,
      });
    }
    const originals = session.kind === 'return' ? await this.originalsOf(session.order as ReturnOrder) : [];
    const steps: LedgerStep[] = completionSteps(session, this.policy, originals);
    const ref = refOf(session);
    const changes = await this.ledger.prepare(steps, { actor: who.actor, location: session.location, ref });
    const completed: Session = {
      ...session,
      state: 'completed',
      completedAt: now,
      completedBy: who.actor,
      override: override ? { by: who.actor, role: 'pharmacy-head', reason: override.reason, at: now } : null,
    };
    const packs = new Map(changes.map((c) => [c.after.traceCode, c.after]));
    const drugOf = await this.drugOf();
    const built = buildBusinessRows({ session: completed, drugOf, packs, originals, now });
    const rows = options.businessRows
      ? options.businessRows(built)
      : built.map((r) => (this.policy.businessRows === 'hold' ? { ...r, state: 'held' as const } : r));
    try {
      const saved = await this.store.completeSession(completed, session.version, changes, rows, audit);
      return { session: saved, summary: sessionSummary(saved, this.policy) };
    } catch (e) {
      if (!(e instanceof StoreConflict)) {
        throw e;
      }
      // Completed by a concurrent call (a double click, a retry): return that result.
      const now2 = await this.load(id);
      if (now2.state === 'completed') {
        return { session: now2, summary: sessionSummary(now2, this.policy) };
      }
      if (e.traceCodes.length === 0) {
        throw conflict('SESSION_CHANGED', '本次会话刚被其他操作更新，请重试', { sessionId: id });
      }
      return this.ledger.explainConflict(e, steps);
    }
  }

  async cancel(id: string, who: WindowActor, reason: string, kind?: SessionKind): Promise<Session> {
    const session = this.requireOpen(await this.load(id, kind));
    const saved = await this.store.saveSession({ ...session, state: 'cancelled' }, session.version);
    await this.store.appendAudit([
      {
        at: this.clock.now().toISOString(),
        actor: who.actor,
        role: null,
        action: 'session_cancelled',
        sessionId: id,
        raw: null,
        traceCode: null,
        code: null,
        reason: reason || '取消',
      },
    ]);
    return saved;
  }

  private async open(
    kind: SessionKind,
    order: Session['order'],
    plan: Session['plan'],
    who: WindowActor
  ): Promise<Session> {
    const session = this.newSession(kind, order, plan, who);
    await this.store.createSession(session);
    return session;
  }

  private newSession(kind: SessionKind, order: Session['order'], plan: Session['plan'], who: WindowActor): Session {
    const now = this.clock.now();
    return {
      id: this.ids.next(idPrefix[kind], now),
      kind,
      state: 'open',
      location: who.location ?? null,
      createdAt: now.toISOString(),
      createdBy: who.actor,
      order,
      plan,
      scans: [],
      completedAt: null,
      completedBy: null,
      override: null,
      version: 1,
    };
  }

  private async load(id: string, kind?: SessionKind): Promise<Session> {
    const session = await this.store.getSession(id);
    if (!session || (kind && session.kind !== kind)) {
      throw notFound('SESSION_NOT_FOUND', `会话 ${id} 不存在`, { sessionId: id });
    }
    return session;
  }

  private requireOpen(session: Session): Session {
    if (session.state !== 'open') {
      const what = session.state === 'completed' ? '已完成' : '已取消';
      throw conflict('SESSION_CLOSED', `会话 ${session.id} ${what}，不能再扫码或修改`, {
        sessionId: session.id,
        state: session.state,
      });
    }
    return session;
  }

  private async drugOf(): Promise<(code: string) => Drug | undefined> {
    const index = await this.catalog.index();
    return (code) => index.drug(code);
  }

  private async originalsOf(order: ReturnOrder): Promise<Session[]> {
    if (!order.dispenseId && !order.prescriptionNo && !order.visitNo) {
      throw refused('RETURN_ORIGINAL_REQUIRED', '退药必须指明原发药单（发药会话号、处方号或就诊号）');
    }
    return this.store.findSessions({
      kind: 'dispense',
      state: 'completed',
      ...(order.dispenseId ? { id: order.dispenseId } : {}),
      ...(order.prescriptionNo ? { prescriptionNo: order.prescriptionNo } : {}),
      ...(order.visitNo ? { visitNo: order.visitNo } : {}),
    });
  }

  /** Recognise, map, expand and look up; then the pure decision for the session's kind. */
  private async decide(session: Session, raw: string): Promise<ScanDecision & { traceCode: string | null }> {
    const recognized = this.ledger.recognize(raw);
    if (recognized.kind === 'ean13' || recognized.kind === 'unknown') {
      return refusedDecision(null, recognized.problem);
    }
    let resolved: ResolvedCode;
    let units: ScannedUnit[];
    try {
      resolved = await this.catalog.resolve(recognized);
      units = await this.unitsOf(resolved, session.kind);
    } catch (e) {
      if (!isTracegateError(e)) {
        throw e;
      }
      return refusedDecision(recognized.traceCode, { code: e.code, message: e.message });
    }
    const now = this.clock.now();
    const input = {
      session,
      raw,
      resolved,
      units,
      today: shanghaiDate(now.toISOString()),
      now: now.toISOString(),
      policy: this.policy,
    };
    const decision =
      session.kind === 'dispense'
        ? decideDispenseScan(input)
        : session.kind === 'receipt'
          ? decideReceiptScan(input)
          : decideReturnScan(input, dispensedCodes(await this.originalsOf(session.order as ReturnOrder)));
    return { ...decision, traceCode: resolved.traceCode };
  }

  /** A unit code stands for itself; a case or middle code for the units the relations say it holds. */
  private async unitsOf(resolved: ResolvedCode, kind: SessionKind): Promise<ScannedUnit[]> {
    let codes: { traceCode: string; via: string | null }[] = [{ traceCode: resolved.traceCode, via: null }];
    if (resolved.owner.packLevel > 1) {
      const tree = await expandToUnits(resolved.traceCode, (c) => this.store.childrenOf(c));
      if (tree.units.length === 0 || tree.missing.length > 0 || tree.incomplete.length > 0) {
        throw refused(
          'RELATION_UNKNOWN',
          `${resolved.traceCode} 是大/中码，但包装关系不完整或含拼箱/零箱，请${kind === 'receipt' ? '拆箱' : ''}逐盒扫描小码`,
          { traceCode: resolved.traceCode }
        );
      }
      codes = tree.units.map((u) => ({ traceCode: u, via: resolved.traceCode }));
    }
    const packs = await this.store.getPacks(codes.map((c) => c.traceCode));
    return codes.map((c) => ({ ...c, pack: packs.get(c.traceCode) ?? null }));
  }

  private scanRecord(
    session: Session,
    raw: string,
    decision: ScanDecision & { traceCode: string | null },
    who: WindowActor
  ): SessionScan {
    return {
      seq: session.scans.length + 1,
      raw,
      traceCode: decision.traceCode,
      result: decision.result,
      problem: decision.problem,
      assignments: decision.assignments,
      at: this.clock.now().toISOString(),
      actor: who.actor,
      withdrawn: false,
    };
  }

  private auditOf(scan: SessionScan, session: Session, who: WindowActor): AuditEntry {
    return {
      at: scan.at,
      actor: who.actor,
      role: who.roles[0] ?? null,
      action: scan.result === 'warning' ? 'scan_warning' : 'scan_refused',
      sessionId: session.id,
      raw: scan.raw,
      traceCode: scan.traceCode,
      code: scan.problem?.code ?? null,
      reason: scan.problem?.message ?? '',
    };
  }
}

function outcomeOf(
  sessionId: string,
  decision: ScanDecision & { traceCode: string | null },
  summary: SessionSummary
): ScanOutcome {
  return {
    sessionId,
    result: decision.result,
    duplicate: decision.duplicate,
    lineNo: decision.assignments[0]?.lineNo ?? null,
    traceCode: decision.traceCode,
    problem: decision.problem,
    summary,
  };
}

function refusedDecision(
  traceCode: string | null,
  problem: ScanProblemInfo
): ScanDecision & { traceCode: string | null } {
  return { result: 'rejected', assignments: [], problem, duplicate: false, traceCode };
}

function scanCovers(scan: SessionScan, traceCode: string): boolean {
  return scan.traceCode === traceCode || scan.assignments.some((a) => a.traceCode === traceCode || a.via === traceCode);
}

/** The business reference a session's ledger events carry: prescription, delivery note, or return. */
function refOf(session: Session): string {
  switch (session.kind) {
    case 'dispense':
      return (session.order as DispenseOrder).prescriptionNo;
    case 'receipt':
      return (session.order as ReceiptOrder).deliveryNo;
    case 'return':
      return session.id;
    default:
      return session.kind satisfies never;
  }
}
