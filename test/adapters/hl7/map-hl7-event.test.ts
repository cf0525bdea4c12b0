import { expect } from 'chai';
import { hl7ChannelSchema, type Hl7ChannelInput } from '../../../adapters/hl7/hl7-config.js';
import { Hl7Message } from '../../../adapters/hl7/hl7-message.js';
import { mapHl7Event } from '../../../adapters/hl7/map-hl7-event.js';
import type { HisDispenseEvent, HisReturnEvent } from '../../../core/channels/his-event.js';
import type { ReadResult } from '../../../core/channels/inbound-channel.js';

const MSH = 'MSH|^~\\&|HIS|HOSP|TRACEGATE|PHARM|20261122080000||RDS^O13^RDS_O13|M1|P|2.5';
const PID = 'PID|1||P001^^^HIS^PI~MR9^^^HIS^MR||王^小明';
const PV1 = 'PV1|1|O|||||||||||||||||V100';
const ORC = 'ORC|RE|RX1|F-RX1|||||||||D01^李^医生';
const RXD1 = 'RXD|1|Y0001^阿托伐他汀钙片|20261122|2|盒|||||YS01^张^药师';
const ZTC1 = 'ZTC|1|C1~C2';
const RXD2 = 'RXD|2|Y0002^甲钴胺片|20261122|1|盒';
const ZTC2 = 'ZTC|2|C3';

function map(segments: string[], mapping: Hl7ChannelInput['mapping'] = {}): ReadResult {
  const parsed = Hl7Message.parse(segments.join('\r'));
  if (!parsed.ok) {
    return parsed;
  }
  return mapHl7Event(parsed.message, hl7ChannelSchema.parse({ port: 0, mapping }).mapping);
}

function dispense(result: ReadResult): HisDispenseEvent {
  expect(result.ok, JSON.stringify(result)).to.equal(true);
  const event = (result as { event: HisDispenseEvent }).event;
  expect(event.kind).to.equal('dispense');
  return event;
}

function returned(result: ReadResult): HisReturnEvent {
  expect(result.ok, JSON.stringify(result)).to.equal(true);
  const event = (result as { event: HisReturnEvent }).event;
  expect(event.kind).to.equal('return');
  return event;
}

function problem(result: ReadResult): { code: string; message: string; details?: Record<string, unknown> } {
  expect(result.ok, JSON.stringify(result)).to.equal(false);
  const { error } = result as {
    ok: false;
    error: { code: string; message: string; details?: Record<string, unknown> };
  };
  return { code: error.code, message: error.message, details: error.details };
}

describe('mapHl7Event (default mapping)', () => {
  it('reads an RDS^O13 into a dispense: patient, visit, prescription, doctor, lines, codes in order, actor', () => {
    const event = dispense(map([MSH, PID, PV1, ORC, RXD1, ZTC1, RXD2, ZTC2]));
    expect(event).to.deep.include({ codes: ['C1', 'C2', 'C3'], actor: 'YS01', location: null });
    expect(event.order).to.deep.equal({
      prescriptionNo: 'RX1',
      visitNo: 'V100',
      insuranceVisitId: null,
      patientId: 'P001',
      patientName: '王小明',
      settlementType: 'self_pay',
      settlementId: null,
      doctorName: '李医生',
      lines: [
        { lineNo: 1, hisDrugCode: 'Y0001', quantity: 2, unit: '盒' },
        { lineNo: 2, hisDrugCode: 'Y0002', quantity: 1, unit: '盒' },
      ],
    });
  });

  it('takes the filler number (ORC-3) when ORC-2 is empty, and the RXD position when RXD-1 is empty', () => {
    const event = dispense(map([MSH, PID, PV1, 'ORC|RE||F-RX1', 'RXD||Y0001|x|1|盒', 'RXD||Y0002|x|1|盒']));
    expect(event.order.prescriptionNo).to.equal('F-RX1');
    expect(event.order.lines.map((l) => l.lineNo)).to.deep.equal([1, 2]);
  });

  it('reads an insured prescription: mdtrt_id in PV1-50 and the settlement id in FT1-2', () => {
    const pv1 = `${PV1}${'|'.repeat(31)}MDTRT-1`;
    const event = dispense(map([MSH, PID, pv1, ORC, RXD1, ZTC1, 'FT1|1|SETL-9']));
    expect(event.order).to.include({ insuranceVisitId: 'MDTRT-1', settlementType: 'insured', settlementId: 'SETL-9' });
  });

  it('unescapes HL7 escapes in values and accepts LF or CRLF segment endings and a trailing newline', () => {
    const text = [MSH, 'PID|1||P\\T\\1||A\\S\\B', PV1, ORC, RXD1, 'ZTC|1|C\\F\\1'].join('\r\n') + '\n\n';
    const parsed = Hl7Message.parse(text);
    const event = dispense(
      parsed.ok ? mapHl7Event(parsed.message, hl7ChannelSchema.parse({ port: 0 }).mapping) : parsed
    );
    expect(event.order).to.include({ patientId: 'P&1', patientName: 'A^B' });
    expect(event.codes).to.deep.equal(['C|1']);
  });

  it('reads a negative quantity as a return of the prescription named in ORC-2, with the reason from ZTC-3', () => {
    const event = returned(map([MSH, PID, PV1, ORC, 'RXD|1|Y0001|x|-1|盒', 'ZTC|1|C1|患者过敏']));
    expect(event.codes).to.deep.equal(['C1']);
    expect(event.order).to.deep.equal({
      dispenseId: null,
      prescriptionNo: 'RX1',
      visitNo: null,
      reason: '患者过敏',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }],
    });
  });

  it('reads ORC-1 CR as a return, the reason from NTE-3, and names the visit when no prescription number', () => {
    const event = returned(map([MSH, PID, PV1, 'ORC|CR', 'RXD|1|Y0001|x|2', 'NTE|1||不再需要', 'ZTC|1|C1~C2']));
    expect(event.order).to.include({ prescriptionNo: null, visitNo: 'V100', reason: '不再需要' });
    expect(event.order.lines).to.deep.equal([{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 2 }]);
  });

  it('reads RDE^O11 as a dispense from its RXE lines', () => {
    const msh = MSH.replace('RDS^O13^RDS_O13', 'RDE^O11^RDE_O11');
    const rxe = `RXE||Y0001^阿托伐他汀钙片${'|'.repeat(8)}3|盒|||YS02`;
    const event = dispense(map([msh, PID, PV1, 'ORC|NW|RX7', rxe, 'ZTC|1|C1~C2~C3']));
    expect(event.order.lines).to.deep.equal([{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 3, unit: '盒' }]);
    expect(event).to.deep.include({ codes: ['C1', 'C2', 'C3'], actor: 'YS02' });
  });

  describe('refusals', () => {
    const cases: [string, string[], string, Record<string, unknown>][] = [
      ['MSH-9', ['MSH|^~\\&|HIS', PID, PV1, ORC, RXD1], 'HL7_FIELD_MISSING', { field: 'MSH.9' }],
      ['PID-3', [MSH, 'PID|1||||王', PV1, ORC, RXD1, ZTC1], 'HL7_FIELD_MISSING', { field: 'PID.3' }],
      ['PID-5', [MSH, 'PID|1||P1', PV1, ORC, RXD1, ZTC1], 'HL7_FIELD_MISSING', { field: 'PID.5' }],
      ['PV1-19', [MSH, PID, 'PV1|1|O', ORC, RXD1, ZTC1], 'HL7_FIELD_MISSING', { field: 'PV1.19' }],
      ['ORC-2', [MSH, PID, PV1, 'ORC|RE', RXD1, ZTC1], 'HL7_FIELD_MISSING', { field: 'ORC.2' }],
      ['RXD-2', [MSH, PID, PV1, ORC, 'RXD|1||x|1|盒'], 'HL7_FIELD_MISSING', { field: 'RXD.2', line: 1 }],
      ['RXD-4', [MSH, PID, PV1, ORC, RXD1, 'RXD|2|Y2|x||盒'], 'HL7_FIELD_MISSING', { field: 'RXD.4', occurrence: 2 }],
      ['RXD-5', [MSH, PID, PV1, ORC, 'RXD|1|Y1|x|1'], 'HL7_FIELD_MISSING', { field: 'RXD.5' }],
      ['RXD-4 text', [MSH, PID, PV1, ORC, 'RXD|1|Y1|x|two|盒'], 'HL7_FIELD_INVALID', { field: 'RXD.4', value: 'two' }],
      ['RXD-4 zero', [MSH, PID, PV1, ORC, 'RXD|1|Y1|x|0|盒'], 'HL7_FIELD_INVALID', { field: 'RXD.4' }],
      ['RXD-1 text', [MSH, PID, PV1, ORC, 'RXD|a|Y1|x|1|盒'], 'HL7_FIELD_INVALID', { field: 'RXD.1' }],
      ['RXD-1 twice', [MSH, PID, PV1, ORC, RXD1, 'RXD|1|Y2|x|1|盒'], 'HL7_FIELD_INVALID', { field: 'RXD.1' }],
      ['ZTC-1 mismatch', [MSH, PID, PV1, ORC, RXD1, 'ZTC|2|C1'], 'HL7_FIELD_INVALID', { field: 'ZTC.1', line: 1 }],
      ['no RXD', [MSH, PID, PV1, ORC], 'HL7_SEGMENT_MISSING', { segment: 'RXD' }],
      ['ADT^A01', [MSH.replace('RDS^O13', 'ADT^A01'), PID], 'HL7_MESSAGE_TYPE_UNSUPPORTED', {}],
      ['two ORC numbers', [MSH, PID, PV1, ORC, RXD1, 'ORC|RE|RX2', RXD2], 'HL7_PRESCRIPTIONS_DIFFER', {}],
      ['mixed signs', [MSH, PID, PV1, ORC, RXD1, 'RXD|2|Y2|x|-1|盒'], 'HL7_RETURN_MIXED', {}],
      ['not MSH', ['PID|1||P1', RXD1], 'HL7_UNREADABLE', {}],
      ['two MSH', [MSH, PID, MSH], 'HL7_UNREADABLE', {}],
    ];
    for (const [name, segments, code, details] of cases) {
      it(`${name} → ${code}`, () => {
        const found = problem(map(segments));
        expect(found.code).to.equal(code);
        expect(found.details ?? {}).to.deep.include(details);
        expect(found.message).to.match(/[\u4e00-\u9fff]/);
      });
    }

    it('names the field in Chinese words for the pharmacist', () => {
      expect(problem(map([MSH, PID, PV1, ORC, 'RXD|1||x|1|盒'])).message).to.equal(
        'HL7 消息缺少必填字段 RXD-2（药品编码），第1行'
      );
    });
  });
});

describe('mapHl7Event (configured mapping)', () => {
  it('reads codes from RXD-35 (repeating EI) when configured', () => {
    const rxd = `RXD|1|Y0001|x|2|盒${'|'.repeat(30)}C1^HIS~C2^HIS`;
    const event = dispense(map([MSH, PID, PV1, ORC, rxd, 'ZTC|1|IGNORED'], { codes: { field: 'RXD.35' } }));
    expect(event.codes).to.deep.equal(['C1', 'C2']);
  });

  it('reads codes from another Z-segment field and component, with its own line field', () => {
    const event = dispense(
      map([MSH, PID, PV1, ORC, RXD1, 'ZYP|x|1|C1^a~C2^b'], {
        codes: { segment: 'ZYP', field: 3, component: 1, lineField: 2 },
      })
    );
    expect(event.codes).to.deep.equal(['C1', 'C2']);
  });

  it('refuses RDE^O11 when configured to', () => {
    const msh = MSH.replace('RDS^O13^RDS_O13', 'RDE^O11');
    const found = problem(map([msh, PID, PV1, ORC, 'RXE||Y1'], { rdeO11: 'refuse' }));
    expect(found.code).to.equal('HL7_MESSAGE_TYPE_UNSUPPORTED');
    expect(found.message).to.contain('不处理 RDE^O11');
  });

  it('takes other return order controls, and refuses negative quantities when they do not mean a return', () => {
    returned(map([MSH, PID, PV1, 'ORC|OC|RX1', RXD1, ZTC1], { returns: { orderControls: ['OC'] } }));
    dispense(map([MSH, PID, PV1, 'ORC|CR|RX1', RXD1, ZTC1], { returns: { orderControls: ['OC'] } }));
    const negative = [MSH, PID, PV1, ORC, 'RXD|1|Y1|x|-1|盒'];
    expect(problem(map(negative, { returns: { negativeQuantity: false } })).details).to.include({ field: 'RXD.4' });
  });

  it('reads header fields from configured paths; null turns a field off', () => {
    const segments = [MSH, PID, PV1, ORC, RXD1, ZTC1, 'ZIN|MD-1|ST-1|门诊西药房3号窗口'];
    const event = dispense(
      map(segments, {
        insuranceVisitId: 'ZIN.1',
        settlementId: 'ZIN.2',
        location: 'ZIN.3',
        doctor: null,
        patientName: 'PID.5.2',
        prescriptionNo: ['ORC.3'],
      })
    );
    expect(event.location).to.equal('门诊西药房3号窗口');
    expect(event.order).to.include({
      insuranceVisitId: 'MD-1',
      settlementType: 'insured',
      settlementId: 'ST-1',
      doctorName: null,
      patientName: '小明',
      prescriptionNo: 'F-RX1',
    });
  });
});
