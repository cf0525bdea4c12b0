/**
 * The ReconciliationStore's in-memory twin: the same answers as knex-reconciliation.ts, computed with plain loops over
 * MemoryStore.snapshot() (tests, the demo). Book stock is kept here; `clear()` forgets it.
 */
import type { UploadState } from '../../core/insurance/upload.js';
import type { LedgerEvent, Pack, PackState } from '../../core/ledger/pack.js';
import type {
  CodeFact,
  CodeQuery,
  DailyMetric,
  HourCountRow,
  InventoryCountRow,
  LedgerScope,
  ReconciliationStore,
  StateCountRow,
  UploadCountRow,
  WindowEventRow,
  WindowScope,
} from '../../core/ports/reconciliation-store.js';
import type { BookStock } from '../../core/reports/reconciliation/book-stock.js';
import {
  categoryState,
  RECEIVED_TWICE_CODES,
  RETURN_MISMATCH_CODES,
} from '../../core/reports/reconciliation/reconciliation-categories.js';
import type { MemorySnapshot } from './memory-store.js';
import { uploadDrugCode } from './upload-rules.js';

const UNDELIVERED: readonly UploadState[] = ['pending', 'sending', 'ambiguous', 'dead'];
const NOT_REFUSALS = ['scan_warning', 'scan_withdrawn'];
const AUDIT_CODES = new Set<string>([...RECEIVED_TWICE_CODES, ...RETURN_MISMATCH_CODES]);
const METRIC_OF_ACTION: Partial<Record<LedgerEvent['action'], DailyMetric>> = {
  receive: 'received',
  dispense: 'dispensed',
  dispense_units: 'split_dispensed',
  return_to_stock: 'returned',
  return_to_quarantine: 'returned',
};

/** A pack as of the scope: its state then, the units left if opened, and the event that left it so. */
interface PackThen {
  pack: Pack;
  state: PackState;
  unitsLeft: number | null;
  at: string;
  ref: string | null;
}

const inRange = (at: string | null, from: string | null, until: string | null): boolean =>
  at !== null && (from === null || at >= from) && (until === null || at < until);
const hourOf = (iso: string): string => iso.slice(0, 13);
const isImplicit = (e: LedgerEvent): boolean => e.action === 'receive' && e.seq === 1 && e.details?.implicit === true;

export class MemoryReconciliation implements ReconciliationStore {
  private book = new Map<string, BookStock>();

  constructor(private readonly source: { snapshot(): MemorySnapshot }) {}

  clear(): void {
    this.book.clear();
  }

  async stateCounts(scope: LedgerScope): Promise<StateCountRow[]> {
    const out = new Map<string, StateCountRow>();
    for (const p of packsThen(this.source.snapshot(), scope)) {
      const key = `${p.pack.hisDrugCode}\u0000${p.state}`;
      const row = out.get(key) ?? { hisDrugCode: p.pack.hisDrugCode, state: p.state, packs: 0, unitsLeft: 0 };
      row.packs++;
      row.unitsLeft += p.state === 'opened' ? (p.unitsLeft ?? 0) : 0;
      out.set(key, row);
    }
    return [...out.values()];
  }

  async windowEvents(r: WindowScope): Promise<WindowEventRow[]> {
    const snap = this.source.snapshot();
    const drugOf = drugLookup(snap);
    const out = new Map<string, WindowEventRow>();
    // Keyed as the SQL groups: refusals also by their code.
    const add = (given: Omit<WindowEventRow, 'count'>, refusalCode = ''): void => {
      if (r.hisDrugCode !== undefined && given.hisDrugCode !== r.hisDrugCode) {
        return;
      }
      const row = r.byHour ? given : { ...given, hour: null };
      const key = [row.hisDrugCode, row.category, row.hour, row.traceCode ?? '', refusalCode].join('\u0000');
      const seen = out.get(key) ?? { ...row, count: 0 };
      seen.count++;
      out.set(key, seen);
    };
    for (const e of snap.events.filter((x) => inRange(x.occurredAt, r.from, r.until))) {
      const drug = drugOf(e.traceCode, false);
      const category = isImplicit(e)
        ? 'dispensed_never_received'
        : e.action === 'scrap'
          ? 'scrapped'
          : e.action === 'transfer_out'
            ? 'transferred_out'
            : null;
      if (drug !== undefined && category !== null) {
        add({ hisDrugCode: drug, category, hour: hourOf(e.occurredAt), traceCode: null });
      }
    }
    for (const a of refusals(snap, r.from, r.until)) {
      const drug = drugOf(a.traceCode, true);
      if (drug !== undefined) {
        const category = (RECEIVED_TWICE_CODES as readonly string[]).includes(a.code)
          ? 'received_twice'
          : 'returns_not_matching';
        add({ hisDrugCode: drug, category, hour: hourOf(a.at), traceCode: a.traceCode }, a.code);
      }
    }
    return [...out.values()];
  }

  async unuploadedSales(scope: LedgerScope): Promise<{ hisDrugCode: string; codes: number }[]> {
    const snap = this.source.snapshot();
    const codes = new Map<string, Set<string>>();
    for (const { pack } of unuploadedPacks(snap, scope.until)) {
      if (scope.hisDrugCode === undefined || pack.hisDrugCode === scope.hisDrugCode) {
        codes.set(pack.hisDrugCode, (codes.get(pack.hisDrugCode) ?? new Set()).add(pack.traceCode));
      }
    }
    return [...codes].map(([hisDrugCode, set]) => ({ hisDrugCode, codes: set.size }));
  }

  async uploadCounts(scope: LedgerScope): Promise<UploadCountRow[]> {
    const out = new Map<string, UploadCountRow>();
    for (const u of this.source.snapshot().uploads) {
      const drug = uploadDrugCode(u.payload);
      if ((u.infno !== '3505' && u.infno !== '3506') || drug === null) {
        continue;
      }
      if (!inRange(u.createdAt, null, scope.until) || (scope.hisDrugCode !== undefined && drug !== scope.hisDrugCode)) {
        continue;
      }
      const state = stateThen(u.state, u.deliveredAt, u.updatedAt, scope.until);
      const key = [drug, u.infno, state].join('\u0000');
      const row = out.get(key) ?? { hisDrugCode: drug, infno: u.infno, state, rows: 0 };
      row.rows++;
      out.set(key, row);
    }
    return [...out.values()];
  }

  async lastCounts(asOfDate: string, hisDrugCode?: string): Promise<InventoryCountRow[]> {
    const out = new Map<string, InventoryCountRow>();
    for (const u of this.source.snapshot().uploads.filter((x) => x.infno === '3501')) {
      const drug = uploadDrugCode(u.payload);
      const date = String(u.payload.invdate);
      if (drug === null || date > asOfDate || (hisDrugCode !== undefined && drug !== hisDrugCode)) {
        continue;
      }
      const row = out.get(drug);
      if (!row || date > row.date) {
        out.set(drug, { hisDrugCode: drug, date, packs: Number(u.payload.inv_cnt) });
      } else if (date === row.date) {
        row.packs += Number(u.payload.inv_cnt);
      }
    }
    return [...out.values()];
  }

  async codes(q: CodeQuery): Promise<CodeFact[]> {
    const facts = this.allCodes(this.source.snapshot(), q);
    return facts
      .sort((a, b) => (a.traceCode < b.traceCode ? -1 : a.traceCode > b.traceCode ? 1 : 0))
      .slice(q.offset, q.offset + q.limit);
  }

  async saveBookStock(rows: BookStock[]): Promise<void> {
    for (const r of rows) {
      this.book.set(`${r.hisDrugCode}\u0000${r.asOf}`, structuredClone(r));
    }
  }

  async bookStock(asOfDate: string, hisDrugCode?: string): Promise<BookStock[]> {
    const latest = new Map<string, BookStock>();
    for (const b of this.book.values()) {
      const seen = latest.get(b.hisDrugCode);
      if (
        b.asOf <= asOfDate &&
        (hisDrugCode === undefined || b.hisDrugCode === hisDrugCode) &&
        (!seen || b.asOf > seen.asOf)
      ) {
        latest.set(b.hisDrugCode, b);
      }
    }
    return [...latest.values()].sort((a, b) => (a.hisDrugCode < b.hisDrugCode ? -1 : 1)).map((b) => structuredClone(b));
  }

  async hourlyCounts(from: string, until: string): Promise<HourCountRow[]> {
    const snap = this.source.snapshot();
    const out = new Map<string, HourCountRow>();
    const add = (at: string | null, metric: DailyMetric | undefined): void => {
      if (metric === undefined || !inRange(at, from, until)) {
        return;
      }
      const key = `${hourOf(at!)}\u0000${metric}`;
      const row = out.get(key) ?? { hour: hourOf(at!), metric, count: 0 };
      row.count++;
      out.set(key, row);
    };
    for (const e of snap.events) {
      add(e.occurredAt, METRIC_OF_ACTION[e.action]);
      add(e.occurredAt, isImplicit(e) ? 'implicit_received' : undefined);
    }
    for (const a of snap.audit) {
      add(a.at, a.action === 'scan_refused' ? 'refused_scans' : undefined);
    }
    for (const u of snap.uploads) {
      add(u.deliveredAt, 'uploads_delivered');
      add(u.updatedAt, u.state === 'dead' ? 'uploads_failed' : undefined);
    }
    return [...out.values()];
  }

  private allCodes(snap: MemorySnapshot, q: CodeQuery): CodeFact[] {
    const blank = { unitsLeft: null, refusalCode: null, refusals: null, uploadId: null, uploadState: null };
    const packs = new Map(snap.packs.map((p) => [p.traceCode, p]));
    const mine = (code: string): boolean => packs.get(code)?.hisDrugCode === q.hisDrugCode;
    switch (q.category) {
      case 'opened':
      case 'quarantined':
      case 'in_stock': {
        const state = categoryState[q.category];
        return packsThen(snap, { until: q.until, hisDrugCode: q.hisDrugCode })
          .filter((p) => p.state === state)
          .map((p) => ({
            ...blank,
            traceCode: p.pack.traceCode,
            at: p.at,
            ref: p.ref,
            state: p.state,
            unitsLeft: p.unitsLeft,
          }));
      }
      case 'dispensed_never_received':
      case 'scrapped':
      case 'transferred_out':
        return snap.events
          .filter((e) => mine(e.traceCode) && inRange(e.occurredAt, q.from, q.until) && eventCategory(e) === q.category)
          .map((e) => ({
            ...blank,
            traceCode: e.traceCode,
            at: e.occurredAt,
            ref: e.ref,
            state: packs.get(e.traceCode)!.state,
          }));
      case 'received_twice':
      case 'returns_not_matching':
        return refusedCodes(snap, q, drugLookup(snap), packs);
      case 'sold_not_uploaded':
        return unuploadedCodes(snap, q);
      default:
        return q.category satisfies never;
    }
  }
}

function eventCategory(e: LedgerEvent): string | null {
  return isImplicit(e)
    ? 'dispensed_never_received'
    : e.action === 'scrap'
      ? 'scrapped'
      : e.action === 'transfer_out'
        ? 'transferred_out'
        : null;
}

/** Every pack of the scope as it was then (packs new since are left out), as the SQL's as-of delta computes it. */
function packsThen(snap: MemorySnapshot, scope: LedgerScope): PackThen[] {
  const events = eventsByCode(snap.events);
  const upp = new Map(snap.drugs.map((d) => [d.hisDrugCode, d.unitsPerPack]));
  const out: PackThen[] = [];
  for (const pack of snap.packs) {
    if (scope.hisDrugCode !== undefined && pack.hisDrugCode !== scope.hisDrugCode) {
      continue;
    }
    const mine = events.get(pack.traceCode) ?? [];
    const until = scope.until;
    if (until === null || mine.every((e) => e.occurredAt < until)) {
      out.push({ pack, state: pack.state, unitsLeft: pack.unitsRemaining, at: pack.updatedAt, ref: pack.ref });
      continue;
    }
    const before = mine.filter((e) => e.occurredAt < until);
    const last = before.at(-1);
    if (!last) {
      continue;
    }
    const taken = before.filter((e) => e.action === 'dispense_units').reduce((n, e) => n + (e.units ?? 0), 0);
    const unitsLeft = last.toState === 'opened' ? (upp.get(pack.hisDrugCode) ?? 0) - taken : null;
    out.push({ pack, state: last.toState, unitsLeft, at: last.occurredAt, ref: last.ref });
  }
  return out;
}

function eventsByCode(events: readonly LedgerEvent[]): Map<string, LedgerEvent[]> {
  const out = new Map<string, LedgerEvent[]>();
  for (const e of events) {
    out.set(e.traceCode, [...(out.get(e.traceCode) ?? []), e]);
  }
  for (const list of out.values()) {
    list.sort((a, b) => a.seq - b.seq);
  }
  return out;
}

/** The drug of a code: its pack's, or (for audited codes) the owner of its 7-digit prefix. */
function drugLookup(snap: MemorySnapshot): (code: string, byPrefix: boolean) => string | undefined {
  const packs = new Map(snap.packs.map((p) => [p.traceCode, p.hisDrugCode]));
  const prefixes = new Map(snap.drugs.flatMap((d) => d.prefixes.map((p) => [p.prefix, d.hisDrugCode] as const)));
  return (code, byPrefix) => packs.get(code) ?? (byPrefix ? prefixes.get(code.slice(0, 7)) : undefined);
}

interface Refusal {
  at: string;
  code: string;
  traceCode: string;
  sessionId: string | null;
}

function refusals(snap: MemorySnapshot, from: string | null, until: string | null): Refusal[] {
  return snap.audit.flatMap((a) =>
    a.code !== null &&
    a.traceCode !== null &&
    AUDIT_CODES.has(a.code) &&
    !NOT_REFUSALS.includes(a.action) &&
    inRange(a.at, from, until)
      ? [{ at: a.at, code: a.code, traceCode: a.traceCode, sessionId: a.sessionId }]
      : []
  );
}

function refusedCodes(
  snap: MemorySnapshot,
  q: CodeQuery,
  drugOf: ReturnType<typeof drugLookup>,
  packs: Map<string, Pack>
): CodeFact[] {
  const codes: readonly string[] = q.category === 'received_twice' ? RECEIVED_TWICE_CODES : RETURN_MISMATCH_CODES;
  const byCode = new Map<string, Refusal[]>();
  for (const r of refusals(snap, q.from, q.until)) {
    if (codes.includes(r.code) && drugOf(r.traceCode, true) === q.hisDrugCode) {
      byCode.set(r.traceCode, [...(byCode.get(r.traceCode) ?? []), r]);
    }
  }
  return [...byCode].map(([traceCode, list]) => ({
    traceCode,
    at: maxOf(list.map((r) => r.at)),
    ref: maxOf(list.map((r) => r.sessionId)),
    state: packs.get(traceCode)?.state ?? null,
    unitsLeft: null,
    refusalCode: [...list.map((r) => r.code)].sort()[0] ?? null,
    refusals: list.length,
    uploadId: null,
    uploadState: null,
  }));
}

function maxOf(values: (string | null)[]): string | null {
  return (
    values
      .filter((v): v is string => v !== null)
      .sort()
      .at(-1) ?? null
  );
}

/** As of `until`, a row delivered or given up after it was still waiting. */
function stateThen(
  state: UploadState,
  deliveredAt: string | null,
  updatedAt: string | null,
  until: string | null
): UploadState {
  if (until === null) {
    return state;
  }
  if (
    (state === 'delivered' && deliveredAt !== null && deliveredAt >= until) ||
    (state === 'dead' && updatedAt !== null && updatedAt >= until)
  ) {
    return 'pending';
  }
  return state;
}

function unuploadedPacks(snap: MemorySnapshot, until: string | null): { pack: Pack; uploadId: number }[] {
  const packs = new Map(snap.packs.map((p) => [p.traceCode, p]));
  return snap.uploads
    .filter(
      (u) =>
        u.infno === '3505' &&
        (until === null
          ? UNDELIVERED.includes(u.state)
          : u.createdAt < until &&
            (UNDELIVERED.includes(u.state) ||
              (u.state === 'delivered' && u.deliveredAt !== null && u.deliveredAt >= until)))
    )
    .flatMap((u) =>
      u.orderKeys
        .filter((k) => k.startsWith('code:'))
        .flatMap((k) => {
          const pack = packs.get(k.slice(5));
          return pack ? [{ pack, uploadId: u.id }] : [];
        })
    );
}

function unuploadedCodes(snap: MemorySnapshot, q: CodeQuery): CodeFact[] {
  const latest = new Map<string, { pack: Pack; uploadId: number }>();
  for (const p of unuploadedPacks(snap, q.until)) {
    const seen = latest.get(p.pack.traceCode);
    if (p.pack.hisDrugCode === q.hisDrugCode && (!seen || p.uploadId > seen.uploadId)) {
      latest.set(p.pack.traceCode, p);
    }
  }
  const uploads = new Map(snap.uploads.map((u) => [u.id, u]));
  return [...latest.values()].map(({ pack, uploadId }) => {
    const u = uploads.get(uploadId)!;
    return {
      traceCode: pack.traceCode,
      at: u.createdAt,
      ref: u.sessionId,
      state: pack.state,
      unitsLeft: null,
      refusalCode: null,
      refusals: null,
      uploadId,
      uploadState: u.state,
    };
  });
}
