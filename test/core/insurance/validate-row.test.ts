import { expect } from 'chai';
import { validateRow } from '../../../core/insurance/validate-row.js';
import { hisSaleRow } from '../../support/his-rows.js';

/** A complete 3505 row as a hospital would send it. */
const sale = (): Record<string, unknown> =>
  hisSaleRow('D20261122093015k3x9qz-1', ['81010010000000000001', '81010010000000000002']);

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
