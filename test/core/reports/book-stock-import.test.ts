import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { bookStockColumns } from '../../../core/reports/reconciliation/book-stock-columns.js';
import { bookStockProblems } from '../../../core/reports/reconciliation/book-stock.js';
import { parseBookStockRows } from '../../../core/reports/reconciliation/parse-book-stock-rows.js';

const rows = (headers: string[], ...data: string[][]) => ({
  headers,
  rows: data.map((cells, i) => ({
    rowNumber: i + 2,
    values: Object.fromEntries(headers.map((h, j) => [h, cells[j] ?? ''])),
  })),
});

describe('book stock import (pure)', () => {
  it('reads Chinese or English headers, whole boxes, loose units and dates in the usual spellings', () => {
    const zh = rows(
      ['HIS药品编码', '账面库存（盒）', '拆零数量', '日期'],
      ['Y0001', '8', '3', '2026/11/29'],
      ['Y0002', '-2', '', '20261128']
    );
    expect(parseBookStockRows(zh.rows, zh.headers, '2026-11-30')).to.deep.include({
      drafts: [
        { hisDrugCode: 'Y0001', asOf: '2026-11-29', quantity: 8, units: 3 },
        { hisDrugCode: 'Y0002', asOf: '2026-11-28', quantity: -2, units: null },
      ],
      rowNumbers: [2, 3],
      problems: [],
    });
    const en = rows(['his_drug_code', 'quantity'], ['Y0001', '1,200']);
    expect(parseBookStockRows(en.rows, en.headers, '2026-11-30').drafts).to.deep.equal([
      { hisDrugCode: 'Y0001', asOf: '2026-11-30', quantity: 1200, units: null },
    ]);
  });

  it('lists every bad cell with its row, and a missing column once', () => {
    const bad = rows(
      ['药品编码', '账面库存', '日期'],
      ['Y0001', '8.5', '2026-02-30'],
      ['Y0002', '', ''],
      ['Y0003', '8.12345678901235e+19', '']
    );
    const parsed = parseBookStockRows(bad.rows, bad.headers, '2026-11-30');
    expect(parsed.drafts).to.deep.equal([]);
    expect(parsed.problems.map((p) => [p.row, p.field])).to.deep.equal([
      [2, 'quantity'],
      [2, 'as_of'],
      [3, 'quantity'],
      [4, 'quantity'],
    ]);
    expect(parsed.problems[0]!.message).to.contain('拆零数量');
    expect(parsed.problems[3]!.message).to.contain('文本');
    const missing = rows(['药品编码', '数量x'], ['Y0001', '1']);
    const noColumn = parseBookStockRows(missing.rows, missing.headers, '2026-11-30');
    expect(noColumn.problems).to.have.length(1);
    expect(noColumn.problems[0]).to.include({ row: 1, field: 'quantity' });
    expect(noColumn.problems[0]!.message).to.contain('账面库存');
  });

  it('refuses unknown drugs, negative loose units and the same drug and day twice', () => {
    const known = (code: string) => (code.startsWith('Y') ? { exempt: false } : undefined);
    const problems = bookStockProblems(
      [
        { hisDrugCode: 'Y0001', asOf: '2026-11-29', quantity: 1, units: null },
        { hisDrugCode: 'X9', asOf: '2026-11-29', quantity: 1, units: -1 },
        { hisDrugCode: 'Y0001', asOf: '2026-11-29', quantity: 2, units: null },
        { hisDrugCode: 'Y0001', asOf: '2026-11-30', quantity: 2, units: null },
      ],
      known
    );
    expect(problems.map((p) => [p.row, p.field])).to.deep.equal([
      [2, 'his_drug_code'],
      [2, 'units'],
      [3, 'his_drug_code'],
    ]);
    expect(problems[2]!.message).to.contain('第 1 行重复');
  });
});

describe('docs/import-formats.md: book stock', () => {
  it('documents every book stock column with its Chinese header, aliases and description', () => {
    const doc = readFileSync(new URL('../../../docs/import-formats.md', import.meta.url), 'utf8');
    for (const c of bookStockColumns) {
      expect(doc, c.key).to.include(`| \`${c.key}\` | ${c.label} | ${c.aliases.join('、')} | ${c.description} |`);
    }
  });
});
