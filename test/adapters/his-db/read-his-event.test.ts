/** Offline: an event's rows (as any of the four drivers returns them) → the dispense or return the window decides. */
import { expect } from 'chai';
import iconv from 'iconv-lite';
import { eventBytes, groupEvents, type HisDbEvent } from '../../../adapters/his-db/event-batch.js';
import { readHisDbEvent } from '../../../adapters/his-db/read-his-event.js';
import { normalizeRow, type HisRow } from '../../../adapters/his-db/row-values.js';
import type { ReadResult } from '../../../core/channels/inbound-channel.js';

const line = (over: HisRow = {}): HisRow => ({
  event_id: '12',
  event_kind: 'dispense',
  watermark: '12',
  prescription_no: 'RX1',
  visit_no: 'MZ001',
  patient_id: 'P001',
  patient_name: '王小明',
  insurance_visit_id: null,
  settlement_id: null,
  doctor_name: '李医生',
  operator: '张敏',
  location: '门诊西药房',
  line_no: 1,
  his_drug_code: 'Y0001',
  quantity: '2.00',
  unit: '盒',
  trace_codes: '81010010000000000001,81010010000000000002',
  original_prescription_no: null,
  reason: null,
  ...over,
});

function read(rows: HisRow[], over: Partial<HisDbEvent> = {}): ReadResult {
  return readHisDbEvent(eventBytes({ eventId: '12', watermark: '12', rows, ...over }));
}

function event(result: ReadResult) {
  if (!result.ok) {
    throw new Error(`${result.error.code}: ${result.error.message}`);
  }
  return result.event;
}

function error(result: ReadResult) {
  if (result.ok) {
    throw new Error('expected an error');
  }
  return result.error;
}

describe('HIS database events: reading rows', () => {
  it('reads a dispense: header from the lines, lines in order, codes split on , ; and spaces', () => {
    const e = event(
      read([
        line({ trace_codes: '81010010000000000001; 81010010000000000002' }),
        line({ line_no: 2, his_drug_code: 'Y0002', quantity: 14, unit: '片', trace_codes: '81020010000000000001' }),
      ])
    );
    expect(e).to.deep.equal({
      kind: 'dispense',
      codes: ['81010010000000000001', '81010010000000000002', '81020010000000000001'],
      actor: '张敏',
      location: '门诊西药房',
      order: {
        prescriptionNo: 'RX1',
        visitNo: 'MZ001',
        insuranceVisitId: null,
        patientId: 'P001',
        patientName: '王小明',
        settlementType: 'self_pay',
        settlementId: null,
        doctorName: '李医生',
        lines: [
          { lineNo: 1, hisDrugCode: 'Y0001', quantity: 2, unit: '盒' },
          { lineNo: 2, hisDrugCode: 'Y0002', quantity: 14, unit: '片' },
        ],
      },
    });
  });

  it('reads the agent (代办人) from the optional agent_name / agent_phone columns', () => {
    const withAgent = event(read([line({ agent_name: '王五', agent_phone: '13900001111' })]));
    expect(withAgent.kind === 'dispense' && withAgent.order.agent).to.deep.equal({
      name: '王五',
      phone: '13900001111',
    });
    const phoneOnly = event(read([line({ agent_name: null, agent_phone: '13900001111' })]));
    expect(phoneOnly.kind === 'dispense' && phoneOnly.order.agent).to.deep.equal({ name: null, phone: '13900001111' });
    const none = event(read([line()]));
    expect(none.kind === 'dispense' && 'agent' in none.order).to.equal(false);
  });

  it('reads Oracle’s upper-case columns and numbers alike', () => {
    const upper = Object.fromEntries(Object.entries(line()).map(([k, v]) => [k.toUpperCase(), v]));
    const rows = [normalizeRow({ ...upper, EVENT_ID: 12, WATERMARK: 12, LINE_NO: 1, QUANTITY: 2 }, 'utf8')];
    const [grouped] = groupEvents(rows);
    expect(grouped?.eventId).to.equal('12');
    expect(event(readHisDbEvent(eventBytes(grouped as HisDbEvent))).order.lines).to.deep.equal([
      { lineNo: 1, hisDrugCode: 'Y0001', quantity: 2, unit: '盒' },
    ]);
  });

  it('takes an event-level codes column repeated on every line once', () => {
    const codes = '81010010000000000001 81010010000000000002';
    const e = event(read([line({ trace_codes: codes }), line({ line_no: 2, trace_codes: codes })]));
    expect(e.codes).to.deep.equal(['81010010000000000001', '81010010000000000002']);
  });

  it('reads a return: the original prescription, the reason, whole packs per original line', () => {
    const e = event(
      read([
        line({
          event_kind: '退药',
          prescription_no: null,
          original_prescription_no: 'RX1',
          reason: '患者退药',
          quantity: 1,
          trace_codes: '81010010000000000001',
        }),
      ])
    );
    expect(e).to.deep.include({ kind: 'return', codes: ['81010010000000000001'] });
    expect(e.order).to.deep.equal({
      dispenseId: null,
      prescriptionNo: 'RX1',
      visitNo: 'MZ001',
      reason: '患者退药',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }],
    });
  });

  it('insured when the HIS gives an insurance visit id, or says so', () => {
    expect(event(read([line({ insurance_visit_id: 'MDT1' })])).order).to.include({ settlementType: 'insured' });
    expect(event(read([line({ settlement_type: '自费', insurance_visit_id: 'MDT1' })])).order).to.include({
      settlementType: 'self_pay',
    });
    expect(error(read([line({ settlement_type: '记账' })])).code).to.equal('HISDB_VALUE_INVALID');
  });

  it('a missing or empty column is HISDB_COLUMN_MISSING naming the column, the event and the line', () => {
    const empty = error(read([line(), line({ line_no: 2, his_drug_code: null })]));
    expect(empty).to.include({ code: 'HISDB_COLUMN_MISSING', kind: 'invalid' });
    expect(empty.message).to.contain('his_drug_code').and.contain('事件 12').and.contain('第 2 行');
    const { unit: _unit, ...withoutUnit } = line();
    const absent = error(read([withoutUnit]));
    expect(absent.message).to.contain('没有 unit').and.contain('AS unit');
    expect(error(read([line({ event_kind: null })])).details).to.include({ column: 'event_kind' });
    const noOriginal = error(read([line({ event_kind: 'return', prescription_no: null, visit_no: null })]));
    expect(noOriginal.details).to.include({ column: 'original_prescription_no' });
  });

  it('refuses values it cannot use and lines that disagree about the header', () => {
    expect(error(read([line({ quantity: '两盒' })])).code).to.equal('HISDB_VALUE_INVALID');
    expect(error(read([line({ quantity: 0 })])).code).to.equal('HISDB_VALUE_INVALID');
    expect(error(read([line({ line_no: 1.5 })])).code).to.equal('HISDB_VALUE_INVALID');
    expect(error(read([line({ event_kind: 'cancel' })])).message).to.contain('dispense（发药）');
    expect(error(read([line(), line()])).message).to.contain('第 1 行出现两次');
    const mixed = error(read([line(), line({ line_no: 2, prescription_no: 'RX2' })]));
    expect(mixed.code).to.equal('HISDB_EVENT_INCONSISTENT');
    expect(error(read([line()], { truncated: true })).code).to.equal('HISDB_EVENT_TOO_LARGE');
    expect(error(readHisDbEvent(new TextEncoder().encode('{"rows":1}'))).code).to.equal('HISDB_RAW_INVALID');
  });

  it('groups rows by event id in order; a row without event_id or watermark stops the batch', () => {
    const events = groupEvents([
      line({ event_id: 1, watermark: 1 }),
      line({ event_id: 2, watermark: 2 }),
      line({ event_id: 2, watermark: 3, line_no: 2 }),
    ]);
    expect(events.map((e) => [e.eventId, e.watermark, e.rows.length])).to.deep.equal([
      ['1', '1', 1],
      ['2', '3', 2],
    ]);
    expect(() => groupEvents([line({ watermark: null })])).to.throw(/watermark/);
  });

  it('normalizes driver values: dates to ISO, bigint to text, GBK bytes decoded when configured', () => {
    const gbk = iconv.encode('阿托伐他汀钙片', 'gbk');
    expect(
      normalizeRow(
        { NAME: gbk, At: new Date('2026-11-22T08:00:00Z'), Id: 9007199254740993n, Codes: ['8101', '8102'] },
        'gbk'
      )
    ).to.deep.equal({
      name: '阿托伐他汀钙片',
      at: '2026-11-22T08:00:00.000Z',
      id: '9007199254740993',
      codes: '8101,8102',
    });
  });
});
