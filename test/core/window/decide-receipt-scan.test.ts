import { expect } from 'chai';
import { decideReceiptScan } from '../../../core/window/decide-receipt-scan.js';
import type { ScanDecision, ScannedUnit } from '../../../core/window/scan-decision.js';
import type { ReceiptLine } from '../../../core/window/session.js';
import {
  astragalus,
  atorvastatin,
  caseInput,
  code,
  gs1Resolved,
  metformin,
  pack,
  receiptSession,
  unitInput,
  withScan,
} from './window-fixtures.js';

const A = (n: number) => code(atorvastatin, n);
const LABEL = '阿托伐他汀钙片 20mg*7片';
const note = (lines: Partial<ReceiptLine>[]): ReceiptLine[] =>
  lines.map((l, i) => ({ lineNo: i + 1, hisDrugCode: 'Y001', lot: 'L2026A', expiry: '2028-06-30', quantity: 2, ...l }));

function rejected(d: ScanDecision, machineCode: string, ...parts: string[]): void {
  expect(d.result).to.equal('rejected');
  expect(d.problem?.code).to.equal(machineCode);
  for (const p of parts) {
    expect(d.problem?.message).to.contain(p);
  }
}

describe('receipt scan decisions', () => {
  it('accepts a new code onto its line (stateAtScan null)', () => {
    const d = decideReceiptScan(unitInput(receiptSession(note([{}])), atorvastatin, A(1), null));
    expect(d).to.deep.equal({
      result: 'accepted',
      assignments: [{ traceCode: A(1), lineNo: 1, role: 'whole', units: null, stateAtScan: null, via: null }],
      problem: null,
      duplicate: false,
    });
  });

  it('DRUG_NOT_ON_DELIVERY names the code, the drug and the note', () => {
    const c = code(metformin, 1);
    rejected(
      decideReceiptScan(unitInput(receiptSession(note([{}])), metformin, c, null)),
      'DRUG_NOT_ON_DELIVERY',
      c,
      '二甲双胍缓释片 0.5g*30片',
      'PS-20261122-01'
    );
  });

  it('CODE_ALREADY_RECEIVED: a code already in the ledger is a red flag, with its state, when and where', () => {
    const p = pack(A(1), atorvastatin, 'dispensed', { ref: 'RX-9', location: '门诊西药房 2号窗口' });
    rejected(
      decideReceiptScan(unitInput(receiptSession(note([{}])), atorvastatin, A(1), p)),
      'CODE_ALREADY_RECEIVED',
      A(1),
      LABEL,
      '已发药',
      'RX-9',
      '门诊西药房 2号窗口',
      '重复入库，请核查'
    );
  });

  it('LOT_MISMATCH / EXPIRY_MISMATCH name both values; lots compare ignoring case', () => {
    const s = receiptSession(note([{}]));
    const wrongLot = gs1Resolved(atorvastatin, 'S1', 'L2025Z', '2028-06-30');
    rejected(
      decideReceiptScan(unitInput(s, atorvastatin, wrongLot.traceCode, null, { resolved: wrongLot })),
      'LOT_MISMATCH',
      wrongLot.traceCode,
      LABEL,
      'L2025Z',
      'L2026A'
    );
    const wrongExpiry = gs1Resolved(atorvastatin, 'S2', 'L2026A', '2027-12-31');
    rejected(
      decideReceiptScan(unitInput(s, atorvastatin, wrongExpiry.traceCode, null, { resolved: wrongExpiry })),
      'EXPIRY_MISMATCH',
      '2027-12-31',
      '2028-06-30'
    );
    const lower = gs1Resolved(atorvastatin, 'S3', 'l2026a', '2028-06-30');
    expect(decideReceiptScan(unitInput(s, atorvastatin, lower.traceCode, null, { resolved: lower })).result).to.equal(
      'accepted'
    );
  });

  it('two lines of one drug with different lots: a GS1 code goes to the line of its lot', () => {
    const s = receiptSession(note([{ lot: 'LOT-A' }, { lot: 'LOT-B', expiry: '2029-01-31' }]));
    const b = gs1Resolved(atorvastatin, 'S9', 'LOT-B', '2029-01-31');
    expect(
      decideReceiptScan(unitInput(s, atorvastatin, b.traceCode, null, { resolved: b })).assignments[0]?.lineNo
    ).to.equal(2);
  });

  it('TOO_MANY_PACKS once the line is full; the same code again is a no-op', () => {
    let s = receiptSession(note([{ quantity: 1 }]));
    s = withScan(s, A(1), decideReceiptScan(unitInput(s, atorvastatin, A(1), null)));
    expect(decideReceiptScan(unitInput(s, atorvastatin, A(1), null)).duplicate).to.equal(true);
    rejected(decideReceiptScan(unitInput(s, atorvastatin, A(2), null)), 'TOO_MANY_PACKS', A(2), '应收 1 盒，已扫 1 盒');
  });

  it('CODE_EXPIRED: expired stock is registered with a warning (so it can be quarantined or scrapped)', () => {
    const s = receiptSession(note([{ expiry: '2026-11-01' }]));
    const d = decideReceiptScan(unitInput(s, atorvastatin, A(1), null));
    expect(d.result).to.equal('warning');
    expect(d.assignments).to.have.length(1);
    expect(d.problem?.code).to.equal('CODE_EXPIRED');
    expect(d.problem?.message).to.contain(A(1)).and.contain(LABEL).and.contain('2026-11-01').and.contain('不能发药');
  });

  it('LINE_EXEMPT: an exempt line takes no codes', () => {
    const s = receiptSession(note([{ hisDrugCode: 'Y900', lot: null, expiry: null, quantity: 500 }]));
    const c = code(astragalus, 1);
    rejected(decideReceiptScan(unitInput(s, astragalus, c, null)), 'LINE_EXEMPT', c, '黄芪');
  });

  describe('a case (大码) at receipt', () => {
    const CASE = code(atorvastatin, 700, 3);
    const units = (n: number): ScannedUnit[] =>
      Array.from({ length: n }, (_, i) => ({ traceCode: A(i + 1), pack: null, via: CASE }));

    it('registers all its units when all are new and the note has room', () => {
      const s = receiptSession(note([{ quantity: 10 }]));
      const input = { ...caseInput(s, atorvastatin, CASE, []), units: units(10) };
      const d = decideReceiptScan(input);
      expect(d.result).to.equal('accepted');
      expect(d.assignments).to.have.length(10);
      expect(d.assignments.every((a) => a.via === CASE && a.lineNo === 1)).to.equal(true);
    });

    it('refuses when one unit is already in the ledger, or the case does not fit', () => {
      const s = receiptSession(note([{ quantity: 10 }]));
      const known = units(10);
      known[2] = { traceCode: A(3), pack: pack(A(3), atorvastatin), via: CASE };
      rejected(
        decideReceiptScan({ ...caseInput(s, atorvastatin, CASE, []), units: known }),
        'CODE_ALREADY_RECEIVED',
        A(3),
        CASE
      );
      const small = receiptSession(note([{ quantity: 4 }]));
      rejected(
        decideReceiptScan({ ...caseInput(small, atorvastatin, CASE, []), units: units(10) }),
        'TOO_MANY_PACKS',
        CASE
      );
      rejected(decideReceiptScan(caseInput(s, atorvastatin, CASE, [])), 'CASE_UNITS_UNKNOWN', CASE);
    });
  });
});
