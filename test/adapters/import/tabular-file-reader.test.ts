import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parseCatalogRows } from '../../../core/catalog/parse-catalog-rows.js';
import { isTracegateError } from '../../../core/errors.js';
import { parseRelationRows } from '../../../core/hierarchy/parse-relation-rows.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, readTabularFile } from '../../../adapters/import/tabular-file-reader.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url));

async function expectFileError(p: Promise<unknown>, code: string, ...mentions: string[]): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isTracegateError(e)) {
      throw e;
    }
    expect(e.code).to.equal(code);
    expect(e.kind).to.equal('invalid');
    expect(e.message).to.match(/[\u4e00-\u9fff]/);
    for (const m of mentions) {
      expect(e.message).to.include(m);
    }
    return;
  }
  expect.fail(`expected ${code}`);
}

async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Deterministic non-text bytes. */
function garbage(length: number): Buffer {
  const b = Buffer.alloc(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >> 16;
  }
  return b;
}

describe('adapters/import/readTabularFile', () => {
  describe('CSV', () => {
    it('reads the UTF-8 catalog sample: headers, row numbers, trimmed values', async () => {
      const t = await readTabularFile(fixture('catalog-sample.csv'), 'catalog-sample.csv');
      expect(t.headers.slice(0, 3)).to.deep.equal(['HIS药品编码', '医保编码', '药品名称']);
      expect(t.rows.map((r) => r.rowNumber)).to.deep.equal([2, 3, 4]);
      expect(t.rows[0]!.values['药品名称']).to.equal('阿托伐他汀钙片');
      expect(t.rows[2]!.values['无码原因']).to.equal('中药饮片');
    });

    it('the catalog sample parses to the expected drafts', async () => {
      const t = await readTabularFile(fixture('catalog-sample.csv'), 'catalog-sample.csv');
      const { drafts, problems } = parseCatalogRows(t.rows, t.headers);
      expect(problems).to.deep.equal([]);
      expect(drafts).to.have.length(3);
      expect(drafts[0]).to.deep.include({
        hisDrugCode: 'Y0001023',
        name: '阿托伐他汀钙片',
        spec: '20mg*7片',
        vbpFlag: true,
        rxFlag: true,
        unitsPerPack: 7,
        barcode69: '6901234567892',
        prefixes: [
          { prefix: '8123456', packLevel: 1, unitCount: 1 },
          { prefix: '8123457', packLevel: 1, unitCount: 1 },
          { prefix: '8223456', packLevel: 2, unitCount: 10 },
          { prefix: '8323456', packLevel: 3, unitCount: 200 },
        ],
      });
      expect(drafts[1]).to.deep.include({
        name: '甲钴胺片',
        vbpFlag: false,
        gtins: [{ gtin: '06934567890122', packLevel: 1, unitCount: 1 }],
      });
      expect(drafts[2]).to.deep.include({ name: '黄芪（饮片）', exempt: true, exemptReason: '中药饮片', prefixes: [] });
    });

    it('the relations sample parses to the expected relations', async () => {
      const t = await readTabularFile(fixture('relations-sample.csv'), 'relations-sample.csv');
      const { relations, problems } = parseRelationRows(t.rows, t.headers);
      expect(problems).to.deep.equal([]);
      expect(relations).to.have.length(11);
      expect(relations[0]).to.deep.equal({
        parentCode: '83234560000000000001',
        childCode: '82234560000000000001',
        parentLevel: 3,
        childLevel: 2,
        parentStatus: 'normal',
      });
    });

    it('reads UTF-8 with a BOM', async () => {
      const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixture('catalog-sample.csv')]);
      const t = await readTabularFile(content, 'a.csv');
      expect(t.headers[0]).to.equal('HIS药品编码');
    });

    it('decodes a GBK CSV (Chinese Excel export) correctly', async () => {
      const text = fixture('catalog-sample.csv').toString('utf8').replace(/\n/g, '\r\n');
      const gbk = iconv.encode(text, 'gbk');
      expect(gbk.equals(Buffer.from(text, 'utf8'))).to.equal(false);
      const t = await readTabularFile(gbk, '目录.csv');
      expect(t.headers[0]).to.equal('HIS药品编码');
      expect(t.rows[1]!.values['生产厂家']).to.equal('卫材（中国）药业有限公司');
      const { drafts, problems } = parseCatalogRows(t.rows, t.headers);
      expect(problems).to.deep.equal([]);
      expect(drafts.map((d) => d.name)).to.deep.equal(['阿托伐他汀钙片', '甲钴胺片', '黄芪（饮片）']);
    });

    it('decodes UTF-16LE with a BOM (Excel "Unicode 文本", tab-separated)', async () => {
      const text = '药品编码\t药品名称\r\nY1\t甲钴胺片\r\n';
      const content = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
      const t = await readTabularFile(content, 'export.txt');
      expect(t.rows[0]!.values).to.deep.equal({ 药品编码: 'Y1', 药品名称: '甲钴胺片' });
    });

    it('uses tab or semicolon when the header line has only that separator', async () => {
      const tab = await readTabularFile(Buffer.from('a\tb\n1\t2,3\n'), 'x.tsv');
      expect(tab.rows[0]!.values).to.deep.equal({ a: '1', b: '2,3' });
      const semi = await readTabularFile(Buffer.from('a;b\n1;2\n'), 'x.csv');
      expect(semi.rows[0]!.values).to.deep.equal({ a: '1', b: '2' });
      const comma = await readTabularFile(Buffer.from('a,b;c\n1,2;3\n'), 'x.csv');
      expect(comma.headers).to.deep.equal(['a', 'b;c']);
    });

    it('keeps spreadsheet row numbers across empty lines and quoted line breaks, skipping empty rows', async () => {
      const t = await readTabularFile(Buffer.from('a,b\r\n1,"x\r\ny"\r\n\r\n,\r\n 2 , z \r\n'), 'x.csv');
      expect(t.rows).to.deep.equal([
        { rowNumber: 2, values: { a: '1', b: 'x\r\ny' } },
        { rowNumber: 5, values: { a: '2', b: 'z' } },
      ]);
    });

    it('fills missing cells with "", ignores extra cells, unwraps ="…" and renames a repeated header', async () => {
      const t = await readTabularFile(Buffer.from('a,b,a,\n="00123"\n1,2,3,4,5\n'), 'x.csv');
      expect(t.headers).to.deep.equal(['a', 'b', 'a (2)']);
      expect(t.rows[0]!.values).to.deep.equal({ a: '00123', b: '', 'a (2)': '' });
      expect(t.rows[1]!.values).to.deep.equal({ a: '1', b: '2', 'a (2)': '3' });
    });

    it('a header named __proto__ is just a header', async () => {
      const t = await readTabularFile(Buffer.from('__proto__,constructor\nx,y\n'), 'p.csv');
      expect(t.headers).to.deep.equal(['__proto__ (1)', 'constructor']);
      expect(t.rows[0]!.values['__proto__ (1)']).to.equal('x');
      expect(t.rows[0]!.values['constructor']).to.equal('y');
    });

    it('reads a file without extension as CSV when it is text', async () => {
      const t = await readTabularFile(Buffer.from('a,b\n1,2\n'), 'upload');
      expect(t.rows).to.have.length(1);
    });
  });

  describe('XLSX', () => {
    it('round-trips a 20-digit code stored as text and a 13-digit barcode stored as a number', async () => {
      const content = await xlsx((wb) => {
        const ws = wb.addWorksheet('Sheet1');
        ws.addRow(['父码', '子码', '父码级别', '子码级别']);
        ws.addRow(['83234560000000000001', '81234560000000000001', 3, 1]);
        const cat = wb.addWorksheet('药品目录');
        cat.addRow(['HIS药品编码', '药品名称', '小码前缀', '69码', '每盒最小单位数', '集采', '有效期']);
        cat.addRow(['Y0001023', '阿托伐他汀钙片', 8123456, 6901234567892, 7, true, new Date(Date.UTC(2027, 5, 30))]);
      });
      // The catalog sheet is preferred over the first sheet.
      const t = await readTabularFile(content, '目录.xlsx');
      expect(t.rows).to.deep.equal([
        {
          rowNumber: 2,
          values: {
            HIS药品编码: 'Y0001023',
            药品名称: '阿托伐他汀钙片',
            小码前缀: '8123456',
            '69码': '6901234567892',
            每盒最小单位数: '7',
            集采: 'true',
            有效期: '2027-06-30',
          },
        },
      ]);
      const { drafts, problems } = parseCatalogRows(t.rows, t.headers);
      expect(problems).to.deep.equal([]);
      expect(drafts[0]).to.include({ barcode69: '6901234567892', vbpFlag: true, unitsPerPack: 7 });

      const rel = await readTabularFile(content, 'rel.xlsx', { sheetNames: ['relations', 'sheet1'] });
      const parsed = parseRelationRows(rel.rows, rel.headers);
      expect(parsed.problems).to.deep.equal([]);
      expect(parsed.relations[0]!.parentCode).to.equal('83234560000000000001');
    });

    it('a 20-digit code already stored as a number is a row problem, never a wrong code', async () => {
      const content = await xlsx((wb) => {
        const ws = wb.addWorksheet('relations');
        ws.addRow(['parent_code', 'child_code', 'parent_level', 'child_level']);
        ws.addRow(['82234560000000000001', Number('81234560000000000001'), 2, 1]);
      });
      const t = await readTabularFile(content, 'r.xlsx');
      expect(t.rows[0]!.values['child_code']).to.match(/e\+19$/);
      const { relations, problems } = parseRelationRows(t.rows, t.headers);
      expect(relations).to.deep.equal([]);
      expect(problems[0]).to.include({ row: 2, field: 'child_code' });
      expect(problems[0]!.message).to.include('文本');
    });

    it('converts rich text, formulas, hyperlinks, dates with time; keeps row numbers; skips empty rows', async () => {
      const content = await xlsx((wb) => {
        const ws = wb.addWorksheet('data');
        ws.getCell('A1').value = ' 名称 ';
        ws.getCell('B1').value = '数量';
        ws.getCell('C1').value = '时间';
        ws.getCell('D1').value = '链接';
        ws.getCell('A3').value = { richText: [{ text: '甲钴' }, { text: '胺片' }] };
        ws.getCell('B3').value = { formula: 'A1*2', result: 40 } as ExcelJS.CellFormulaValue;
        ws.getCell('C3').value = new Date(Date.UTC(2025, 0, 2, 8, 30, 0));
        ws.getCell('D3').value = { text: 'x', hyperlink: 'http://example.com' };
        ws.getCell('A5').value = 0.25;
      });
      const t = await readTabularFile(content, 'd.xlsx');
      expect(t.headers).to.deep.equal(['名称', '数量', '时间', '链接']);
      expect(t.rows).to.deep.equal([
        { rowNumber: 3, values: { 名称: '甲钴胺片', 数量: '40', 时间: '2025-01-02 08:30:00', 链接: 'x' } },
        { rowNumber: 5, values: { 名称: '0.25', 数量: '', 时间: '', 链接: '' } },
      ]);
    });

    it('skips a title line above the header', async () => {
      const content = await xlsx((wb) => {
        const ws = wb.addWorksheet('s');
        ws.getCell('A1').value = '药品目录（2025-07）';
        ws.mergeCells('A1:C1');
        ws.addRow(['HIS药品编码', '药品名称', '小码前缀']);
        ws.addRow(['Y1', '甲钴胺片', '8134567']);
      });
      const t = await readTabularFile(content, 't.xlsx');
      expect(t.headers).to.deep.equal(['HIS药品编码', '药品名称', '小码前缀']);
      expect(t.rows).to.deep.equal([
        { rowNumber: 3, values: { HIS药品编码: 'Y1', 药品名称: '甲钴胺片', 小码前缀: '8134567' } },
      ]);
    });

    it('reads an XLSX uploaded without extension or with a .csv name (by its zip signature)', async () => {
      const content = await xlsx((wb) => wb.addWorksheet('s').addRows([['a'], ['1']]));
      expect((await readTabularFile(content, 'upload')).rows[0]!.values).to.deep.equal({ a: '1' });
      expect((await readTabularFile(content, 'export.csv')).rows[0]!.values).to.deep.equal({ a: '1' });
    });
  });

  describe('bad files → IMPORT_FILE_INVALID / IMPORT_FILE_TOO_LARGE', () => {
    it('.xls (legacy Excel)', async () => {
      const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), garbage(512)]);
      await expectFileError(readTabularFile(ole, '目录.xls'), 'IMPORT_FILE_INVALID', '.xls', '.xlsx');
      await expectFileError(
        readTabularFile(Buffer.from('<html><table></table></html>'), 'export.xls'),
        'IMPORT_FILE_INVALID',
        '.xls'
      );
    });

    it('a password-protected .xlsx (OLE container)', async () => {
      const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), garbage(512)]);
      await expectFileError(readTabularFile(ole, 'a.xlsx'), 'IMPORT_FILE_INVALID', '密码');
    });

    it('garbage bytes named .csv, .xlsx, or without extension', async () => {
      await expectFileError(readTabularFile(garbage(4096), 'a.csv'), 'IMPORT_FILE_INVALID', 'a.csv');
      await expectFileError(readTabularFile(garbage(4096), 'a.xlsx'), 'IMPORT_FILE_INVALID', 'a.xlsx');
      await expectFileError(readTabularFile(garbage(4096), 'upload'), 'IMPORT_FILE_INVALID');
    });

    it('a broken zip named .xlsx', async () => {
      const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), garbage(1000)]);
      await expectFileError(readTabularFile(broken, 'b.xlsx'), 'IMPORT_FILE_INVALID', 'b.xlsx');
    });

    it('garbage behind a UTF-8 BOM', async () => {
      const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), garbage(4096)]);
      await expectFileError(readTabularFile(content, 'bom.csv'), 'IMPORT_FILE_INVALID', 'bom.csv');
    });

    it('unsupported extension', async () => {
      await expectFileError(readTabularFile(Buffer.from('a,b\n1,2'), 'a.pdf'), 'IMPORT_FILE_INVALID', '.pdf');
    });

    it('empty file, blank file, header only, no header', async () => {
      await expectFileError(readTabularFile(Buffer.alloc(0), 'a.csv'), 'IMPORT_FILE_INVALID', '空');
      await expectFileError(
        readTabularFile(Buffer.from('\r\n , \r\n\r\n'), 'a.csv'),
        'IMPORT_FILE_INVALID',
        '没有内容'
      );
      await expectFileError(
        readTabularFile(Buffer.from('药品编码,药品名称\r\n'), 'a.csv'),
        'IMPORT_FILE_INVALID',
        '只有表头'
      );
      await expectFileError(
        readTabularFile(Buffer.from('81234560000000000001,2,1\n81234560000000000002,2,1\n'), 'a.csv'),
        'IMPORT_FILE_INVALID',
        '表头'
      );
      const emptyBook = await xlsx((wb) => wb.addWorksheet('s'));
      await expectFileError(readTabularFile(emptyBook, 'e.xlsx'), 'IMPORT_FILE_INVALID', '没有内容');
    });

    it('an unclosed quote', async () => {
      await expectFileError(readTabularFile(Buffer.from('a,b\n1,"2\n3,4\n'), 'q.csv'), 'IMPORT_FILE_INVALID', '引号');
    });

    it(`more than ${MAX_IMPORT_ROWS} data rows`, async () => {
      const content = Buffer.from('a\n' + '1\n'.repeat(MAX_IMPORT_ROWS + 1));
      await expectFileError(readTabularFile(content, 'big.csv'), 'IMPORT_FILE_TOO_LARGE', '200,000');
      const exactly = await readTabularFile(Buffer.from('a\n' + '1\n'.repeat(MAX_IMPORT_ROWS)), 'ok.csv');
      expect(exactly.rows).to.have.length(MAX_IMPORT_ROWS);
    });

    it('more than 50 MB', async () => {
      await expectFileError(
        readTabularFile(Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x61), 'huge.csv'),
        'IMPORT_FILE_TOO_LARGE',
        '50 MB'
      );
    });
  });
});
