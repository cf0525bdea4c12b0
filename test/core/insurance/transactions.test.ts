import { expect } from 'chai';
import { completeAndCheckRow, completeRow } from '../../../core/insurance/complete-row.js';
import { countMismatch, duplicateCodeInMessage } from '../../../core/insurance/message-checks.js';
import { orderKeysOf } from '../../../core/insurance/order-keys.js';
import { dispenseOrderOfRows, returnOrdersOfRows } from '../../../core/insurance/proxy-orders.js';
import { inputOfRows, rowsOfInput, transactionOf } from '../../../core/insurance/transactions.js';
import { TracegateError } from '../../../core/errors.js';

const code = (n: number): string => `8101001000000000${String(n).padStart(4, '0')}`;
const saleRow = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  med_list_codg: 'XC10AAA034A001010100445',
  fixmedins_hilist_id: 'Y0001',
  fixmedins_hilist_name: '阿托伐他汀钙片',
  fixmedins_bchno: 'HIS-1',
  mdtrt_sn: 'MZ001',
  setl_id: 'S001',
  psn_name: '王小明',
  rxno: 'RX001',
  trdn_flag: '0',
  sel_retn_cnt: '2',
  drugtracinfo: [{ drug_trac_codg: code(1) }, { drug_trac_codg: code(2) }],
  ...over,
});

describe('35xx transactions: nodes, rows and keys', () => {
  it('reads the single node and the A variant list; anything else is an error naming the node', () => {
    expect(transactionOf('3505A')).to.deep.include({ batch: true });
    expect(transactionOf('1101')).to.equal(null);
    expect(rowsOfInput('3505', { selinfo: saleRow() })).to.have.length(1);
    expect(rowsOfInput('3505A', { selinfoDetail: [saleRow(), saleRow()] })).to.have.length(2);
    expect(() => rowsOfInput('3505', { selinfoDetail: [] })).to.throw(TracegateError, /input\.selinfo/);
    expect(() => rowsOfInput('3506A', { selinfoDetail: [] })).to.throw(TracegateError, /selinfoDetail/);
    expect(() => rowsOfInput('3507', 'x')).to.throw(TracegateError, /input\.data/);
    expect(inputOfRows('3501', [{ a: 1 }])).to.deep.equal({ infno: '3501', input: { invinfo: { a: 1 } } });
    expect(inputOfRows('3507', [{ a: 1 }, { a: 2 }]).infno).to.equal('3507A');
  });

  it('order keys: the pack codes, the row and the sale it names', () => {
    expect(orderKeysOf(saleRow({ medins_prod_sel_no: 'HIS-0' }))).to.deep.equal([
      `code:${code(1)}`,
      `code:${code(2)}`,
      'bchno:HIS-1',
      'bchno:HIS-0',
    ]);
    expect(orderKeysOf({ fixmedins_bchno: 'HIS-1', inv_data_type: '4' })).to.deep.equal(['bchno:HIS-1']);
  });

  it('a code twice in one message, and codes not matching the count, are refused naming them', () => {
    const twice = duplicateCodeInMessage([saleRow(), saleRow({ fixmedins_bchno: 'HIS-2' })]);
    expect(twice?.code).to.equal('CODE_TWICE_IN_MESSAGE');
    expect(twice?.message).to.contain(code(1)).and.contain('HIS-2');
    expect(countMismatch(saleRow({ sel_retn_cnt: '3' }), false)?.message).to.contain('应扫3盒，实扫2盒');
    expect(countMismatch(saleRow({ sel_retn_cnt: '3', trdn_flag: '1' }), false)).to.equal(null);
    expect(countMismatch(saleRow({ sel_retn_cnt: '5', drugtracinfo: [] }), true)).to.equal(null);
  });

  it('HIS rows become a window order: one line per row, 拆零 rows in smallest units, keys kept', () => {
    const order = dispenseOrderOfRows([
      saleRow(),
      saleRow({ fixmedins_bchno: 'HIS-2', trdn_flag: '1', sel_retn_cnt: 10 }),
    ]);
    expect(order).to.deep.include({
      prescriptionNo: 'RX001',
      visitNo: 'MZ001',
      settlementType: 'insured',
      settlementId: 'S001',
    });
    expect(order.lines).to.deep.equal([
      { lineNo: 1, hisDrugCode: 'Y0001', quantity: 2, unit: '盒', businessKey: 'HIS-1' },
      { lineNo: 2, hisDrugCode: 'Y0001', quantity: 10, unit: '最小单位', businessKey: 'HIS-2' },
    ]);
    expect(() => dispenseOrderOfRows([saleRow({ sel_retn_cnt: 'x' })])).to.throw(TracegateError, /sel_retn_cnt/);
    const returns = returnOrdersOfRows(
      [
        { row: saleRow({ sel_retn_cnt: 1 }), dispenseId: 'D1', lineNo: 2 },
        { row: saleRow({ sel_retn_cnt: 1 }), dispenseId: 'D2', lineNo: 1 },
      ],
      '患者过敏'
    );
    expect(returns.map((r) => [r.dispenseId, r.lines[0]?.lineNo])).to.deep.equal([
      ['D1', 2],
      ['D2', 1],
    ]);
  });

  it('row completion: defaults fill what is missing, staff maps the actor, the row value wins; limits checked', () => {
    const completion = {
      defaults: { '*': { memo: '默认' }, '3505': { hi_feesetl_type: '1', psn_cert_type: '01', rx_flag: '9' } },
      staff: [{ actor: '药师 张敏', name: '张敏', pracCertNo: 'YS2019001' }],
    };
    const row = completeRow(
      '3505',
      { rx_flag: '1', phar_name: '药师 张敏', sel_retn_opter_name: '药师 张敏', psn_name: null },
      completion
    );
    expect(row).to.deep.include({
      memo: '默认',
      hi_feesetl_type: '1',
      rx_flag: '1',
      phar_name: '张敏',
      phar_prac_cert_no: 'YS2019001',
      sel_retn_opter_name: '张敏',
    });
    expect(() => completeAndCheckRow('3505', saleRow(), completion)).to.throw(TracegateError, /manu_date/);
  });
});
