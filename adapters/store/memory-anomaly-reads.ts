/** The anomaly rules' reads as plain loops over a MemoryStore snapshot: the same answers as knex-anomaly-reads.ts. */
import { contactKey } from '../../core/anomalies/contact-key.js';
import { largestLineBoxes } from '../../core/anomalies/line-boxes.js';
import type { LedgerEvent } from '../../core/ledger/pack.js';
import type {
  AnomalyReads,
  AuditedScan,
  CodeEvent,
  DispenseRecord,
  DrugSales,
  Period,
  UnreceivedSale,
} from '../../core/ports/anomaly-store.js';
import type { DispenseOrder, Session } from '../../core/window/session.js';
import {
  keepLatest,
  latestDispenses,
  REPEAT_SALE_ACTIONS,
  SALE_ACTIONS,
  SALE_AND_RETURN_ACTIONS,
  sortCodeEvents,
  sortDrugSales,
} from './anomaly-rules.js';
import type { MemorySnapshot } from './memory-store.js';
import { compareCodes } from './ordering.js';
import { sessionKeys, sortSessions } from './session-rules.js';

const inPeriod = (at: string, p: Period): boolean => at >= p.from && at < p.to;
const isSale = (e: LedgerEvent): boolean => SALE_ACTIONS.includes(e.action);

export class MemoryAnomalyReads implements AnomalyReads {
  constructor(private readonly snapshot: () => MemorySnapshot) {}

  private eventsByCode(s: MemorySnapshot): Map<string, LedgerEvent[]> {
    const out = new Map<string, LedgerEvent[]>();
    for (const e of s.events) {
      out.set(e.traceCode, [...(out.get(e.traceCode) ?? []), e]);
    }
    for (const list of out.values()) {
      list.sort((a, b) => a.seq - b.seq);
    }
    return out;
  }

  private drugOfCode(s: MemorySnapshot): Map<string, string> {
    return new Map(s.packs.map((p) => [p.traceCode, p.hisDrugCode]));
  }

  async repeatSaleEvents(period: Period, limit: number): Promise<CodeEvent[]> {
    const s = this.snapshot();
    const drug = this.drugOfCode(s);
    const byCode = this.eventsByCode(s);
    const resold = new Set(
      s.events
        .filter((d) => d.action === 'dispense' && inPeriod(d.occurredAt, period))
        .filter((d) => (byCode.get(d.traceCode) ?? []).some((x) => x.action === 'dispense' && x.seq < d.seq))
        .map((d) => d.traceCode)
    );
    return [...resold]
      .sort(compareCodes)
      .flatMap((code) => (byCode.get(code) ?? []).filter((e) => REPEAT_SALE_ACTIONS.includes(e.action)))
      .filter((e) => drug.has(e.traceCode))
      .slice(0, limit)
      .map((e) => codeEvent(e, drug.get(e.traceCode)!));
  }

  async auditedScans(period: Period, codes: readonly string[], limit: number): Promise<AuditedScan[]> {
    const s = this.snapshot();
    const sessions = new Map(s.sessions.map((x) => [x.id, x]));
    const packs = new Map(s.packs.map((p) => [p.traceCode, p]));
    return s.audit
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => a.code !== null && codes.includes(a.code) && inPeriod(a.at, period))
      .sort((x, y) => compareCodes(x.a.at, y.a.at) || x.i - y.i)
      .slice(0, limit)
      .map(({ a }) => {
        const session = a.sessionId ? sessions.get(a.sessionId) : undefined;
        const keys = session ? sessionKeys(session) : undefined;
        const pack = a.traceCode ? packs.get(a.traceCode) : undefined;
        return {
          at: a.at,
          actor: a.actor,
          action: a.action,
          code: a.code ?? '',
          reason: a.reason,
          traceCode: a.traceCode,
          raw: a.raw,
          sessionId: a.sessionId,
          session:
            session && keys
              ? {
                  kind: session.kind,
                  state: session.state,
                  prescriptionNo: keys.prescriptionNo,
                  visitNo: keys.visitNo,
                  patientName: keys.patientName,
                  location: session.location,
                  createdBy: session.createdBy,
                }
              : null,
          pack: pack
            ? {
                hisDrugCode: pack.hisDrugCode,
                state: pack.state,
                ref: pack.ref,
                location: pack.location,
                since: pack.updatedAt,
              }
            : null,
        };
      });
  }

  /** Sales in the period with the implicit receipt just before each (seq − 1), or null. */
  private salesWithReceipt(s: MemorySnapshot, period: Period): { sale: LedgerEvent; implicit: boolean }[] {
    const byCode = this.eventsByCode(s);
    return s.events
      .filter((e) => isSale(e) && inPeriod(e.occurredAt, period))
      .map((sale) => {
        const before = (byCode.get(sale.traceCode) ?? []).find((e) => e.seq === sale.seq - 1);
        return { sale, implicit: before?.action === 'receive' && before.details?.implicit === true };
      });
  }

  async unreceivedSales(period: Period, limit: number): Promise<UnreceivedSale[]> {
    const s = this.snapshot();
    const packs = new Map(s.packs.map((p) => [p.traceCode, p]));
    return this.salesWithReceipt(s, period)
      .filter((x) => x.implicit && packs.has(x.sale.traceCode))
      .map((x) => x.sale)
      .sort((a, b) => compareCodes(a.occurredAt, b.occurredAt) || compareCodes(a.traceCode, b.traceCode))
      .slice(0, limit)
      .map((e) => {
        const pack = packs.get(e.traceCode)!;
        return {
          traceCode: e.traceCode,
          hisDrugCode: pack.hisDrugCode,
          soldAt: e.occurredAt,
          actor: e.actor,
          location: e.location,
          prescriptionNo: e.ref,
          packState: pack.state,
        };
      });
  }

  async drugSales(period: Period, minUnreceived: number): Promise<DrugSales[]> {
    const s = this.snapshot();
    const drug = this.drugOfCode(s);
    const totals = new Map<string, { sold: Set<string>; unreceived: Set<string> }>();
    for (const { sale, implicit } of this.salesWithReceipt(s, period)) {
      const code = drug.get(sale.traceCode);
      if (code === undefined) {
        continue;
      }
      const t = totals.get(code) ?? { sold: new Set<string>(), unreceived: new Set<string>() };
      t.sold.add(sale.traceCode);
      if (implicit) {
        t.unreceived.add(sale.traceCode);
      }
      totals.set(code, t);
    }
    return sortDrugSales(
      [...totals]
        .map(([hisDrugCode, t]) => ({ hisDrugCode, sold: t.sold.size, unreceived: t.unreceived.size }))
        .filter((d) => d.unreceived >= minUnreceived)
    );
  }

  private dispensesIn(period: Period): Session[] {
    return this.snapshot().sessions.filter(
      (x) => x.kind === 'dispense' && x.state === 'completed' && inPeriod(x.createdAt, period)
    );
  }

  async agentContacts(period: Period, minPatients: number, minPrescriptions: number): Promise<string[]> {
    const groups = new Map<string, { patients: Set<string>; count: number }>();
    for (const x of this.dispensesIn(period)) {
      const keys = sessionKeys(x);
      if (keys.contact === null) {
        continue;
      }
      const g = groups.get(keys.contact) ?? { patients: new Set<string>(), count: 0 };
      if (keys.patientName !== null) {
        g.patients.add(keys.patientName);
      }
      g.count += 1;
      groups.set(keys.contact, g);
    }
    return [...groups]
      .filter(([, g]) => g.patients.size >= minPatients && g.count >= minPrescriptions)
      .map(([contact]) => contact)
      .sort(compareCodes);
  }

  async sessionsOfContacts(period: Period, contacts: readonly string[], limit: number): Promise<Session[]> {
    const wanted = new Set(contacts);
    const list = this.dispensesIn(period).filter((x) => {
      const key = contactKey((x.order as DispenseOrder).agent);
      return key !== null && wanted.has(key);
    });
    return sortSessions(list).slice(0, limit);
  }

  async sessionsAboveBoxes(period: Period, boxes: number, limit: number): Promise<Session[]> {
    return sortSessions(this.dispensesIn(period).filter((x) => (largestLineBoxes(x) ?? 0) > boxes)).slice(0, limit);
  }

  async dispensesOf(prescriptionNos: readonly string[]): Promise<DispenseRecord[]> {
    const wanted = new Set(prescriptionNos);
    const latest = new Map<string, DispenseRecord>();
    for (const x of this.snapshot().sessions) {
      const keys = sessionKeys(x);
      if (
        x.kind !== 'dispense' ||
        x.state !== 'completed' ||
        !keys.prescriptionNo ||
        !wanted.has(keys.prescriptionNo)
      ) {
        continue;
      }
      keepLatest(latest, {
        sessionId: x.id,
        prescriptionNo: keys.prescriptionNo,
        patientName: keys.patientName,
        contact: keys.contact,
        createdBy: x.createdBy,
        location: x.location,
        completedAt: x.completedAt,
      });
    }
    return latestDispenses(latest);
  }

  async saleEventsOf(traceCodes: readonly string[]): Promise<CodeEvent[]> {
    const s = this.snapshot();
    const drug = this.drugOfCode(s);
    const wanted = new Set(traceCodes);
    return sortCodeEvents(
      s.events
        .filter((e) => wanted.has(e.traceCode) && SALE_AND_RETURN_ACTIONS.includes(e.action) && drug.has(e.traceCode))
        .map((e) => codeEvent(e, drug.get(e.traceCode)!))
    );
  }
}

function codeEvent(e: LedgerEvent, hisDrugCode: string): CodeEvent {
  return {
    traceCode: e.traceCode,
    hisDrugCode,
    seq: e.seq,
    action: e.action,
    occurredAt: e.occurredAt,
    actor: e.actor,
    location: e.location,
    ref: e.ref,
    reason: e.reason,
  };
}
