import { expect } from 'chai';
import { TracegateError } from '../../../core/errors.js';
import { planDispense, planReceipt, planReturn } from '../../../core/window/plan-lines.js';
import type { ReturnOrder } from '../../../core/window/session.js';
import { decideDispenseScan } from '../../../core/window/decide-dispense-scan.js';
import {
  amoxicillin,
  atorvastatin,
  code,
  completed,
  dispenseOrder,
  dispenseSession,
  drugOf,
  pack,
  unitInput,
  withScan,
} from './window-fixtures.js';

function refusal(fn: () => unknown): TracegateError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(TracegateError);
    return e as TracegateError;
  }
  throw new Error('expected a refusal');
}

const line = (lineNo: number, hisDrugCode: string, quantity: number, unit: string) => ({
  lineNo,
  hisDrugCode,
  quantity,
  unit,
});

describe('window plan: dispense lines (应扫 whole packs + 拆零 remainder)', () => {
  it('10 片 of a 7-片 box is 1 pack + 3 split; 3 片 is 0 + 3; 2 盒 is 2 packs', () => {
    const plan = planDispense(
      dispenseOrder([line(1, 'Y001', 10, '片'), line(2, 'Y001', 3, '片'), line(3, 'Y001', 2, '盒')]),
      drugOf
    );
    expect(plan.map((p) => [p.lineNo, p.packs, p.splitUnits])).to.deep.equal([
      [1, 1, 3],
      [2, 0, 3],
      [3, 2, 0],
    ]);
    expect(plan[0]).to.include({
      hisDrugCode: 'Y001',
      drugName: '阿托伐他汀钙片 20mg*7片',
      exempt: false,
      unitsPerPack: 7,
      lot: null,
      expiry: null,
    });
  });

  it("reads 'unit' and '最小单位' as smallest units, anything else as whole packs", () => {
    const plan = planDispense(
      dispenseOrder([line(1, 'Y001', 14, 'unit'), line(2, 'Y001', 8, '最小单位'), line(3, 'Y001', 1, 'pack')]),
      drugOf
    );
    expect(plan.map((p) => [p.packs, p.splitUnits])).to.deep.equal([
      [2, 0],
      [1, 1],
      [1, 0],
    ]);
  });

  it('converts a fractional pack quantity to units (1.5 盒 of 24 粒 = 1 pack + 12 粒) and refuses half a unit', () => {
    const [p] = planDispense(dispenseOrder([line(1, 'Y003', 1.5, '盒')]), drugOf);
    expect([p?.packs, p?.splitUnits]).to.deep.equal([1, 12]);
    const e = refusal(() => planDispense(dispenseOrder([line(1, 'Y001', 1.5, '盒')]), drugOf));
    expect(e.code).to.equal('ORDER_QUANTITY_NOT_WHOLE_UNITS');
    expect(e.message).to.contain('第1行').and.contain('Y001').and.contain('阿托伐他汀钙片').and.contain('10.5');
  });

  it('plans an exempt (无码) line with nothing to scan', () => {
    const [p] = planDispense(dispenseOrder([line(1, 'Y900', 30, 'g')]), drugOf);
    expect(p).to.include({ exempt: true, packs: 0, splitUnits: 0 });
  });

  it('keeps the plan in lineNo order whatever order the HIS sent', () => {
    const plan = planDispense(dispenseOrder([line(3, 'Y002', 1, '盒'), line(1, 'Y001', 1, '盒')]), drugOf);
    expect(plan.map((p) => p.lineNo)).to.deep.equal([1, 3]);
  });

  it('refuses an unknown drug naming the line and the code', () => {
    const e = refusal(() => planDispense(dispenseOrder([line(1, 'Y001', 1, '盒'), line(2, 'Y404', 1, '盒')]), drugOf));
    expect(e.code).to.equal('ORDER_DRUG_UNKNOWN');
    expect(e.kind).to.equal('refused');
    expect(e.message).to.contain('第2行').and.contain('Y404');
  });

  it('refuses a quantity that is not a positive number', () => {
    for (const q of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const e = refusal(() => planDispense(dispenseOrder([line(1, 'Y001', q, '盒')]), drugOf));
      expect(e.code).to.equal('ORDER_QUANTITY_INVALID');
      expect(e.message).to.contain('第1行').and.contain('阿托伐他汀钙片');
    }
  });

  it('refuses a duplicate line number and an empty order', () => {
    const e = refusal(() => planDispense(dispenseOrder([line(1, 'Y001', 1, '盒'), line(1, 'Y002', 1, '盒')]), drugOf));
    expect(e.code).to.equal('ORDER_LINE_DUPLICATE');
    expect(e.message).to.contain('第1行');
    expect(refusal(() => planDispense(dispenseOrder([]), drugOf)).code).to.equal('ORDER_EMPTY');
  });
});

describe('window plan: receipt lines', () => {
  it('takes whole packs, lot and expiry from the delivery note; exempt lines need no codes', () => {
    const plan = planReceipt(
      {
        deliveryNo: 'PS1',
        supplier: '国药',
        lines: [
          { lineNo: 1, hisDrugCode: 'Y001', lot: 'L1', expiry: '2028-01-31', quantity: 20 },
          { lineNo: 2, hisDrugCode: 'Y900', lot: null, expiry: null, quantity: 500 },
        ],
      },
      drugOf
    );
    expect(plan[0]).to.include({ packs: 20, splitUnits: 0, lot: 'L1', expiry: '2028-01-31', exempt: false });
    expect(plan[1]).to.include({ exempt: true, packs: 0 });
  });

  it('refuses half packs and a malformed expiry', () => {
    const note = (quantity: number, expiry: string | null) => ({
      deliveryNo: 'PS1',
      supplier: '国药',
      lines: [{ lineNo: 1, hisDrugCode: 'Y001', lot: null, expiry, quantity }],
    });
    expect(refusal(() => planReceipt(note(2.5, null), drugOf)).code).to.equal('ORDER_QUANTITY_NOT_WHOLE_PACKS');
    expect(refusal(() => planReceipt(note(2, '2028/01/31'), drugOf)).code).to.equal('RECEIPT_EXPIRY_INVALID');
  });
});

describe('window plan: return lines', () => {
  /** A completed dispense of 3 boxes of atorvastatin (line 1) and 10 粒 of amoxicillin (line 2, split only). */
  function original() {
    let s = dispenseSession([line(1, 'Y001', 3, '盒'), line(2, 'Y003', 10, '粒'), line(3, 'Y900', 20, 'g')]);
    for (let i = 1; i <= 3; i++) {
      const c = code(atorvastatin, i);
      s = withScan(s, c, decideDispenseScan(unitInput(s, atorvastatin, c, pack(c, atorvastatin))));
    }
    const c = code(amoxicillin, 1);
    s = withScan(s, c, decideDispenseScan(unitInput(s, amoxicillin, c, pack(c, amoxicillin))));
    return completed(s);
  }
  const ret = (lines: ReturnOrder['lines']): ReturnOrder => ({
    dispenseId: null,
    prescriptionNo: 'RX20261122001',
    visitNo: null,
    reason: '患者过敏',
    lines,
  });

  it('plans whole packs up to what the original line dispensed', () => {
    const plan = planReturn(ret([{ lineNo: 1, hisDrugCode: 'Y001', quantity: 2 }]), [original()], drugOf);
    expect(plan[0]).to.include({ lineNo: 1, packs: 2, splitUnits: 0, exempt: false });
  });

  it('refuses more than was dispensed, naming line, drug, dispensed and requested', () => {
    const e = refusal(() => planReturn(ret([{ lineNo: 1, hisDrugCode: 'Y001', quantity: 4 }]), [original()], drugOf));
    expect(e.code).to.equal('RETURN_EXCEEDS_DISPENSED');
    expect(e.message)
      .to.contain('第1行')
      .and.contain('Y001')
      .and.contain('阿托伐他汀钙片')
      .and.contain('发出 3')
      .and.contain('退 4');
    expect(e.details).to.include({ dispensed: 3, requested: 4 });
  });

  it('does not count 拆零 units as returnable whole packs, nor withdrawn scans', () => {
    const e = refusal(() => planReturn(ret([{ lineNo: 2, hisDrugCode: 'Y003', quantity: 1 }]), [original()], drugOf));
    expect(e.code).to.equal('RETURN_EXCEEDS_DISPENSED');
    const o = original();
    const withdrawn = { ...o, scans: o.scans.map((sc, i) => (i === 0 ? { ...sc, withdrawn: true } : sc)) };
    expect(
      refusal(() => planReturn(ret([{ lineNo: 1, hisDrugCode: 'Y001', quantity: 3 }]), [withdrawn], drugOf)).code
    ).to.equal('RETURN_EXCEEDS_DISPENSED');
  });

  it('lets an exempt line come back without codes', () => {
    const [p] = planReturn(ret([{ lineNo: 3, hisDrugCode: 'Y900', quantity: 20 }]), [original()], drugOf);
    expect(p).to.include({ exempt: true, packs: 0 });
  });

  it('refuses without a completed original, and a line the original does not have', () => {
    const e = refusal(() => planReturn(ret([{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1 }]), [], drugOf));
    expect(e.code).to.equal('RETURN_ORIGINAL_NOT_FOUND');
    expect(e.message).to.contain('RX20261122001');
    const open = { ...original(), state: 'open' as const };
    expect(
      refusal(() => planReturn(ret([{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1 }]), [open], drugOf)).code
    ).to.equal('RETURN_ORIGINAL_NOT_FOUND');
    const f = refusal(() => planReturn(ret([{ lineNo: 1, hisDrugCode: 'Y002', quantity: 1 }]), [original()], drugOf));
    expect(f.code).to.equal('RETURN_LINE_NOT_IN_ORIGINAL');
    expect(f.message).to.contain('第1行').and.contain('Y002');
  });
});
