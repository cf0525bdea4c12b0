/** Each anomaly rule on hand-built query results: when it fires, its risk, its evidence and its sentence. */
import { expect } from 'chai';
import type { Drug } from '../../../core/catalog/drug.js';
import type { AuditedScan, CodeEvent, DispenseRecord } from '../../../core/ports/anomaly-store.js';
import type { LedgerAction } from '../../../core/ledger/pack.js';
import { agentManyPatients } from '../../../core/anomalies/rules/agent-many-patients.js';
import { dispensedNeverReceived } from '../../../core/anomalies/rules/dispensed-never-received.js';
import { overQuantity } from '../../../core/anomalies/rules/over-quantity.js';
import { resalesByCode } from '../../../core/anomalies/rules/repeat-sales.js';
import { returnNotMatching } from '../../../core/anomalies/rules/return-not-matching.js';
import { returnedCodeSoldAgain } from '../../../core/anomalies/rules/returned-code-sold-again.js';
import type { RuleContext } from '../../../core/anomalies/rules/rule-context.js';
import { sameCodeSoldTwice } from '../../../core/anomalies/rules/same-code-sold-twice.js';
import { salesAboveReceipts } from '../../../core/anomalies/rules/sales-above-receipts.js';
import { defaultThresholds } from '../../../core/anomalies/thresholds.js';
import type { DispenseOrder, Session } from '../../../core/window/session.js';
import { dispenseOrder } from '../../support/anomaly-world.js';
import { drugs as windowDrugs } from '../window/window-fixtures.js';

const CODE = '81000010000000000001';
const T = (day: number, hour = 9): string => new Date(Date.UTC(2026, 10, day, hour - 8)).toISOString();
const drugOf = (code: string): Drug | undefined => windowDrugs.find((d) => d.hisDrugCode === code);

function ctx(overrides: Partial<RuleContext> = {}): RuleContext {
  const records: DispenseRecord[] = [
    {
      sessionId: 'D1',
      prescriptionNo: 'RX1',
      patientName: '张三',
      contact: null,
      createdBy: '药师 甲',
      location: '1号窗口',
      completedAt: T(20),
    },
    {
      sessionId: 'D2',
      prescriptionNo: 'RX2',
      patientName: '李四',
      contact: null,
      createdBy: '药师 乙',
      location: '急诊药房',
      completedAt: T(21),
    },
  ];
  return {
    period: { from: T(15), to: T(22) },
    thresholds: defaultThresholds,
    drugOf,
    dispenses: new Map(records.map((r) => [r.prescriptionNo, r])),
    ...overrides,
  };
}

function event(
  seq: number,
  action: LedgerAction,
  at: string,
  ref: string | null,
  location: string | null = '1号窗口'
): CodeEvent {
  return {
    traceCode: CODE,
    hisDrugCode: 'Y001',
    seq,
    action,
    occurredAt: at,
    actor: '药师 甲',
    location,
    ref,
    reason: null,
  };
}

function attempt(rx: string, patient: string, at: string, packRef = 'RX1'): AuditedScan {
  return {
    at,
    actor: '药师 乙',
    action: 'scan_refused',
    code: 'CODE_ALREADY_DISPENSED',
    reason: '同一药盒不能重复发药',
    traceCode: CODE,
    raw: CODE,
    sessionId: `S-${rx}`,
    session: {
      kind: 'dispense',
      state: 'open',
      prescriptionNo: rx,
      visitNo: null,
      patientName: patient,
      location: '急诊药房',
      createdBy: '药师 乙',
    },
    pack: { hisDrugCode: 'Y001', state: 'dispensed', ref: packRef, location: '1号窗口', since: T(20) },
  };
}

function dispenseSession(
  id: string,
  patient: string,
  lines: [string, number, number][],
  agent?: DispenseOrder['agent']
): Session {
  const order = dispenseOrder(
    `RX-${id}`,
    `V-${id}`,
    patient,
    lines.map(([code, packs]) => ({ hisDrugCode: code, quantity: packs, unit: '盒' })),
    agent
  );
  return {
    id,
    kind: 'dispense',
    state: 'completed',
    location: '1号窗口',
    createdAt: T(20),
    createdBy: '药师 甲',
    order,
    plan: lines.map(([code, packs, split], i) => ({
      lineNo: i + 1,
      hisDrugCode: code,
      drugName: drugOf(code)?.name ?? code,
      exempt: false,
      packs,
      splitUnits: split,
      unitsPerPack: 7,
      lot: null,
      expiry: null,
    })),
    scans: [],
    completedAt: T(20, 10),
    completedBy: '药师 甲',
    override: null,
    version: 3,
  };
}

describe('anomaly rules', () => {
  describe('SAME_CODE_SOLD_TWICE', () => {
    it('is high when the ledger shows two sales without a return (a correction between)', () => {
      const events = [
        event(2, 'dispense', T(20), 'RX1'),
        { ...event(3, 'correct', T(20, 12), null), reason: '误操作' },
        event(4, 'dispense', T(21), 'RX2'),
      ];
      const [f, ...rest] = sameCodeSoldTwice(resalesByCode(events), [], ctx());
      expect(rest).to.deep.equal([]);
      expect(f).to.include({
        type: 'SAME_CODE_SOLD_TWICE',
        subjectKey: CODE,
        risk: 'high',
        hisDrugCode: 'Y001',
        occurredAt: T(21),
      });
      expect((f!.evidence as any).sales.map((s: any) => [s.prescriptionNo, s.patientName])).to.deep.equal([
        ['RX1', '张三'],
        ['RX2', '李四'],
      ]);
      expect((f!.evidence as any).corrections).to.deep.equal([{ at: T(20, 12), actor: '药师 甲', reason: '误操作' }]);
      expect(f!.summary).to.contain('未经退药被销售 2 次').and.contain('处方 RX1（张三）');
    });

    it('rates refused attempts: another prescription medium, two others high, the same one low', () => {
      const one = sameCodeSoldTwice(new Map(), [attempt('RX9', '王五', T(21))], ctx())[0]!;
      expect(one.risk).to.equal('medium');
      expect(one.summary).to.contain('随处方 RX1（张三）发出').and.contain('被处方 RX9（王五）再次扫码销售，已拦截');
      expect((one.evidence as any).originalSale).to.include({
        prescriptionNo: 'RX1',
        patientName: '张三',
        pharmacist: '药师 甲',
      });
      const two = sameCodeSoldTwice(
        new Map(),
        [attempt('RX9', '王五', T(21)), attempt('RX8', '赵六', T(21, 11))],
        ctx()
      )[0]!;
      expect(two.risk).to.equal('high');
      expect(two.summary).to.contain('（共 2 次）');
      const same = sameCodeSoldTwice(new Map(), [attempt('RX1', '张三', T(21))], ctx())[0]!;
      expect(same.risk).to.equal('low');
      expect(same.summary).to.contain('同一处方重复上传');
    });

    it('ignores resales with a return between, and refusals of other codes or outside a dispense', () => {
      const events = [
        event(2, 'dispense', T(20), 'RX1'),
        event(3, 'return_to_stock', T(20, 12), 'T1'),
        event(4, 'dispense', T(21), 'RX2'),
      ];
      const other = { ...attempt('RX9', '王五', T(21)), code: 'CODE_EXPIRED' };
      const inReturn = {
        ...attempt('RX9', '王五', T(21)),
        session: { ...attempt('RX9', '王五', T(21)).session!, kind: 'return' },
      };
      expect(sameCodeSoldTwice(resalesByCode(events), [other, inReturn], ctx())).to.deep.equal([]);
    });
  });

  describe('RETURNED_CODE_SOLD_AGAIN', () => {
    const sold = (resaleLocation: string | null) => [
      event(2, 'dispense', T(20), 'RX1'),
      { ...event(3, 'return_to_stock', T(20, 12), 'T1'), reason: '患者退药' },
      event(4, 'dispense', T(21), 'RX2', resaleLocation),
    ];

    it('is high when sold again elsewhere, low at the same place, medium when the place is unknown', () => {
      expect(returnedCodeSoldAgain(resalesByCode(sold('急诊药房')), ctx())[0]!.risk).to.equal('high');
      expect(returnedCodeSoldAgain(resalesByCode(sold('1号窗口')), ctx())[0]!.risk).to.equal('low');
      expect(returnedCodeSoldAgain(resalesByCode(sold(null)), ctx())[0]!.risk).to.equal('medium');
      const [f] = returnedCodeSoldAgain(resalesByCode(sold('急诊药房')), ctx());
      expect((f!.evidence as any).rounds[0].return).to.deep.include({
        returnId: 'T1',
        reason: '患者退药',
        action: 'return_to_stock',
      });
      expect(f!.summary).to.contain('退回').and.contain('又在急诊药房随处方 RX2（李四）再次销售');
    });

    it('does not fire without a return between the sales', () => {
      expect(
        returnedCodeSoldAgain(
          resalesByCode([event(2, 'dispense', T(20), 'RX1'), event(3, 'dispense', T(21), 'RX2')]),
          ctx()
        )
      ).to.deep.equal([]);
    });
  });

  describe('DISPENSED_NEVER_RECEIVED and SALES_ABOVE_RECEIPTS', () => {
    const sale = (n: number, hisDrugCode = 'Y001') => ({
      traceCode: `8100001000000000000${n}`,
      hisDrugCode,
      soldAt: T(20, 9 + n),
      actor: '药师 甲',
      location: '1号窗口',
      prescriptionNo: 'RX1',
      packState: 'dispensed' as const,
    });

    it('makes one finding per pack: high for a 集采 drug, medium otherwise', () => {
      const [vbp, other] = dispensedNeverReceived([sale(1), sale(2, 'Y002')], ctx());
      expect(vbp).to.include({ type: 'DISPENSED_NEVER_RECEIVED', risk: 'high', subjectKey: sale(1).traceCode });
      expect(vbp!.summary).to.contain('集采').and.contain('本院没有它的入库记录');
      expect((vbp!.evidence as any).sale).to.include({ prescriptionNo: 'RX1', patientName: '张三' });
      expect(other!.risk).to.equal('medium');
    });

    it('makes one finding per drug from the minimum; high from the ratio (the Jiangjin case: 300 sold, 50 received)', () => {
      const c = ctx({ thresholds: { ...defaultThresholds, salesAboveReceipts: { minUnreceived: 5, highRatio: 0.2 } } });
      const [f] = salesAboveReceipts([{ hisDrugCode: 'Y003', sold: 300, unreceived: 250 }], [sale(1, 'Y003')], c);
      expect(f).to.include({ type: 'SALES_ABOVE_RECEIPTS', subjectKey: 'Y003', risk: 'high', hisDrugCode: 'Y003' });
      expect(f!.evidence).to.deep.include({ sold: 300, received: 50, unreceived: 250, ratio: 0.833 });
      expect(f!.summary).to.contain('销售 300 盒').and.contain('250 盒本院没有入库记录').and.contain('仅 50 盒');
      expect(salesAboveReceipts([{ hisDrugCode: 'Y003', sold: 300, unreceived: 10 }], [], c)[0]!.risk).to.equal(
        'medium'
      );
      expect(salesAboveReceipts([{ hisDrugCode: 'Y003', sold: 300, unreceived: 4 }], [], c)).to.deep.equal([]);
    });
  });

  describe('RETURN_NOT_MATCHING', () => {
    const refusal = (code: string, sessionId = 'T1'): AuditedScan => ({
      at: T(21),
      actor: '药师 甲',
      action: 'scan_refused',
      code,
      reason: `追溯码 ${CODE} 不是本次就诊/处方发出的药盒`,
      traceCode: CODE,
      raw: CODE,
      sessionId,
      session: {
        kind: 'return',
        state: 'cancelled',
        prescriptionNo: 'RX1',
        visitNo: null,
        patientName: null,
        location: '1号窗口',
        createdBy: '药师 甲',
      },
      pack: null,
    });

    it('groups refusals per return session with the highest risk among them', () => {
      const found = returnNotMatching(
        [refusal('RETURN_CODE_NOT_DISPENSED_HERE'), refusal('CODE_NOT_IN_LEDGER'), refusal('DRUG_NOT_ON_RETURN', 'T2')],
        ctx()
      );
      expect(found.map((f) => [f.subjectKey, f.risk])).to.deep.equal([
        ['T1', 'high'],
        ['T2', 'low'],
      ]);
      expect(found[0]!.evidence).to.deep.include({
        returnId: 'T1',
        prescriptionNo: 'RX1',
        patientName: '张三',
        returnState: 'cancelled',
      });
      expect(found[0]!.summary).to.contain('退药 T1（原处方 RX1 张三）').and.contain('被拒 2 次');
    });

    it('ignores other refusals and refusals outside returns', () => {
      const inDispense = { ...refusal('CODE_DRUG_MISMATCH'), session: { ...refusal('x').session!, kind: 'dispense' } };
      expect(returnNotMatching([refusal('RETURN_WINDOW_EXPIRED'), inDispense], ctx())).to.deep.equal([]);
    });
  });

  describe('AGENT_MANY_PATIENTS (the seed’s 代办人)', () => {
    const agent = { name: '王五', phone: '13900001111' };
    const names = ['赵一', '钱二', '孙三', '李四', '周五', '吴六', '郑七', '王八', '冯九', '陈十'];

    it('fires from minPatients names and minPrescriptions, high from highPatients, counting 集采 prescriptions', () => {
      const sessions = names.map((n, i) => dispenseSession(`D${i}`, n, [['Y001', 2, 0]], agent));
      const [f] = agentManyPatients(sessions, ctx());
      expect(f).to.include({
        type: 'AGENT_MANY_PATIENTS',
        subjectKey: 'tel:13900001111',
        risk: 'high',
        hisDrugCode: 'Y001',
      });
      expect((f!.evidence as any).patients).to.deep.equal(names);
      expect((f!.evidence as any).vbpBoxes).to.deep.equal([{ hisDrugCode: 'Y001', name: '阿托伐他汀钙片', boxes: 20 }]);
      expect(f!.summary).to.contain('王五，电话 139****1111').and.contain('10 名不同姓名').and.contain('共 20 盒');
      expect(agentManyPatients(sessions.slice(0, 6), ctx())[0]!.risk).to.equal('medium');
      expect(agentManyPatients(sessions.slice(0, 4), ctx())).to.deep.equal([]);
    });

    it('with vbpOnly, counts only prescriptions with a 集采 drug; the same name twice counts once', () => {
      const notVbp = names.map((n, i) => dispenseSession(`D${i}`, n, [['Y002', 1, 0]], agent));
      expect(agentManyPatients(notVbp, ctx())).to.deep.equal([]);
      const off = ctx({ thresholds: { ...defaultThresholds, agent: { ...defaultThresholds.agent, vbpOnly: false } } });
      expect(agentManyPatients(notVbp, off)).to.have.length(1);
      const sameName = names.map((_, i) => dispenseSession(`D${i}`, '赵一', [['Y001', 1, 0]], agent));
      expect(agentManyPatients(sameName, ctx())).to.deep.equal([]);
    });

    it('never groups dispenses without an agent', () => {
      expect(
        agentManyPatients(
          names.map((n, i) => dispenseSession(`D${i}`, n, [['Y001', 1, 0]])),
          ctx()
        )
      ).to.deep.equal([]);
    });
  });

  describe('OVER_QUANTITY', () => {
    it('fires above the line limit (a 拆零 remainder counts as a box); high from twice the limit; per-drug limits win', () => {
      expect(overQuantity([dispenseSession('D1', '张三', [['Y001', 12, 0]])], ctx())).to.deep.equal([]);
      const [over] = overQuantity([dispenseSession('D1', '张三', [['Y001', 12, 3]])], ctx());
      expect(over).to.include({ type: 'OVER_QUANTITY', subjectKey: 'D1', risk: 'medium', hisDrugCode: 'Y001' });
      expect((over!.evidence as any).lines[0]).to.include({ boxes: 13, limit: 12, vbp: true });
      expect(over!.summary).to.contain('处方 RX-D1（张三，医生 李岚）').and.contain('13 盒，超过每行上限 12 盒');
      expect(overQuantity([dispenseSession('D2', '李四', [['Y001', 26, 0]])], ctx())[0]!.risk).to.equal('high');
      const perDrug = ctx({
        thresholds: { ...defaultThresholds, overQuantity: { maxBoxesPerLine: 12, perDrug: { Y002: 2 } } },
      });
      const [f] = overQuantity(
        [
          dispenseSession('D3', '王五', [
            ['Y001', 3, 0],
            ['Y002', 3, 0],
          ]),
        ],
        perDrug
      );
      expect((f!.evidence as any).lines.map((l: any) => l.hisDrugCode)).to.deep.equal(['Y002']);
    });
  });
});
