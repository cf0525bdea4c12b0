/**
 * The seed scenarios at the decision level: a tiny in-memory ledger (the real state machine) carries packs from
 * receipt to dispense to return, with the window's decisions in between.
 */
import { expect } from 'chai';
import type { Drug } from '../../../core/catalog/drug.js';
import { nextState } from '../../../core/ledger/ledger-rules.js';
import type { LedgerAction, Pack } from '../../../core/ledger/pack.js';
import { decideDispenseScan } from '../../../core/window/decide-dispense-scan.js';
import { decideReceiptScan } from '../../../core/window/decide-receipt-scan.js';
import { decideReturnScan } from '../../../core/window/decide-return-scan.js';
import { dispensedCodes } from '../../../core/window/dispensed-codes.js';
import { sessionSummary } from '../../../core/window/line-progress.js';
import type { Session } from '../../../core/window/session.js';
import {
  amoxicillin,
  atorvastatin,
  code,
  completed,
  dispenseSession,
  drugOf,
  gs1Resolved,
  metformin,
  receiptSession,
  returnSession,
  shuffle,
  unitInput,
  withScan,
} from './window-fixtures.js';

class MiniLedger {
  readonly packs = new Map<string, Pack>();

  receive(codes: string[], d: Drug, at = '2026-11-01T01:00:00.000Z'): void {
    for (const c of codes) {
      this.packs.set(c, {
        traceCode: c,
        hisDrugCode: d.hisDrugCode,
        state: 'in_stock',
        unitsRemaining: null,
        lot: 'L1',
        expiry: '2028-12-31',
        manufactureDate: null,
        seq: 1,
        updatedAt: at,
        location: '药库',
        ref: 'PS-1',
      });
    }
  }

  /** What completing a session does to each pack, through the real state machine. */
  complete(s: Session, at: string, ref: string): Session {
    for (const scan of s.scans.filter((x) => !x.withdrawn && x.result !== 'rejected')) {
      for (const a of scan.assignments) {
        const before = this.packs.get(a.traceCode) as Pack;
        const line = s.plan.find((l) => l.lineNo === a.lineNo);
        const action: LedgerAction =
          s.kind === 'return' ? 'return_to_stock' : a.role === 'split' ? 'dispense_units' : 'dispense';
        const next = nextState(a.traceCode, before, {
          action,
          units: a.units ?? undefined,
          unitsPerPack: line?.unitsPerPack,
        });
        this.packs.set(a.traceCode, {
          ...before,
          ...next,
          seq: before.seq + 1,
          updatedAt: at,
          location: '门诊西药房 3号窗口',
          ref,
        });
      }
    }
    return completed(s, at);
  }
}

const drugByCode = (c: string): Drug =>
  [atorvastatin, metformin, amoxicillin].find((d) => d.prefixes.some((p) => c.startsWith(p.prefix))) as Drug;

function scanAll(s: Session, codes: string[], ledger: MiniLedger): Session {
  for (const c of codes) {
    const d = decideDispenseScan(unitInput(s, drugByCode(c), c, ledger.packs.get(c) ?? null));
    expect(d.result, d.problem?.message).to.equal('accepted');
    s = withScan(s, c, d);
  }
  return s;
}

describe('window scenarios (seed documents)', () => {
  it('多码混扫: mixed scans of three drugs in random order land on the right lines', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const ledger = new MiniLedger();
      const a = [1, 2, 3].map((n) => code(atorvastatin, n));
      const m = [1].map((n) => code(metformin, n));
      const x = [1, 2].map((n) => code(amoxicillin, n));
      ledger.receive(a, atorvastatin);
      ledger.receive(m, metformin);
      ledger.receive(x, amoxicillin);
      let s = dispenseSession([
        { lineNo: 1, hisDrugCode: 'Y001', quantity: 2, unit: '盒' },
        { lineNo: 2, hisDrugCode: 'Y002', quantity: 1, unit: '盒' },
        { lineNo: 3, hisDrugCode: 'Y003', quantity: 30, unit: '粒' },
        { lineNo: 4, hisDrugCode: 'Y001', quantity: 1, unit: '盒' },
        { lineNo: 5, hisDrugCode: 'Y900', quantity: 30, unit: 'g' },
      ]);
      s = scanAll(s, shuffle([...a, ...m, ...x], seed), ledger);
      const assigned = s.scans.flatMap((sc) => sc.assignments);
      for (const as of assigned) {
        const line = s.plan.find((l) => l.lineNo === as.lineNo);
        expect(line?.hisDrugCode).to.equal(drugByCode(as.traceCode).hisDrugCode);
      }
      // Same drug on lines 1 and 4: line 1 fills first, whatever the order.
      expect(assigned.filter((as) => as.lineNo === 1)).to.have.length(2);
      expect(assigned.filter((as) => as.lineNo === 4)).to.have.length(1);
      expect(
        assigned
          .filter((as) => as.lineNo === 3)
          .map((as) => as.role)
          .sort()
      ).to.deep.equal(['split', 'whole']);
      const summary = sessionSummary(s, { requireSplitScan: true });
      expect(summary.complete, JSON.stringify(summary.problems)).to.equal(true);
      // The 中药饮片 line (5) is complete with no scans.
      expect(summary.progress.find((p) => p.lineNo === 5)).to.include({
        exempt: true,
        scannedPacks: 0,
        complete: true,
      });
    }
  });

  it('退药退码: a different box is refused, the right box accepted, and refused the second time', () => {
    const ledger = new MiniLedger();
    const [a1, a2, a3] = [1, 2, 3].map((n) => code(atorvastatin, n)) as [string, string, string];
    ledger.receive([a1, a2, a3], atorvastatin);
    let sale = dispenseSession([{ lineNo: 1, hisDrugCode: 'Y001', quantity: 2, unit: '盒' }]);
    sale = ledger.complete(scanAll(sale, [a1, a2], ledger), '2026-11-20T02:00:00.000Z', 'RX20261122001');
    // a3 went to someone else.
    let other = dispenseSession(
      [{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1, unit: '盒' }],
      { prescriptionNo: 'RX-OTHER' },
      'disp-other'
    );
    other = ledger.complete(scanAll(other, [a3], ledger), '2026-11-21T02:00:00.000Z', 'RX-OTHER');

    const order = {
      dispenseId: null,
      prescriptionNo: 'RX20261122001',
      visitNo: null,
      reason: '不需要了',
      lines: [{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1 }],
    };
    const dispensed = dispensedCodes([sale]);
    let ret = returnSession(order, [sale]);
    const wrong = decideReturnScan(unitInput(ret, atorvastatin, a3, ledger.packs.get(a3) ?? null), dispensed);
    expect(wrong.problem?.code).to.equal('RETURN_CODE_NOT_DISPENSED_HERE');
    expect(wrong.problem?.message).to.contain('RX-OTHER');
    const right = decideReturnScan(unitInput(ret, atorvastatin, a1, ledger.packs.get(a1) ?? null), dispensed);
    expect(right.result).to.equal('accepted');
    ret = ledger.complete(withScan(ret, a1, right), '2026-11-22T02:00:00.000Z', 'RT-1');
    expect(ledger.packs.get(a1)?.state).to.equal('in_stock');

    const again = returnSession(order, [sale], 'retn-0002');
    const second = decideReturnScan(unitInput(again, atorvastatin, a1, ledger.packs.get(a1) ?? null), dispensed);
    expect(second.problem?.code).to.equal('RETURN_ALREADY_RETURNED');
    expect(second.problem?.message).to.contain('在库').and.contain('RT-1');
    expect(ret.state).to.equal('completed');
    expect(other.state).to.equal('completed');
  });

  it('a return after the window is refused', () => {
    const ledger = new MiniLedger();
    const a1 = code(atorvastatin, 1);
    ledger.receive([a1], atorvastatin);
    const sale = ledger.complete(
      scanAll(dispenseSession([{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1, unit: '盒' }]), [a1], ledger),
      '2026-11-01T02:00:00.000Z',
      'RX20261122001'
    );
    const ret = returnSession(
      {
        dispenseId: sale.id,
        prescriptionNo: null,
        visitNo: null,
        reason: null,
        lines: [{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1 }],
      },
      [sale]
    );
    const d = decideReturnScan(unitInput(ret, atorvastatin, a1, ledger.packs.get(a1) ?? null), dispensedCodes([sale]));
    expect(d.problem?.code).to.equal('RETURN_WINDOW_EXPIRED');
    expect(d.problem?.message).to.contain('2026-11-01').and.contain('7 天');
  });

  it('an opened pack keeps serving splits until its units run out', () => {
    const ledger = new MiniLedger();
    const a1 = code(atorvastatin, 1);
    ledger.receive([a1], atorvastatin);
    const threeTablets = (id: string) =>
      dispenseSession([{ lineNo: 1, hisDrugCode: 'Y001', quantity: 3, unit: '片' }], {}, id);
    ledger.complete(scanAll(threeTablets('d1'), [a1], ledger), '2026-11-22T01:00:00.000Z', 'RX-1'); // opens: 7 → 4
    expect(ledger.packs.get(a1)).to.include({ state: 'opened', unitsRemaining: 4 });
    ledger.complete(scanAll(threeTablets('d2'), [a1], ledger), '2026-11-22T01:10:00.000Z', 'RX-2'); // 4 → 1
    expect(ledger.packs.get(a1)).to.include({ state: 'opened', unitsRemaining: 1 });
    const third = decideDispenseScan(unitInput(threeTablets('d3'), atorvastatin, a1, ledger.packs.get(a1) ?? null));
    expect(third.problem?.code).to.equal('SPLIT_PACK_UNITS_EXCEEDED');
    expect(third.problem?.message).to.contain('拆零剩余 1片，不够本次 3片');
  });

  it('receipt: a lot that differs from the delivery note is refused', () => {
    const s = receiptSession([
      { lineNo: 1, hisDrugCode: 'Y001', lot: 'B20260901', expiry: '2028-08-31', quantity: 10 },
    ]);
    const g = gs1Resolved(atorvastatin, 'X1', 'B20260801', '2028-08-31');
    const d = decideReceiptScan(unitInput(s, atorvastatin, g.traceCode, null, { resolved: g }));
    expect(d.problem?.code).to.equal('LOT_MISMATCH');
    expect(d.problem?.message).to.contain('B20260801').and.contain('B20260901');
    expect(drugOf('Y001')).to.equal(atorvastatin);
  });
});
