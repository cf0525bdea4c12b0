import { expect } from 'chai';
import type { Pack } from '../../../core/ledger/pack.js';
import { buildBusinessRows } from '../../../core/window/build-business-rows.js';
import { decideDispenseScan } from '../../../core/window/decide-dispense-scan.js';
import { decideReceiptScan } from '../../../core/window/decide-receipt-scan.js';
import { decideReturnScan } from '../../../core/window/decide-return-scan.js';
import { dispensedCodes } from '../../../core/window/dispensed-codes.js';
import type { Session } from '../../../core/window/session.js';
import {
  amoxicillin,
  atorvastatin,
  code,
  completed,
  dispenseSession,
  drugOf,
  NOW,
  pack,
  receiptSession,
  returnSession,
  unitInput,
  withScan,
} from './window-fixtures.js';

const A = (n: number) => code(atorvastatin, n);
const M = (n: number) => code(amoxicillin, n);
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const COMPLETED_AT = '2026-11-22T16:05:09.000Z'; // 00:05:09 on 11-23 in Shanghai

function packsOf(...ps: Pack[]): Map<string, Pack> {
  return new Map(ps.map((p) => [p.traceCode, p]));
}

/** Line 1: 2 boxes atorvastatin; line 2: 30 粒 amoxicillin (1 box + 6 粒 拆零); line 3: 黄芪 30 g (exempt). */
function sale(id = UUID, extra = {}): { session: Session; packs: Map<string, Pack> } {
  let s = dispenseSession(
    [
      { lineNo: 1, hisDrugCode: 'Y001', quantity: 2, unit: '盒' },
      { lineNo: 2, hisDrugCode: 'Y003', quantity: 30, unit: '粒' },
      { lineNo: 3, hisDrugCode: 'Y900', quantity: 30, unit: 'g' },
    ],
    extra,
    id
  );
  const ps = [
    pack(A(1), atorvastatin, 'in_stock', { lot: 'LOT-A1', expiry: '2028-01-31' }),
    pack(A(2), atorvastatin, 'in_stock', { lot: 'LOT-A2', expiry: '2028-02-29' }),
    pack(M(1), amoxicillin, 'in_stock', { lot: 'LOT-M', expiry: '2027-05-31' }),
    pack(M(2), amoxicillin, 'opened', { unitsRemaining: 10, lot: 'LOT-M', expiry: '2027-05-31' }),
  ];
  for (const p of ps) {
    const d = p.hisDrugCode === 'Y001' ? atorvastatin : amoxicillin;
    s = withScan(s, p.traceCode, decideDispenseScan(unitInput(s, d, p.traceCode, p)));
  }
  return { session: completed(s, COMPLETED_AT), packs: packsOf(...ps) };
}

describe('business rows for the insurance relay', () => {
  it('3505: one row per line with the 35xx fields, codes nested, keys ≤ 30', () => {
    const { session, packs } = sale();
    const rows = buildBusinessRows({ session, drugOf, packs, now: NOW });
    expect(rows).to.have.length(3);
    for (const r of rows) {
      expect(r.infno).to.equal('3505');
      expect(r.businessKey.length).to.be.at.most(30);
      expect(r.payload.fixmedins_bchno).to.equal(r.businessKey);
      expect(r.sessionId).to.equal(UUID);
      expect(r.createdAt).to.equal(NOW);
    }
    expect(new Set(rows.map((r) => r.businessKey)).size).to.equal(3);
    expect(rows[0]?.payload).to.deep.equal({
      med_list_codg: 'XIY001',
      fixmedins_hilist_id: 'Y001',
      fixmedins_hilist_name: '阿托伐他汀钙片',
      fixmedins_bchno: rows[0]?.businessKey,
      rx_flag: '1',
      trdn_flag: '0',
      sel_retn_cnt: 2,
      mdtrt_sn: 'MDTRT0001',
      mdtrt_setl_type: '1',
      psn_name: '张三',
      setl_id: 'SETL0001',
      rxno: 'RX20261122001',
      prsc_dr_name: '李医生',
      sel_retn_time: '2026-11-23 00:05:09',
      sel_retn_opter_name: 'pharmacist-1',
      phar_name: 'pharmacist-1',
      rtal_docno: 'RX20261122001',
      manu_lotnum: 'LOT-A1',
      expy_end: '2028-01-31',
      manu_date: '2026-06-30',
      drugtracinfo: [{ drug_trac_codg: A(1) }, { drug_trac_codg: A(2) }],
    });
  });

  it('a 拆零 line is trdn_flag 1 and counts in smallest units, with the opened pack among its codes', () => {
    const { session, packs } = sale();
    const row = buildBusinessRows({ session, drugOf, packs, now: NOW })[1];
    expect(row?.payload).to.include({ trdn_flag: '1', sel_retn_cnt: 30, rx_flag: '0' });
    expect(row?.payload.drugtracinfo).to.deep.equal([{ drug_trac_codg: M(1) }, { drug_trac_codg: M(2) }]);
  });

  it('an exempt line has a row without drugtracinfo', () => {
    const { session, packs } = sale();
    const row = buildBusinessRows({ session, drugOf, packs, now: NOW })[2];
    expect(row?.payload).to.include({ fixmedins_hilist_id: 'Y900', sel_retn_cnt: 30, trdn_flag: '0' });
    expect(row?.payload).not.to.have.property('drugtracinfo');
  });

  it('self-pay: mdtrt_sn is the hospital visit number', () => {
    const { session, packs } = sale('disp-0002', {
      settlementType: 'self_pay',
      insuranceVisitId: null,
      settlementId: null,
    });
    const row = buildBusinessRows({ session, drugOf, packs, now: NOW })[0];
    expect(row?.payload).to.include({ mdtrt_sn: 'V20261122001', mdtrt_setl_type: '2', setl_id: null });
    expect(row?.businessKey).to.equal('disp-0002-1');
  });

  it('3506: the return names the original 3505 row of its line in medins_prod_sel_no', () => {
    const { session: original, packs } = sale();
    const sold = (c: string) => ({ ...(packs.get(c) as Pack), state: 'dispensed' as const, ref: 'RX20261122001' });
    let ret = returnSession(
      {
        dispenseId: UUID,
        prescriptionNo: null,
        visitNo: null,
        reason: '患者过敏',
        lines: [{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1 }],
      },
      [original],
      'retn-7c9e6679-7425-40de-944b-e07fc1f90ae7'
    );
    ret = withScan(
      ret,
      A(2),
      decideReturnScan(unitInput(ret, atorvastatin, A(2), sold(A(2))), dispensedCodes([original]))
    );
    const saleRows = buildBusinessRows({ session: original, drugOf, packs, now: NOW });
    const rows = buildBusinessRows({ session: completed(ret), drugOf, packs, originals: [original], now: NOW });
    expect(rows).to.have.length(1);
    const row = rows[0];
    expect(row?.infno).to.equal('3506');
    expect(row?.businessKey.length).to.be.at.most(30);
    expect(row?.payload).to.deep.equal({
      med_list_codg: 'XIY001',
      fixmedins_hilist_id: 'Y001',
      fixmedins_hilist_name: '阿托伐他汀钙片',
      fixmedins_bchno: row?.businessKey,
      setl_id: 'SETL0001',
      psn_name: '张三',
      manu_lotnum: 'LOT-A2',
      expy_end: '2028-02-29',
      manu_date: '2026-06-30',
      rx_flag: '1',
      trdn_flag: '0',
      sel_retn_cnt: 1,
      sel_retn_time: '2026-11-22 10:30:00',
      sel_retn_opter_name: 'pharmacist-1',
      medins_prod_sel_no: saleRows[0]?.businessKey,
      mdtrt_sn: 'MDTRT0001',
      memo: '患者过敏',
      drugtracinfo: [{ drug_trac_codg: A(2) }],
    });
  });

  it('3506 for a visit-level return taking packs from two sales: one row per original sale', () => {
    const first = sale('disp-first');
    let second = dispenseSession(
      [{ lineNo: 1, hisDrugCode: 'Y001', quantity: 1, unit: '盒' }],
      { prescriptionNo: 'RX2' },
      'disp-second'
    );
    const p3 = pack(A(3), atorvastatin);
    second = completed(
      withScan(second, A(3), decideDispenseScan(unitInput(second, atorvastatin, A(3), p3))),
      '2026-11-22T17:00:00.000Z'
    );
    const originals = [first.session, second];
    const packs = new Map([...first.packs, [A(3), p3]]);
    let ret = returnSession(
      {
        dispenseId: null,
        prescriptionNo: null,
        visitNo: 'V20261122001',
        reason: null,
        lines: [{ lineNo: 1, hisDrugCode: 'Y001', quantity: 2 }],
      },
      originals
    );
    for (const c of [A(1), A(3)]) {
      const p = { ...(packs.get(c) as Pack), state: 'dispensed' as const, ref: c === A(3) ? 'RX2' : 'RX20261122001' };
      ret = withScan(ret, c, decideReturnScan(unitInput(ret, atorvastatin, c, p), dispensedCodes(originals)));
    }
    const rows = buildBusinessRows({ session: completed(ret), drugOf, packs, originals, now: NOW });
    expect(rows.map((r) => [r.businessKey, r.payload.medins_prod_sel_no, r.payload.sel_retn_cnt])).to.deep.equal([
      ['retn-0001-1-1', 'disp-first-1', 1],
      ['retn-0001-1-2', 'disp-second-1', 1],
    ]);
  });

  it('3503: one row per delivery line, no trace node', () => {
    let s = receiptSession([{ lineNo: 1, hisDrugCode: 'Y001', lot: 'L2026A', expiry: '2028-06-30', quantity: 2 }]);
    for (const c of [A(1), A(2)]) {
      s = withScan(s, c, decideReceiptScan(unitInput(s, atorvastatin, c, null)));
    }
    const rows = buildBusinessRows({ session: completed(s, COMPLETED_AT), drugOf, packs: new Map(), now: NOW });
    expect(rows).to.have.length(1);
    expect(rows[0]?.infno).to.equal('3503');
    expect(rows[0]?.payload).to.deep.equal({
      med_list_codg: 'XIY001',
      fixmedins_hilist_id: 'Y001',
      fixmedins_hilist_name: '阿托伐他汀钙片',
      dynt_no: 'PS-20261122-01',
      fixmedins_bchno: 'rcpt-0001-1',
      spler_name: '国药控股某某有限公司',
      manu_lotnum: 'L2026A',
      prodentp_name: '某某制药有限公司',
      expy_end: '2028-06-30',
      manu_date: null,
      purc_retn_cnt: 2,
      rx_flag: '1',
      purc_retn_stoin_time: '2026-11-23 00:05:09',
      purc_retn_opter_name: 'pharmacist-1',
    });
  });

  it('uses `now` when the session has no completion time yet', () => {
    const { session, packs } = sale();
    const rows = buildBusinessRows({ session: { ...session, completedAt: null }, drugOf, packs, now: NOW });
    expect(rows[0]?.payload.sel_retn_time).to.equal('2026-11-22 10:30:00');
  });
});
