/**
 * The ReconciliationStore contract: the same aggregates, code lists, book stock and hourly counts from the memory
 * twin and from SQL on every dialect, over a ledger written through the Store port.
 */
import { expect } from 'chai';
import type { LedgerAction, Pack, PackState } from '../../core/ledger/pack.js';
import type { ReconciliationStore, WindowEventRow } from '../../core/ports/reconciliation-store.js';
import type { Store } from '../../core/ports/store.js';
import type { BookStock } from '../../core/reports/reconciliation/book-stock.js';
import type { BusinessRow } from '../../core/window/business-row.js';
import { auditEntry, businessRow, drugDraft, move, receive, traceCode } from './store-fixtures.js';

export interface ReconciliationHandles {
  store: Store;
  recon: ReconciliationStore;
  /** Empties the store and the book stock. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Day 1 and day 2 in Shanghai, and instants inside them (UTC). */
const DAY1 = '2025-07-01';
const D1 = '2025-07-01T02:00:00.000Z'; // 10:00 on day 1
const D1_LATE = '2025-07-01T09:30:00.000Z'; // 17:30 on day 1
const D2 = '2025-07-02T03:00:00.000Z'; // 11:00 on day 2
const DAY2_START = '2025-07-01T16:00:00.000Z';

const A = (n: number) => traceCode(n, '8100001'); // Y0001, 24 粒 per box
const B = (n: number) => traceCode(n, '8100002'); // Y0002, 10 片 per box
const FOREIGN = traceCode(1, '8999999');

/** Writes a pack's life through the Store port, one commit per step, keeping the last state of each pack. */
class LedgerWriter {
  private readonly packs = new Map<string, Pack>();
  constructor(private readonly store: Store) {}

  async receive(code: string, hisDrugCode: string, at: string, details?: Record<string, unknown>): Promise<void> {
    const change = receive(code, { hisDrugCode, updatedAt: at });
    if (details) {
      change.event.details = details;
    }
    await this.store.commit([change]);
    this.packs.set(code, change.after);
  }

  async step(
    code: string,
    action: LedgerAction,
    toState: PackState,
    at: string,
    extra: { units?: number; unitsRemaining?: number | null } = {}
  ): Promise<void> {
    const change = move(this.packs.get(code)!, action, toState, {
      updatedAt: at,
      unitsRemaining: extra.unitsRemaining ?? null,
      units: extra.units ?? null,
    });
    await this.store.commit([change]);
    this.packs.set(code, change.after);
  }
}

const windowKey = (r: WindowEventRow) =>
  `${r.hisDrugCode} ${r.category} ${r.hour ?? '-'} ${r.traceCode ?? '-'} ${r.count}`;

function sale(key: string, codes: string[], overrides: Partial<BusinessRow> = {}): BusinessRow {
  const base = businessRow(key, `S-${key}`, {
    createdAt: D1,
    orderKeys: [...codes.map((c) => `code:${c}`), `bchno:${key}`],
  });
  return { ...base, ...overrides, payload: { ...base.payload, ...(overrides.payload ?? {}) } };
}

function count3501(key: string, hisDrugCode: string, invdate: string, invCnt: number): BusinessRow {
  return businessRow(key, `C-${key}`, {
    infno: '3501',
    source: 'ledger',
    orderKeys: [`bchno:${key}`],
    payload: { fixmedins_hilist_id: hisDrugCode, invdate, inv_cnt: invCnt, fixmedins_bchno: key },
  });
}

function book(hisDrugCode: string, asOf: string, quantity: number, units: number | null = null): BookStock {
  return { hisDrugCode, asOf, quantity, units, source: 'import', recordedAt: D1, recordedBy: '药剂科 王主任' };
}

export function reconciliationContract(name: string, open: () => Promise<ReconciliationHandles>): void {
  describe(`ReconciliationStore contract: ${name}`, function () {
    this.timeout(60_000);
    let h: ReconciliationHandles;
    let ledger: LedgerWriter;

    before(async () => {
      h = await open();
    });
    beforeEach(async () => {
      await h.reset();
      await h.store.saveDrugs(
        [
          drugDraft('Y0001', { prefixes: [{ prefix: '8100001', packLevel: 1, unitCount: 1 }] }),
          drugDraft('Y0002', {
            name: '硝苯地平控释片',
            unitsPerPack: 10,
            unitName: '片',
            prefixes: [{ prefix: '8100002', packLevel: 1, unitCount: 1 }],
          }),
        ],
        { actor: '信息科', source: 'import', at: D1 }
      );
      ledger = new LedgerWriter(h.store);
    });
    after(async () => {
      await h?.close();
    });

    it('counts packs by drug and state, with the units left in opened packs', async () => {
      for (let n = 1; n <= 5; n++) {
        await ledger.receive(A(n), 'Y0001', D1);
      }
      await ledger.receive(B(1), 'Y0002', D1);
      await ledger.step(A(1), 'dispense', 'dispensed', D1_LATE);
      await ledger.step(A(2), 'dispense_units', 'opened', D1_LATE, { units: 5, unitsRemaining: 19 });
      await ledger.step(A(3), 'quarantine', 'quarantined', D1_LATE);
      await ledger.step(A(4), 'scrap', 'scrapped', D1_LATE);

      const rows = await h.recon.stateCounts({ until: null });
      expect(sortRows(rows)).to.deep.equal([
        { hisDrugCode: 'Y0001', state: 'dispensed', packs: 1, unitsLeft: 0 },
        { hisDrugCode: 'Y0001', state: 'in_stock', packs: 1, unitsLeft: 0 },
        { hisDrugCode: 'Y0001', state: 'opened', packs: 1, unitsLeft: 19 },
        { hisDrugCode: 'Y0001', state: 'quarantined', packs: 1, unitsLeft: 0 },
        { hisDrugCode: 'Y0001', state: 'scrapped', packs: 1, unitsLeft: 0 },
        { hisDrugCode: 'Y0002', state: 'in_stock', packs: 1, unitsLeft: 0 },
      ]);
      expect(sortRows(await h.recon.stateCounts({ until: null, hisDrugCode: 'Y0002' }))).to.deep.equal([
        { hisDrugCode: 'Y0002', state: 'in_stock', packs: 1, unitsLeft: 0 },
      ]);
    });

    it('rebuilds the states as of the end of an earlier day from the events after it', async () => {
      for (let n = 1; n <= 4; n++) {
        await ledger.receive(A(n), 'Y0001', D1);
      }
      await ledger.step(A(2), 'dispense_units', 'opened', D1_LATE, { units: 5, unitsRemaining: 19 });
      // Day 2: a sale, more units from the opened box, a scrap, and a box received that did not exist on day 1.
      await ledger.step(A(1), 'dispense', 'dispensed', D2);
      await ledger.step(A(2), 'dispense_units', 'opened', D2, { units: 4, unitsRemaining: 15 });
      await ledger.step(A(3), 'scrap', 'scrapped', D2);
      await ledger.receive(A(9), 'Y0001', D2);

      expect(sortRows(await h.recon.stateCounts({ until: DAY2_START }))).to.deep.equal([
        { hisDrugCode: 'Y0001', state: 'in_stock', packs: 3, unitsLeft: 0 },
        { hisDrugCode: 'Y0001', state: 'opened', packs: 1, unitsLeft: 19 },
      ]);
      expect(sortRows(await h.recon.stateCounts({ until: DAY2_START, hisDrugCode: 'Y0001' }))).to.have.length(2);
      expect(sortRows(await h.recon.stateCounts({ until: null }))).to.deep.equal([
        { hisDrugCode: 'Y0001', state: 'dispensed', packs: 1, unitsLeft: 0 },
        { hisDrugCode: 'Y0001', state: 'in_stock', packs: 2, unitsLeft: 0 },
        { hisDrugCode: 'Y0001', state: 'opened', packs: 1, unitsLeft: 15 },
        { hisDrugCode: 'Y0001', state: 'scrapped', packs: 1, unitsLeft: 0 },
      ]);

      const codes = async (category: 'opened' | 'in_stock', until: string | null, limit = 10, offset = 0) =>
        h.recon.codes({ hisDrugCode: 'Y0001', category, until, from: null, limit, offset });
      const opened = await codes('opened', DAY2_START);
      expect(opened.map((c) => [c.traceCode, c.state, c.unitsLeft, c.at])).to.deep.equal([
        [A(2), 'opened', 19, D1_LATE],
      ]);
      expect((await codes('in_stock', DAY2_START)).map((c) => c.traceCode)).to.deep.equal([A(1), A(3), A(4)]);
      expect((await codes('in_stock', null)).map((c) => c.traceCode)).to.deep.equal([A(4), A(9)]);
      expect((await codes('in_stock', DAY2_START, 2, 1)).map((c) => c.traceCode)).to.deep.equal([A(3), A(4)]);
      expect((await codes('opened', null))[0]).to.deep.include({ traceCode: A(2), unitsLeft: 15, at: D2 });
    });

    it('finds the window events: implicit receipts, scraps, transfers out, refused receipts and returns', async () => {
      await ledger.receive(A(1), 'Y0001', D1);
      await ledger.receive(A(4), 'Y0001', D1);
      await ledger.receive(A(5), 'Y0001', D1);
      await ledger.receive(A(7), 'Y0001', D2, { implicit: true, prescriptionNo: 'RX-7' });
      await ledger.step(A(7), 'dispense', 'dispensed', D2);
      await ledger.step(A(4), 'scrap', 'scrapped', D1_LATE);
      await ledger.step(A(5), 'transfer_out', 'transferred_out', D2);
      await h.store.appendAudit([
        auditEntry('R1', { at: D1, traceCode: A(1), code: 'CODE_ALREADY_RECEIVED' }),
        auditEntry('R1', { at: D1_LATE, traceCode: A(1), code: 'CODE_ALREADY_RECEIVED' }),
        auditEntry('R2', { at: D2, traceCode: A(1), code: 'RECEIPT_DUPLICATE_CODE' }),
        // Never in the ledger: its drug is the owner of its prefix.
        auditEntry('T1', { at: D2, traceCode: A(8), code: 'RETURN_CODE_NOT_DISPENSED_HERE' }),
        // Not counted: a warning, another refusal, a code no drug owns, no code at all.
        auditEntry('R3', { at: D2, traceCode: A(5), code: 'CODE_ALREADY_RECEIVED', action: 'scan_warning' }),
        auditEntry('D1', { at: D2, traceCode: A(5), code: 'CODE_EXPIRED' }),
        auditEntry('T2', { at: D2, traceCode: FOREIGN, code: 'RETURN_CODE_NOT_DISPENSED_HERE' }),
        auditEntry('T3', { at: D2, traceCode: null, code: 'RETURN_ALREADY_RETURNED' }),
      ]);

      const all = (await h.recon.windowEvents({ until: null, from: null, byHour: true })).map(windowKey).sort();
      expect(all).to.deep.equal(
        [
          `Y0001 dispensed_never_received 2025-07-02T03 - 1`,
          `Y0001 received_twice 2025-07-01T02 ${A(1)} 1`,
          `Y0001 received_twice 2025-07-01T09 ${A(1)} 1`,
          `Y0001 received_twice 2025-07-02T03 ${A(1)} 1`,
          `Y0001 returns_not_matching 2025-07-02T03 ${A(8)} 1`,
          `Y0001 scrapped 2025-07-01T09 - 1`,
          `Y0001 transferred_out 2025-07-02T03 - 1`,
        ].sort()
      );
      const day2 = await h.recon.windowEvents({ until: null, from: DAY2_START, hisDrugCode: 'Y0001', byHour: true });
      expect(day2.map(windowKey).sort()).to.deep.equal(
        [
          `Y0001 dispensed_never_received 2025-07-02T03 - 1`,
          `Y0001 received_twice 2025-07-02T03 ${A(1)} 1`,
          `Y0001 returns_not_matching 2025-07-02T03 ${A(8)} 1`,
          `Y0001 transferred_out 2025-07-02T03 - 1`,
        ].sort()
      );
      expect(
        await h.recon.windowEvents({ until: DAY2_START, from: null, hisDrugCode: 'Y0002', byHour: true })
      ).to.deep.equal([]);
      // Without hours (every drug counts from the same day): one row per drug and category (and refused code).
      const whole = (await h.recon.windowEvents({ until: null, from: null, byHour: false })).map(windowKey).sort();
      expect(whole).to.deep.equal(
        [
          `Y0001 dispensed_never_received - - 1`,
          // Grouped by refusal code too: the core counts the code once.
          `Y0001 received_twice - ${A(1)} 1`,
          `Y0001 received_twice - ${A(1)} 2`,
          `Y0001 returns_not_matching - ${A(8)} 1`,
          `Y0001 scrapped - - 1`,
          `Y0001 transferred_out - - 1`,
        ].sort()
      );

      const codes = (category: Parameters<ReconciliationStore['codes']>[0]['category'], from: string | null = null) =>
        h.recon.codes({ hisDrugCode: 'Y0001', category, until: null, from, limit: 10, offset: 0 });
      expect(await codes('received_twice')).to.deep.equal([
        {
          traceCode: A(1),
          at: D2,
          ref: 'R2',
          state: 'in_stock',
          unitsLeft: null,
          refusalCode: 'CODE_ALREADY_RECEIVED',
          refusals: 3,
          uploadId: null,
          uploadState: null,
        },
      ]);
      expect((await codes('received_twice', DAY2_START))[0]).to.include({
        refusals: 1,
        refusalCode: 'RECEIPT_DUPLICATE_CODE',
      });
      expect(await codes('returns_not_matching')).to.deep.equal([
        {
          traceCode: A(8),
          at: D2,
          ref: 'T1',
          state: null,
          unitsLeft: null,
          refusalCode: 'RETURN_CODE_NOT_DISPENSED_HERE',
          refusals: 1,
          uploadId: null,
          uploadState: null,
        },
      ]);
      expect((await codes('dispensed_never_received')).map((c) => [c.traceCode, c.at, c.state])).to.deep.equal([
        [A(7), D2, 'dispensed'],
      ]);
      expect((await codes('scrapped')).map((c) => c.traceCode)).to.deep.equal([A(4)]);
      expect(await codes('scrapped', DAY2_START)).to.deep.equal([]);
      expect((await codes('transferred_out')).map((c) => c.traceCode)).to.deep.equal([A(5)]);
    });

    it('counts uploads per drug and state, and the codes sold but not uploaded, as of a day', async () => {
      for (let n = 1; n <= 3; n++) {
        await ledger.receive(A(n), 'Y0001', D1);
      }
      await ledger.receive(B(1), 'Y0002', D1);
      await h.store.commit(
        [],
        [
          sale('K1', [A(1)]),
          sale('K2', [A(2)], { state: 'delivered', delivery: { msgid: 'M2', infRefmsgid: null, at: D2 } }),
          sale('K3', [A(3)], { state: 'held' }),
          sale('K4', [A(1)], { infno: '3506', orderKeys: [`code:${A(1)}`, 'bchno:K4', 'bchno:K1'] }),
          sale('K5', [B(1)], { payload: { fixmedins_hilist_id: 'Y0002' } }),
          sale('K6', [A(3)], { createdAt: D2 }),
          // The drug is the payload's fixmedins_hilist_id as text (a HIS may send a number); none, none counted.
          sale('K7', [], { payload: { fixmedins_hilist_id: 7 } }),
          sale('K8', [], { payload: { fixmedins_hilist_id: '' } }),
        ]
      );
      const dead = await h.store.getUploadByKey('K5');
      expect(await h.store.resetUploads([dead!.id], ['pending'], { state: 'dead' }, D2)).to.equal(1);

      const tally = async (until: string | null) =>
        (await h.recon.uploadCounts({ until })).map((r) => `${r.hisDrugCode} ${r.infno} ${r.state} ${r.rows}`).sort();
      expect(await tally(null)).to.deep.equal(
        [
          'Y0001 3505 delivered 1',
          'Y0001 3505 held 1',
          'Y0001 3505 pending 2',
          'Y0001 3506 pending 1',
          'Y0002 3505 dead 1',
          '7 3505 pending 1',
        ].sort()
      );
      // On day 1: K2 not delivered yet, K5 not given up yet, K6 not written yet.
      expect(await tally(DAY2_START)).to.deep.equal(
        [
          'Y0001 3505 held 1',
          'Y0001 3505 pending 2',
          'Y0001 3506 pending 1',
          'Y0002 3505 pending 1',
          '7 3505 pending 1',
        ].sort()
      );
      const one = async (until: string | null) =>
        (await h.recon.uploadCounts({ until, hisDrugCode: 'Y0002' })).map(
          (r) => `${r.hisDrugCode} ${r.state} ${r.rows}`
        );
      expect(await one(null)).to.deep.equal(['Y0002 dead 1']);
      expect(await one(DAY2_START)).to.deep.equal(['Y0002 pending 1']);

      const unuploaded = async (until: string | null) =>
        (await h.recon.unuploadedSales({ until })).map((r) => `${r.hisDrugCode} ${r.codes}`).sort();
      expect(await unuploaded(null)).to.deep.equal(['Y0001 2', 'Y0002 1']);
      expect(await unuploaded(DAY2_START)).to.deep.equal(['Y0001 2', 'Y0002 1']);
      const codes = await h.recon.codes({
        hisDrugCode: 'Y0001',
        category: 'sold_not_uploaded',
        until: null,
        from: null,
        limit: 10,
        offset: 0,
      });
      const k1 = await h.store.getUploadByKey('K1');
      const k6 = await h.store.getUploadByKey('K6');
      expect(codes.map((c) => [c.traceCode, c.uploadId, c.uploadState, c.ref, c.at])).to.deep.equal([
        [A(1), k1!.id, 'pending', 'S-K1', D1],
        [A(3), k6!.id, 'pending', 'S-K6', D2],
      ]);
      const onDay1 = await h.recon.codes({
        hisDrugCode: 'Y0001',
        category: 'sold_not_uploaded',
        until: DAY2_START,
        from: null,
        limit: 10,
        offset: 0,
      });
      expect(onDay1.map((c) => c.traceCode)).to.deep.equal([A(1), A(2)]);
    });

    it('reads each drug’s latest 3501 count on or before a day, summed over its lots', async () => {
      await h.store.commit(
        [],
        [
          count3501('C1', 'Y0001', '2025-06-30', 5),
          count3501('C2', 'Y0001', '2025-06-30', 3),
          count3501('C3', 'Y0001', '2025-07-05', 9),
          count3501('C4', 'Y0002', '2025-06-01', 2),
        ]
      );
      const sorted = (rows: { hisDrugCode: string }[]) =>
        [...rows].sort((a, b) => (a.hisDrugCode < b.hisDrugCode ? -1 : 1));
      expect(sorted(await h.recon.lastCounts(DAY1))).to.deep.equal([
        { hisDrugCode: 'Y0001', date: '2025-06-30', packs: 8 },
        { hisDrugCode: 'Y0002', date: '2025-06-01', packs: 2 },
      ]);
      expect(await h.recon.lastCounts('2025-07-10', 'Y0001')).to.deep.equal([
        { hisDrugCode: 'Y0001', date: '2025-07-05', packs: 9 },
      ]);
      expect(await h.recon.lastCounts('2025-05-31')).to.deep.equal([]);
    });

    it('keeps one book figure per drug and day, and answers the latest on or before a day', async () => {
      await h.recon.saveBookStock([
        book('Y0001', '2025-06-30', 10),
        book('Y0001', DAY1, 8, 3),
        book('Y0002', DAY1, -2),
      ]);
      await h.recon.saveBookStock([{ ...book('Y0001', DAY1, 7), source: 'his-db', recordedBy: 'his-db:his-pg' }]);
      expect(await h.recon.bookStock(DAY1)).to.deep.equal([
        { ...book('Y0001', DAY1, 7), source: 'his-db', recordedBy: 'his-db:his-pg' },
        book('Y0002', DAY1, -2),
      ]);
      expect(await h.recon.bookStock('2025-06-30')).to.deep.equal([book('Y0001', '2025-06-30', 10)]);
      expect(await h.recon.bookStock('2025-12-31', 'Y0002')).to.deep.equal([book('Y0002', DAY1, -2)]);
      await h.recon.saveBookStock([]);
    });

    it('counts per UTC hour what the daily trend shows', async () => {
      await ledger.receive(A(1), 'Y0001', D1);
      await ledger.receive(A(2), 'Y0001', D1);
      await ledger.receive(A(3), 'Y0001', D2, { implicit: true });
      await ledger.step(A(3), 'dispense', 'dispensed', D2);
      await ledger.step(A(1), 'dispense_units', 'opened', D2, { units: 2, unitsRemaining: 22 });
      await ledger.step(A(2), 'dispense', 'dispensed', D1_LATE);
      await ledger.step(A(2), 'return_to_stock', 'in_stock', D2);
      await h.store.appendAudit([auditEntry('S1', { at: D1 }), auditEntry('S1', { at: D2, action: 'scan_warning' })]);
      await h.store.commit(
        [],
        [sale('K1', [A(2)], { state: 'delivered', delivery: { msgid: 'M1', infRefmsgid: null, at: D2 } })]
      );
      const rows = (await h.recon.hourlyCounts('2025-06-30T16:00:00.000Z', '2025-07-02T16:00:00.000Z'))
        .map((r) => `${r.hour} ${r.metric} ${r.count}`)
        .sort();
      expect(rows).to.deep.equal(
        [
          '2025-07-01T02 received 2',
          '2025-07-01T02 refused_scans 1',
          '2025-07-01T09 dispensed 1',
          '2025-07-02T03 received 1',
          '2025-07-02T03 implicit_received 1',
          '2025-07-02T03 dispensed 1',
          '2025-07-02T03 split_dispensed 1',
          '2025-07-02T03 returned 1',
          '2025-07-02T03 uploads_delivered 1',
        ].sort()
      );
      expect(await h.recon.hourlyCounts(DAY2_START, '2025-07-02T03:00:00.000Z')).to.deep.equal([]);
    });
  });
}

function sortRows<T extends { hisDrugCode: string; state: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => `${a.hisDrugCode} ${a.state}`.localeCompare(`${b.hisDrugCode} ${b.state}`));
}
