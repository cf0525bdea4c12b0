/** Duplicate notices read from files or JSON, their kinds, and the national app's answer for a code. */
import { expect } from 'chai';
import {
  completeNotices,
  inferNoticeKind,
  noticeKeyOf,
  type NoticeDraft,
} from '../../../core/anomalies/duplicate-notice.js';
import { nationalAppAnswer, localSales } from '../../../core/anomalies/national-app-answer.js';
import { objectsAsRows, parseNoticeRows } from '../../../core/anomalies/parse-notice-rows.js';
import type { LedgerAction, LedgerEvent } from '../../../core/ledger/pack.js';

const CODE = '81010010000000000010';

function rows(header: string[], ...lines: string[][]) {
  return {
    headers: header,
    rows: lines.map((cells, i) => ({
      rowNumber: i + 2,
      values: Object.fromEntries(header.map((h, k) => [h, cells[k] ?? ''])),
    })),
  };
}

function draft(overrides: Partial<NoticeDraft> = {}): NoticeDraft {
  const { drafts } = parseNoticeRows(rows(['药品追溯码'], [CODE]).rows, ['药品追溯码']);
  return { ...drafts[0]!, ...overrides };
}

describe('duplicate notices (追溯码重复通知)', () => {
  it('reads Chinese headers as the platform prints them, field names too, and keeps unknown columns', () => {
    const t = rows(
      [
        '追溯流水号',
        'fixmedins_code',
        '医药机构目录编码',
        '批次流水号',
        '商品销售流水号',
        'mdtrt_id',
        '就诊结算类型',
        '记账流水号',
        '药品追溯码',
        '拆零标志',
        'psn_no',
        '重复类型',
        '备注',
      ],
      ['R1', 'P31011500012', 'Y0001', 'B1', 'S1', 'M1', '1', 'K1', CODE, '0', 'PSN1', '回流药', '平台下发']
    );
    const { drafts, problems } = parseNoticeRows(t.rows, t.headers);
    expect(problems).to.deep.equal([]);
    expect(drafts[0]).to.deep.include({
      kind: 'resold',
      traceCode: CODE,
      traceSerialNo: 'R1',
      fixmedinsCode: 'P31011500012',
      medinsListCodg: 'Y0001',
      fixmedinsBchno: 'B1',
      saleSerialNo: 'S1',
      mdtrtId: 'M1',
      mdtrtSetlType: '1',
      bkkpSn: 'K1',
      trdnFlag: '0',
      psnNo: 'PSN1',
      extra: { 备注: '平台下发' },
    });
  });

  it('lists every bad row: no code, a code Excel turned into a number, an unknown kind; a file without the column', () => {
    const t = rows(['药品追溯码', '类型'], ['', ''], ['8.10100100000000E+19', ''], [CODE, '可疑']);
    const { drafts, problems } = parseNoticeRows(t.rows, t.headers);
    expect(drafts).to.deep.equal([]);
    expect(problems.map((p) => [p.row, p.field])).to.deep.equal([
      [2, 'drug_trac_codg'],
      [3, 'drug_trac_codg'],
      [4, 'kind'],
    ]);
    expect(problems[2]!.message).to.contain('回流、假药、串换、其他');
    const noColumn = parseNoticeRows(rows(['机构名称'], ['甲']).rows, ['机构名称']);
    expect(noColumn.problems[0]).to.deep.include({ row: 1, field: 'drug_trac_codg' });
  });

  it('reads JSON objects each keyed its own way', () => {
    const t = objectsAsRows([
      { drug_trac_codg: CODE, fixmedins_code: 'P1', n: 1 },
      { 药品追溯码: '81010010000000000011', 定点医药机构编号: 'P2', 其它: true },
    ]);
    const { drafts, problems } = parseNoticeRows(t.rows, t.headers);
    expect(problems).to.deep.equal([]);
    expect(drafts.map((d) => [d.traceCode, d.fixmedinsCode, d.extra])).to.deep.equal([
      [CODE, 'P1', { n: '1' }],
      ['81010010000000000011', 'P2', { 其它: 'true' }],
    ]);
  });

  it('infers a missing kind: two regions 假药, own institution 串换, a pharmacy 回流, else 其他', () => {
    expect(inferNoticeKind(draft({ kind: 'other' }), 'H1', 3)).to.equal('other');
    expect(inferNoticeKind(draft({ fixmedinsCode: 'P1' }), 'H1', 2)).to.equal('counterfeit');
    expect(inferNoticeKind(draft({ fixmedinsCode: 'H1' }), 'H1', 1)).to.equal('substitution');
    expect(inferNoticeKind(draft({ fixmedinsCode: 'P31011500012' }), 'H1', 1)).to.equal('resold');
    expect(inferNoticeKind(draft({ fixmedinsCode: 'H2' }), 'H1', 0)).to.equal('other');
    const done = completeNotices(
      [draft({ region: '310115', fixmedinsCode: 'P1' }), draft({ region: '320101', fixmedinsCode: 'P2' })],
      { ownCode: 'H1', at: '2026-11-22T02:00:00.000Z', actor: '王主任', source: 'a.csv', newId: () => 'N1' }
    );
    expect(done.map((n) => n.kind)).to.deep.equal(['counterfeit', 'counterfeit']);
    expect(done[0]).to.include({ importedBy: '王主任', source: 'a.csv', importedAt: '2026-11-22T02:00:00.000Z' });
  });

  it('keys a notice by its 追溯流水号, else by code, institution and the first sale reference', () => {
    expect(noticeKeyOf(draft({ traceSerialNo: 'R9' }))).to.equal('rid:R9');
    expect(noticeKeyOf(draft({ fixmedinsCode: 'P1', saleSerialNo: 'S1', bkkpSn: 'K1' }))).to.equal(`${CODE}|P1|S1`);
    expect(noticeKeyOf(draft())).to.equal(`${CODE}||`);
  });
});

describe('the national app’s answer for a code', () => {
  let seq = 0;
  const e = (action: LedgerAction, ref: string | null = null): LedgerEvent => ({
    traceCode: CODE,
    seq: ++seq,
    action,
    fromState: null,
    toState: 'in_stock',
    units: null,
    occurredAt: '2026-11-21T01:30:00.000Z',
    actor: '药师 甲',
    location: '1号窗口',
    ref,
    reason: null,
    details: null,
  });

  it('says none before a sale and after a return', () => {
    const view = nationalAppAnswer([e('receive')], []);
    expect(view).to.include({ answer: 'none', text: '未查询到销售信息', localSales: 0, noticeRecords: 0 });
    expect(nationalAppAnswer([e('receive'), e('dispense', 'RX1'), e('return_to_stock')], []).answer).to.equal('none');
  });

  it('says one after one sale, naming when and the prescription', () => {
    const view = nationalAppAnswer([e('receive'), e('dispense', 'RX1')], []);
    expect(view).to.include({ answer: 'one', text: '查询到仅有1次销售信息', localSales: 1 });
    expect(view.meaning).to.contain('2026-11-21 09:30').and.contain('处方 RX1').and.contain('放心使用');
  });

  it('says several after two standing sales, split sales (explained) or any duplicate notice', () => {
    expect(localSales([e('receive'), e('dispense_units'), e('dispense_units')])).to.include({ net: 2, split: 2 });
    const split = nationalAppAnswer([e('receive'), e('dispense_units'), e('dispense_units')], []);
    expect(split).to.include({ answer: 'several', text: '查询到有2次及以上的销售信息', splitSales: 2 });
    expect(split.meaning).to.contain('拆零');
    const notice = completeNotices([draft({ fixmedinsCode: 'P1' })], {
      ownCode: 'H1',
      at: '2026-11-22T02:00:00.000Z',
      actor: 'x',
      source: 'api',
      newId: () => 'N1',
    });
    const noticed = nationalAppAnswer([e('receive'), e('dispense', 'RX1')], notice);
    expect(noticed).to.include({ answer: 'several', noticeRecords: 1, localSales: 1 });
    expect(noticed.meaning).to.contain('1 条重复销售通知').and.contain('回流药');
  });
});
