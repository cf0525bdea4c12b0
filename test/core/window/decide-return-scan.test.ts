import { expect } from 'chai';
import { decideDispenseScan } from '../../../core/window/decide-dispense-scan.js';
import { decideReturnScan } from '../../../core/window/decide-return-scan.js';
import { dispensedCodes } from '../../../core/window/dispensed-codes.js';
import type { ScanDecision } from '../../../core/window/scan-decision.js';
import type { ReturnOrder, Session } from '../../../core/window/session.js';
import {
  amoxicillin,
  atorvastatin,
  caseInput,
  code,
  completed,
  dispenseSession,
  metformin,
  pack,
  returnSession,
  unitInput,
  withScan,
} from './window-fixtures.js';

const A = (n: number) => code(atorvastatin, n);
const LABEL = '阿托伐他汀钙片 20mg*7片';
const DISPENSED_AT = '2026-11-20T06:00:00.000Z'; // 14:00 on 2026-11-20 in Shanghai

/** The original sale: 2 boxes of atorvastatin (A1, A2) on line 1, 10 粒 of amoxicillin (split) on line 2. */
function original(): Session {
  let s = dispenseSession([
    { lineNo: 1, hisDrugCode: 'Y001', quantity: 2, unit: '盒' },
    { lineNo: 2, hisDrugCode: 'Y003', quantity: 10, unit: '粒' },
  ]);
  for (const c of [A(1), A(2)]) {
    s = withScan(s, c, decideDispenseScan(unitInput(s, atorvastatin, c, pack(c, atorvastatin))));
  }
  const m = code(amoxicillin, 1);
  s = withScan(s, m, decideDispenseScan(unitInput(s, amoxicillin, m, pack(m, amoxicillin))));
  return completed(s, DISPENSED_AT);
}

const order = (quantity = 2): ReturnOrder => ({
  dispenseId: null,
  prescriptionNo: 'RX20261122001',
  visitNo: 'V20261122001',
  reason: '患者过敏',
  lines: [{ lineNo: 1, hisDrugCode: 'Y001', quantity }],
});

/** A box as the ledger has it after the original sale. */
const sold = (c: string) =>
  pack(c, atorvastatin, 'dispensed', { updatedAt: DISPENSED_AT, location: '门诊西药房 3号窗口', ref: 'RX20261122001' });

function rejected(d: ScanDecision, machineCode: string, ...parts: string[]): void {
  expect(d.result).to.equal('rejected');
  expect(d.assignments).to.deep.equal([]);
  expect(d.problem?.code).to.equal(machineCode);
  for (const p of parts) {
    expect(d.problem?.message).to.contain(p);
  }
}

describe('return scan decisions (退药退码)', () => {
  const orig = original();
  const dispensed = dispensedCodes([orig]);

  it('accepts the box that was dispensed, onto its original line', () => {
    const d = decideReturnScan(unitInput(returnSession(order(), [orig]), atorvastatin, A(1), sold(A(1))), dispensed);
    expect(d).to.deep.equal({
      result: 'accepted',
      assignments: [{ traceCode: A(1), lineNo: 1, role: 'whole', units: null, stateAtScan: 'dispensed', via: null }],
      problem: null,
      duplicate: false,
    });
  });

  it('RETURN_CODE_NOT_DISPENSED_HERE: a different box of the same drug, naming the prescription and visit', () => {
    const other = pack(A(7), atorvastatin, 'dispensed', { ref: 'RX-OTHER', location: '门诊西药房 1号窗口' });
    rejected(
      decideReturnScan(unitInput(returnSession(order(), [orig]), atorvastatin, A(7), other), dispensed),
      'RETURN_CODE_NOT_DISPENSED_HERE',
      `追溯码 ${A(7)}（${LABEL}）不是本次就诊/处方发出的药盒`,
      '处方 RX20261122001',
      '就诊 V20261122001',
      'RX-OTHER'
    );
  });

  it('RETURN_ALREADY_RETURNED: the same box a second time, once it is back in stock or quarantine', () => {
    for (const state of ['in_stock', 'quarantined', 'opened'] as const) {
      const back = pack(A(1), atorvastatin, state, { ref: 'RT-01', location: '门诊西药房 3号窗口' });
      rejected(
        decideReturnScan(unitInput(returnSession(order(), [orig]), atorvastatin, A(1), back), dispensed),
        'RETURN_ALREADY_RETURNED',
        A(1),
        LABEL,
        state === 'in_stock' ? '在库' : state === 'quarantined' ? '已隔离' : '已拆零',
        'RT-01',
        '不能重复退药'
      );
    }
  });

  it('RETURN_CODE_DISPENSED_AGAIN: the box came back once and has since been sold to someone else', () => {
    const resold = pack(A(1), atorvastatin, 'dispensed', { ref: 'RX-LATER', location: '门诊西药房 1号窗口' });
    rejected(
      decideReturnScan(unitInput(returnSession(order(), [orig]), atorvastatin, A(1), resold), dispensed),
      'RETURN_CODE_DISPENSED_AGAIN',
      A(1),
      LABEL,
      'RX-LATER',
      'RX20261122001'
    );
  });

  it('scrapped / transferred out / not in the ledger have their own codes', () => {
    const s = returnSession(order(), [orig]);
    rejected(
      decideReturnScan(unitInput(s, atorvastatin, A(1), pack(A(1), atorvastatin, 'scrapped')), dispensed),
      'CODE_SCRAPPED',
      A(1)
    );
    rejected(
      decideReturnScan(unitInput(s, atorvastatin, A(1), pack(A(1), atorvastatin, 'transferred_out')), dispensed),
      'CODE_TRANSFERRED_OUT',
      A(1)
    );
    rejected(decideReturnScan(unitInput(s, atorvastatin, A(1), null), dispensed), 'CODE_NOT_IN_LEDGER', A(1), LABEL);
  });

  it('RETURN_WINDOW_EXPIRED after returnWindowDays calendar days, naming the dispense date and the limit', () => {
    const s = returnSession(order(), [orig]);
    expect(
      decideReturnScan(unitInput(s, atorvastatin, A(1), sold(A(1)), { today: '2026-11-27' }), dispensed).result
    ).to.equal('accepted');
    rejected(
      decideReturnScan(unitInput(s, atorvastatin, A(1), sold(A(1)), { today: '2026-11-28' }), dispensed),
      'RETURN_WINDOW_EXPIRED',
      A(1),
      LABEL,
      '2026-11-20',
      '7 天'
    );
    const strict = decideReturnScan(
      unitInput(s, atorvastatin, A(1), sold(A(1)), { today: '2026-11-21', policy: { returnWindowDays: 0 } }),
      dispensed
    );
    rejected(strict, 'RETURN_WINDOW_EXPIRED', '0 天');
  });

  it('TOO_MANY_PACKS when the return line already has its packs', () => {
    let s = returnSession(order(1), [orig]);
    s = withScan(s, A(1), decideReturnScan(unitInput(s, atorvastatin, A(1), sold(A(1))), dispensed));
    rejected(
      decideReturnScan(unitInput(s, atorvastatin, A(2), sold(A(2))), dispensed),
      'TOO_MANY_PACKS',
      A(2),
      '应退 1 盒，已扫满 1 盒'
    );
  });

  it('the same box twice in this return is a no-op', () => {
    let s = returnSession(order(), [orig]);
    s = withScan(s, A(1), decideReturnScan(unitInput(s, atorvastatin, A(1), sold(A(1))), dispensed));
    expect(decideReturnScan(unitInput(s, atorvastatin, A(1), sold(A(1))), dispensed)).to.deep.equal({
      result: 'accepted',
      assignments: [],
      problem: null,
      duplicate: true,
    });
  });

  it('DRUG_NOT_ON_RETURN names the code and the drug', () => {
    const c = code(metformin, 1);
    rejected(
      decideReturnScan(
        unitInput(returnSession(order(), [orig]), metformin, c, pack(c, metformin, 'dispensed')),
        dispensed
      ),
      'DRUG_NOT_ON_RETURN',
      c,
      '二甲双胍缓释片 0.5g*30片'
    );
  });

  it('RETURN_SPLIT_PACK: a 拆零 pack cannot come back as a whole box', () => {
    const ret: ReturnOrder = { ...order(), lines: [{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1 }] };
    const s = returnSession(ret, [orig]);
    const split = new Map(dispensed);
    split.set(A(1), { ...(dispensed.get(A(1)) as NonNullable<ReturnType<typeof dispensed.get>>), role: 'split' });
    rejected(decideReturnScan(unitInput(s, atorvastatin, A(1), sold(A(1))), split), 'RETURN_SPLIT_PACK', A(1), '拆零');
  });

  it('RETURN_LINE_NOT_ON_RETURN: the box came from a line this return does not name', () => {
    let o = dispenseSession([
      { lineNo: 1, hisDrugCode: 'Y001', quantity: 1, unit: '盒' },
      { lineNo: 2, hisDrugCode: 'Y001', quantity: 1, unit: '盒' },
    ]);
    for (const c of [A(1), A(2)]) {
      o = withScan(o, c, decideDispenseScan(unitInput(o, atorvastatin, c, pack(c, atorvastatin))));
    }
    o = completed(o, DISPENSED_AT);
    const s = returnSession({ ...order(), lines: [{ lineNo: 2, hisDrugCode: 'Y001', quantity: 1 }] }, [o]);
    rejected(
      decideReturnScan(unitInput(s, atorvastatin, A(1), sold(A(1))), dispensedCodes([o])),
      'RETURN_LINE_NOT_ON_RETURN',
      '第1行',
      A(1)
    );
    expect(
      decideReturnScan(unitInput(s, atorvastatin, A(2), sold(A(2))), dispensedCodes([o])).assignments[0]?.lineNo
    ).to.equal(2);
  });

  it('a case of returned boxes: each unit must qualify', () => {
    const CASE = code(atorvastatin, 900, 3);
    const s = returnSession(order(), [orig]);
    const ok = decideReturnScan(caseInput(s, atorvastatin, CASE, [sold(A(1)), sold(A(2))]), dispensed);
    expect(ok.assignments.map((a) => [a.traceCode, a.via])).to.deep.equal([
      [A(1), CASE],
      [A(2), CASE],
    ]);
    rejected(
      decideReturnScan(caseInput(s, atorvastatin, CASE, [sold(A(1)), sold(A(7))]), dispensed),
      'RETURN_CODE_NOT_DISPENSED_HERE',
      A(7)
    );
  });

  it('dispensedCodes keeps only completed sales, with the role each pack played', () => {
    expect(dispensedCodes([{ ...orig, state: 'open' }]).size).to.equal(0);
    expect(dispensed.get(A(1))).to.deep.include({
      sessionId: orig.id,
      lineNo: 1,
      role: 'whole',
      prescriptionNo: 'RX20261122001',
    });
    expect(dispensed.get(code(amoxicillin, 1))?.role).to.equal('split');
  });
});
