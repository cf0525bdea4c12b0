import { expect } from 'chai';
import { nextState } from '../../../core/ledger/ledger-rules.js';
import { decideDispenseScan } from '../../../core/window/decide-dispense-scan.js';
import type { ScanDecision } from '../../../core/window/scan-decision.js';
import type { Session } from '../../../core/window/session.js';
import {
  amoxicillin,
  astragalus,
  atorvastatin,
  caseInput,
  code,
  dispenseSession,
  gs1Resolved,
  metformin,
  pack,
  unitInput,
  withScan,
} from './window-fixtures.js';

const L = (lineNo: number, hisDrugCode: string, quantity: number, unit: string) => ({
  lineNo,
  hisDrugCode,
  quantity,
  unit,
});
const A = (n: number) => code(atorvastatin, n);
const LABEL = '阿托伐他汀钙片 20mg*7片';

function rejected(d: ScanDecision, machineCode: string, ...parts: string[]): string {
  expect(d.result).to.equal('rejected');
  expect(d.assignments).to.deep.equal([]);
  expect(d.duplicate).to.equal(false);
  expect(d.problem?.code).to.equal(machineCode);
  for (const p of parts) {
    expect(d.problem?.message).to.contain(p);
  }
  return d.problem?.message as string;
}

/** Scan `n` in-stock atorvastatin boxes (serials from `from`) into `s`. */
function scanBoxes(s: Session, n: number, from = 1): Session {
  for (let i = from; i < from + n; i++) {
    const d = decideDispenseScan(unitInput(s, atorvastatin, A(i), pack(A(i), atorvastatin)));
    expect(d.result, d.problem?.message).to.equal('accepted');
    s = withScan(s, A(i), d);
  }
  return s;
}

describe('dispense scan decisions', () => {
  const rx = () => dispenseSession([L(1, 'Y001', 2, '盒'), L(2, 'Y900', 30, 'g')]);

  it('accepts an in-stock box onto its line as a whole pack', () => {
    const d = decideDispenseScan(unitInput(rx(), atorvastatin, A(1), pack(A(1), atorvastatin)));
    expect(d).to.deep.equal({
      result: 'accepted',
      assignments: [{ traceCode: A(1), lineNo: 1, role: 'whole', units: null, stateAtScan: 'in_stock', via: null }],
      problem: null,
      duplicate: false,
    });
  });

  it('DRUG_NOT_ON_PRESCRIPTION names the code and the drug', () => {
    const c = code(metformin, 1);
    const msg = rejected(
      decideDispenseScan(unitInput(rx(), metformin, c, pack(c, metformin))),
      'DRUG_NOT_ON_PRESCRIPTION',
      c
    );
    expect(msg).to.equal(`追溯码 ${c} 是 二甲双胍缓释片 0.5g*30片，本处方没有这个药`);
  });

  it('LINE_EXEMPT: a 无码 line needs no scan', () => {
    const c = code(astragalus, 1);
    rejected(
      decideDispenseScan(unitInput(rx(), astragalus, c, pack(c, astragalus))),
      'LINE_EXEMPT',
      c,
      '黄芪',
      '第2行',
      '无码'
    );
  });

  it('the same code again in this session is a harmless no-op, not an alert', () => {
    const s = scanBoxes(rx(), 1);
    const d = decideDispenseScan(unitInput(s, atorvastatin, A(1), pack(A(1), atorvastatin)));
    expect(d).to.deep.equal({ result: 'accepted', assignments: [], problem: null, duplicate: true });
  });

  it('a withdrawn scan no longer counts: the code may be scanned again', () => {
    const s = scanBoxes(rx(), 1);
    const taken: Session = { ...s, scans: s.scans.map((sc) => ({ ...sc, withdrawn: true })) };
    expect(
      decideDispenseScan(unitInput(taken, atorvastatin, A(1), pack(A(1), atorvastatin))).assignments
    ).to.have.length(1);
  });

  it('CODE_NOT_RECEIVED: warns under policy warn (stateAtScan null), refuses under refuse', () => {
    const warned = decideDispenseScan(unitInput(rx(), atorvastatin, A(1), null));
    expect(warned.result).to.equal('warning');
    expect(warned.problem?.code).to.equal('CODE_NOT_RECEIVED');
    expect(warned.problem?.message).to.contain(A(1)).and.contain(LABEL).and.contain('未入库');
    expect(warned.assignments[0]).to.include({ lineNo: 1, role: 'whole', stateAtScan: null });
    const refused = decideDispenseScan(
      unitInput(rx(), atorvastatin, A(1), null, { policy: { neverReceived: 'refuse' } })
    );
    rejected(refused, 'CODE_NOT_RECEIVED', A(1), LABEL, '不能发药');
  });

  it('CODE_ALREADY_DISPENSED names when, where and the reference', () => {
    const p = pack(A(1), atorvastatin, 'dispensed', {
      updatedAt: '2026-11-21T03:04:00.000Z',
      location: '门诊西药房 1号窗口',
      ref: 'RX20261121088',
    });
    rejected(
      decideDispenseScan(unitInput(rx(), atorvastatin, A(1), p)),
      'CODE_ALREADY_DISPENSED',
      A(1),
      LABEL,
      '已发药',
      '2026-11-21 11:04',
      '门诊西药房 1号窗口',
      'RX20261121088'
    );
  });

  for (const [state, machineCode, word] of [
    ['quarantined', 'CODE_QUARANTINED', '已隔离'],
    ['scrapped', 'CODE_SCRAPPED', '已报废'],
    ['transferred_out', 'CODE_TRANSFERRED_OUT', '已调出'],
  ] as const) {
    it(`${machineCode}: a ${state} pack may not leave`, () => {
      const p = pack(A(1), atorvastatin, state);
      rejected(
        decideDispenseScan(unitInput(rx(), atorvastatin, A(1), p)),
        machineCode,
        A(1),
        LABEL,
        word,
        '药库',
        'PS-001'
      );
    });
  }

  it('CODE_EXPIRED from the ledger expiry, or from the GS1 expiry when the ledger has none', () => {
    const p = pack(A(1), atorvastatin, 'in_stock', { expiry: '2026-11-21' });
    rejected(decideDispenseScan(unitInput(rx(), atorvastatin, A(1), p)), 'CODE_EXPIRED', A(1), LABEL, '2026-11-21');
    const onDay = pack(A(1), atorvastatin, 'in_stock', { expiry: '2026-11-22' });
    expect(decideDispenseScan(unitInput(rx(), atorvastatin, A(1), onDay)).result).to.equal('accepted');
    const g = gs1Resolved(atorvastatin, 'SN1', 'L9', '2026-10-31');
    const d = decideDispenseScan(unitInput(rx(), atorvastatin, g.traceCode, null, { resolved: g }));
    rejected(d, 'CODE_EXPIRED', g.traceCode, '2026-10-31');
  });

  it('CODE_DRUG_MISMATCH: the ledger says the code belongs to another drug', () => {
    const p = { ...pack(A(1), atorvastatin), hisDrugCode: 'Y002' };
    rejected(decideDispenseScan(unitInput(rx(), atorvastatin, A(1), p)), 'CODE_DRUG_MISMATCH', A(1), LABEL, 'Y002');
  });

  it('TOO_MANY_PACKS: 应扫 2 盒，已扫满 2 盒，这一盒多了', () => {
    const s = scanBoxes(rx(), 2);
    rejected(
      decideDispenseScan(unitInput(s, atorvastatin, A(3), pack(A(3), atorvastatin))),
      'TOO_MANY_PACKS',
      A(3),
      `${LABEL} 应扫 2 盒，已扫满 2 盒，这一盒多了`
    );
  });

  it('10 片 of a 7-片 drug: the first box is whole, the second the split pack (units 3); a third is too many', () => {
    let s = dispenseSession([L(1, 'Y001', 10, '片')]);
    const first = decideDispenseScan(unitInput(s, atorvastatin, A(1), pack(A(1), atorvastatin)));
    expect(first.assignments[0]).to.include({ role: 'whole', units: null });
    s = withScan(s, A(1), first);
    const second = decideDispenseScan(unitInput(s, atorvastatin, A(2), pack(A(2), atorvastatin)));
    expect(second.assignments[0]).to.include({ role: 'split', units: 3, stateAtScan: 'in_stock' });
    s = withScan(s, A(2), second);
    rejected(
      decideDispenseScan(unitInput(s, atorvastatin, A(3), pack(A(3), atorvastatin))),
      'TOO_MANY_PACKS',
      '拆零 3片'
    );
  });

  it('an opened pack serves only the split, whatever the scan order', () => {
    let s = dispenseSession([L(1, 'Y001', 10, '片')]);
    const opened = pack(A(9), atorvastatin, 'opened', { unitsRemaining: 4 });
    const d = decideDispenseScan(unitInput(s, atorvastatin, A(9), opened));
    expect(d.assignments[0]).to.include({ lineNo: 1, role: 'split', units: 3, stateAtScan: 'opened' });
    s = withScan(s, A(9), d);
    expect(decideDispenseScan(unitInput(s, atorvastatin, A(1), pack(A(1), atorvastatin))).assignments[0]).to.include({
      role: 'whole',
    });
  });

  it('CODE_OPENED: an opened pack on a prescription with no 拆零 for the drug', () => {
    const opened = pack(A(9), atorvastatin, 'opened', { unitsRemaining: 4 });
    rejected(decideDispenseScan(unitInput(rx(), atorvastatin, A(9), opened)), 'CODE_OPENED', A(9), LABEL, '剩余 4片');
  });

  it('SPLIT_PACK_UNITS_EXCEEDED: 拆零剩余 N片，不够本次 M片', () => {
    const s = dispenseSession([L(1, 'Y001', 3, '片')]);
    const opened = pack(A(9), atorvastatin, 'opened', { unitsRemaining: 1 });
    const msg = rejected(
      decideDispenseScan(unitInput(s, atorvastatin, A(9), opened)),
      'SPLIT_PACK_UNITS_EXCEEDED',
      A(9),
      LABEL
    );
    expect(msg).to.contain('拆零剩余 1片，不够本次 3片');
  });

  it('a second opened pack for an already served split is too many', () => {
    let s = dispenseSession([L(1, 'Y001', 3, '片')]);
    const one = pack(A(8), atorvastatin, 'opened', { unitsRemaining: 5 });
    s = withScan(s, A(8), decideDispenseScan(unitInput(s, atorvastatin, A(8), one)));
    const two = pack(A(9), atorvastatin, 'opened', { unitsRemaining: 5 });
    rejected(decideDispenseScan(unitInput(s, atorvastatin, A(9), two)), 'TOO_MANY_PACKS', A(9));
  });

  it('several lines of the same drug fill in lineNo order', () => {
    let s = dispenseSession([L(3, 'Y001', 1, '盒'), L(1, 'Y001', 2, '盒'), L(2, 'Y002', 1, '盒')]);
    const lines: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const d = decideDispenseScan(unitInput(s, atorvastatin, A(i), pack(A(i), atorvastatin)));
      lines.push(d.assignments[0]?.lineNo as number);
      s = withScan(s, A(i), d);
    }
    expect(lines).to.deep.equal([1, 1, 3]);
  });

  it('splits go to the largest remainder a pack can cover, so a smaller opened pack scanned later still fits', () => {
    // Line 1 needs 3 片, line 2 needs 5 片; the 6-left pack first must not take line 1's 3.
    let s = dispenseSession([L(1, 'Y001', 3, '片'), L(2, 'Y001', 5, '片')]);
    const six = pack(A(8), atorvastatin, 'opened', { unitsRemaining: 6 });
    const four = pack(A(9), atorvastatin, 'opened', { unitsRemaining: 4 });
    const d1 = decideDispenseScan(unitInput(s, atorvastatin, A(8), six));
    expect(d1.assignments[0]).to.include({ lineNo: 2, units: 5 });
    s = withScan(s, A(8), d1);
    expect(decideDispenseScan(unitInput(s, atorvastatin, A(9), four)).assignments[0]).to.include({
      lineNo: 1,
      units: 3,
    });
  });

  it('an opened pack with 4 left serves a 3-片 split, then (1 left) is refused for the next prescription', () => {
    const opened = pack(A(9), atorvastatin, 'opened', { unitsRemaining: 4 });
    const first = dispenseSession([L(1, 'Y001', 3, '片')], {}, 'disp-A');
    const d = decideDispenseScan(unitInput(first, atorvastatin, A(9), opened));
    expect(d.assignments[0]).to.include({ role: 'split', units: 3 });
    // What completing the first session does to the pack (the ledger's own rule).
    const after = nextState(A(9), opened, { action: 'dispense_units', units: 3 });
    expect(after).to.deep.equal({ state: 'opened', unitsRemaining: 1 });
    const second = dispenseSession([L(1, 'Y001', 3, '片')], { prescriptionNo: 'RX2' }, 'disp-B');
    const msg = rejected(
      decideDispenseScan(unitInput(second, atorvastatin, A(9), { ...opened, ...after })),
      'SPLIT_PACK_UNITS_EXCEEDED'
    );
    expect(msg).to.contain('拆零剩余 1片，不够本次 3片');
  });

  describe('a case (大码) scanned at the window', () => {
    const CASE = code(atorvastatin, 500, 3);
    const units = (n: number, from = 1) => Array.from({ length: n }, (_, i) => pack(A(from + i), atorvastatin));

    it('expands to one whole-pack assignment per unit, via the case code, across lines in lineNo order', () => {
      const s = dispenseSession([L(1, 'Y001', 6, '盒'), L(2, 'Y001', 4, '盒')]);
      const d = decideDispenseScan(caseInput(s, atorvastatin, CASE, units(10)));
      expect(d.result).to.equal('accepted');
      expect(d.assignments).to.have.length(10);
      expect(d.assignments.every((a) => a.via === CASE && a.role === 'whole')).to.equal(true);
      expect(d.assignments.map((a) => a.lineNo)).to.deep.equal([1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
      // Scanning the same case again is a no-op, and so is one of its units.
      const after = withScan(s, CASE, d);
      expect(decideDispenseScan(caseInput(after, atorvastatin, CASE, units(10))).duplicate).to.equal(true);
      expect(decideDispenseScan(unitInput(after, atorvastatin, A(3), pack(A(3), atorvastatin))).duplicate).to.equal(
        true
      );
    });

    it('TOO_MANY_PACKS when the lines have no room for the whole case', () => {
      const s = dispenseSession([L(1, 'Y001', 4, '盒')]);
      rejected(
        decideDispenseScan(caseInput(s, atorvastatin, CASE, units(10))),
        'TOO_MANY_PACKS',
        CASE,
        '含 10 盒',
        '还差 4 盒'
      );
    });

    it('is refused naming the first bad unit (already dispensed, opened, expired, already scanned)', () => {
      const s = dispenseSession([L(1, 'Y001', 10, '盒')]);
      const bad = units(10);
      bad[3] = pack(A(4), atorvastatin, 'dispensed');
      rejected(
        decideDispenseScan(caseInput(s, atorvastatin, CASE, bad)),
        'CODE_ALREADY_DISPENSED',
        `大码 ${CASE} 中的追溯码 ${A(4)}`
      );
      const opened = units(10);
      opened[0] = pack(A(1), atorvastatin, 'opened', { unitsRemaining: 2 });
      rejected(decideDispenseScan(caseInput(s, atorvastatin, CASE, opened)), 'CODE_OPENED', A(1));
      const old = units(10);
      old[9] = pack(A(10), atorvastatin, 'in_stock', { expiry: '2026-01-01' });
      rejected(decideDispenseScan(caseInput(s, atorvastatin, CASE, old)), 'CODE_EXPIRED', A(10), '2026-01-01');
      const withOne = scanBoxes(s, 1, 5);
      rejected(
        decideDispenseScan(caseInput(withOne, atorvastatin, CASE, units(10))),
        'CODE_ALREADY_SCANNED',
        A(5),
        LABEL
      );
    });

    it('CASE_UNITS_UNKNOWN when no units are known; warns once for never-received units', () => {
      const s = dispenseSession([L(1, 'Y001', 10, '盒')]);
      rejected(decideDispenseScan(caseInput(s, atorvastatin, CASE, [])), 'CASE_UNITS_UNKNOWN', CASE, LABEL);
      const input = caseInput(s, atorvastatin, CASE, units(3));
      input.units = input.units.map((u) => ({ ...u, pack: null }));
      const d = decideDispenseScan(input);
      expect(d.result).to.equal('warning');
      expect(d.problem?.code).to.equal('CODE_NOT_RECEIVED');
      expect(d.problem?.message).to.contain(CASE).and.contain('3 盒');
      expect(d.assignments).to.have.length(3);
    });
  });

  it('throws only for programming errors: a receipt session, or a unit code standing for two units', () => {
    const s = { ...rx(), kind: 'receipt' as const };
    expect(() => decideDispenseScan(unitInput(s, atorvastatin, A(1), pack(A(1), atorvastatin)))).to.throw(/receipt/);
    const two = unitInput(rx(), atorvastatin, A(1), pack(A(1), atorvastatin));
    two.units = [two.units[0]!, { traceCode: A(2), pack: null, via: null }];
    expect(() => decideDispenseScan(two)).to.throw(/exactly one unit/);
  });

  it('puts amoxicillin split-only lines on the split role (0 packs + 10 粒)', () => {
    const s = dispenseSession([L(1, 'Y003', 10, '粒')]);
    const c = code(amoxicillin, 1);
    expect(decideDispenseScan(unitInput(s, amoxicillin, c, pack(c, amoxicillin))).assignments[0]).to.include({
      role: 'split',
      units: 10,
    });
  });
});
