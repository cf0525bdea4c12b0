import { expect } from 'chai';
import { validateRow } from '../../../core/insurance/validate-row.js';

/** A complete 3505 row as a hospital would send it. */
const sale = (): Record<string, unknown> => ({
  med_list_codg: 'XC10AAA034A001010100445',
  fixmedins_hilist_id: 'Y0001',
  fixmedins_hilist_name: '阿托伐他汀钙片',
  fixmedins_bchno: 'D20261122093015k3x9qz-1',
  prsc_dr_name: '王建国',
  phar_name: '张敏',
  phar_prac_cert_no: 'YS2019001',
  hi_feesetl_type: '1',
  mdtrt_sn: 'MZ20261122001',
  psn_cert_type: '01',
  manu_lotnum: '20260315',
  manu_date: '2026-03-15',
  expy_end: '2028-02-29',
  rx_flag: '1',
  trdn_flag: '0',
  rx_circ_flag: '0',
  rtal_docno: 'RX20261122001',
  sel_retn_cnt: '2',
  sel_retn_time: '2026-11-22 17:30:15',
  sel_retn_opter_name: '张敏',
  drugtracinfo: [{ drug_trac_codg: '81010010000000000001' }, { drug_trac_codg: '81010010000000000002' }],
});

describe('35xx row validation', () => {
  it('accepts a complete 3505 row', () => {
    expect(validateRow('3505', sale())).to.deep.equal([]);
  });

  it('names each field that would break the platform’s limits', () => {
    const row = {
      ...sale(),
      fixmedins_bchno: 'X'.repeat(31),
      phar_name: '',
      manu_date: '2026-02-30',
      sel_retn_time: '2026-11-22T17:30:15Z',
      sel_retn_cnt: '1.23456',
      drugtracinfo: [{ drug_trac_codg: '8'.repeat(101) }],
    };
    const fields = validateRow('3505', row).map((p) => p.field);
    expect(fields).to.have.members([
      'fixmedins_bchno',
      'phar_name',
      'manu_date',
      'sel_retn_time',
      'sel_retn_cnt',
      'drugtracinfo',
    ]);
    const problems = validateRow('3505', row);
    expect(problems.find((p) => p.field === 'fixmedins_bchno')?.message).to.contain('长度 31 超过上限 30');
    expect(problems.find((p) => p.field === 'phar_name')?.message).to.contain('必填');
  });

  it('checks 3506 and 3503 rows with their own fields', () => {
    const ret = { ...sale(), medins_prod_sel_no: 'D20261122093015k3x9qz-1' };
    expect(validateRow('3506', ret)).to.deep.equal([]);
    const purchase = validateRow('3503', {
      med_list_codg: 'X',
      fixmedins_hilist_id: 'Y',
      fixmedins_hilist_name: 'Z',
    }).map((p) => p.field);
    expect(purchase).to.include.members([
      'fixmedins_bchno',
      'spler_name',
      'aprvno',
      'purc_retn_cnt',
      'purc_retn_stoin_time',
    ]);
  });

  it('counts characters, not bytes, for Chinese text', () => {
    expect(validateRow('3505', { ...sale(), phar_name: '张'.repeat(50) })).to.deep.equal([]);
    expect(validateRow('3505', { ...sale(), phar_name: '张'.repeat(51) }).map((p) => p.field)).to.deep.equal([
      'phar_name',
    ]);
  });
});
