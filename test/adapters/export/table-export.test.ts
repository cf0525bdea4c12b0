import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { attachmentHeader, formatOf, tableToCsv, tableToXlsx } from '../../../adapters/export/table-export.js';

const columns = [
  { header: '追溯码', value: (r: { code: string; n: number | null }) => r.code },
  { header: '数量', value: (r: { code: string; n: number | null }) => r.n },
];
const rows = [
  { code: '81010010000000000001', n: 3 },
  { code: '81010010000000000002', n: null },
  { code: 'with,comma "quoted"', n: 0 },
];

describe('table export (CSV and XLSX)', () => {
  it('writes CSV as UTF-8 with a BOM, quoting what needs it, codes intact', () => {
    const csv = tableToCsv(columns, rows);
    expect([...csv.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const back = parse(csv.toString('utf8').slice(1)) as string[][];
    expect(back).to.deep.equal([
      ['追溯码', '数量'],
      ['81010010000000000001', '3'],
      ['81010010000000000002', ''],
      ['with,comma "quoted"', '0'],
    ]);
  });

  it('writes XLSX whose trace codes stay text (all 20 digits)', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await tableToXlsx(columns, rows, '药品差异')) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('药品差异');
    expect(sheet?.getRow(1).values).to.deep.equal([undefined, '追溯码', '数量']);
    expect(sheet?.getCell('A2').value).to.equal('81010010000000000001');
    expect(sheet?.getCell('B2').value).to.equal(3);
  });

  it('accepts json, csv and xlsx and refuses other formats with a clear code', () => {
    expect(formatOf(undefined)).to.equal('json');
    expect(formatOf('xlsx')).to.equal('xlsx');
    expect(() => formatOf('pdf'))
      .to.throw()
      .with.property('code', 'EXPORT_FORMAT_INVALID');
  });

  it('names Chinese files for every browser', () => {
    expect(attachmentHeader('药帐差异', 'csv')).to.equal(
      `attachment; filename="____.csv"; filename*=UTF-8''${encodeURIComponent('药帐差异.csv')}`
    );
  });
});
