import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { catalogColumns, CatalogColumnKeys } from '../../../core/catalog/catalog-columns.js';
import { isValidEan13, normaliseGtin14 } from '../../../core/recognition/gtin-check-digit.js';
import { parseCatalogRows } from '../../../core/catalog/parse-catalog-rows.js';
import { headerKey, MAX_REPORTED_PROBLEMS, resolveColumns, splitList } from '../../../core/catalog/tabular.js';
import type { RowProblem } from '../../../core/errors.js';
import { table, tableOf } from './table.js';

/** A valid, scannable drug row; tests override one or two cells. */
const base = {
  HIS药品编码: 'Y0001',
  药品名称: '阿托伐他汀钙片',
  小码前缀: '8123456',
};

function parse(...records: Record<string, string>[]) {
  const t = tableOf(...records);
  return parseCatalogRows(t.rows, t.headers);
}

/** Exactly one problem: at this row and field, and its message names the value. */
function expectOneProblem(problems: RowProblem[], row: number, field: string, ...mentions: string[]): RowProblem {
  expect(problems, JSON.stringify(problems)).to.have.length(1);
  const p = problems[0]!;
  expect(p.row).to.equal(row);
  expect(p.field).to.equal(field);
  for (const m of mentions) {
    expect(p.message).to.include(m);
  }
  expect(p.message).to.match(/[\u4e00-\u9fff]/);
  return p;
}

describe('core/catalog/parseCatalogRows', () => {
  describe('good rows', () => {
    it('parses a full row with Chinese headers into a DrugDraft', () => {
      const { drafts, problems } = parse({
        HIS药品编码: 'Y0001023',
        医保编码: 'XC10AAA044A001010101445',
        药品名称: '阿托伐他汀钙片',
        规格: '20mg*7片',
        生产厂家: '北京嘉林药业股份有限公司',
        处方药标志: '是',
        集采标志: '1',
        每盒最小单位数: '7',
        最小单位: '片',
        小码前缀: '8123456；8123457、8123458 8123459,8123460',
        中码前缀: '8223456',
        中码含小码数: '10',
        大码前缀: '8323456',
        大码含小码数: '200',
        GTIN: '6901234567892;16901234567899',
        '69码': '6901234567892',
        无码: '否',
      });
      expect(problems).to.deep.equal([]);
      expect(drafts).to.deep.equal([
        {
          hisDrugCode: 'Y0001023',
          insuranceCode: 'XC10AAA044A001010101445',
          name: '阿托伐他汀钙片',
          spec: '20mg*7片',
          manufacturer: '北京嘉林药业股份有限公司',
          rxFlag: true,
          vbpFlag: true,
          unitsPerPack: 7,
          unitName: '片',
          prefixes: [
            { prefix: '8123456', packLevel: 1, unitCount: 1 },
            { prefix: '8123457', packLevel: 1, unitCount: 1 },
            { prefix: '8123458', packLevel: 1, unitCount: 1 },
            { prefix: '8123459', packLevel: 1, unitCount: 1 },
            { prefix: '8123460', packLevel: 1, unitCount: 1 },
            { prefix: '8223456', packLevel: 2, unitCount: 10 },
            { prefix: '8323456', packLevel: 3, unitCount: 200 },
          ],
          gtins: [
            { gtin: '06901234567892', packLevel: 1, unitCount: 1 },
            { gtin: '16901234567899', packLevel: 1, unitCount: 1 },
          ],
          barcode69: '6901234567892',
          exempt: false,
          exemptReason: null,
        },
      ]);
    });

    it('accepts English headers regardless of case, spaces, underscores and markers', () => {
      const { drafts, problems } = parse({
        'HIS_Drug_Code*': 'A1',
        'Insurance Code': 'xa01',
        NAME: '甲钴胺片',
        'Rx-Flag': 'Y',
        vbp_flag: 'false',
        'Units Per Pack': '20.0',
        Unit_Prefixes: '8134567',
        'Exempt ': 'N',
      });
      expect(problems).to.deep.equal([]);
      expect(drafts[0]).to.include({
        hisDrugCode: 'A1',
        insuranceCode: 'xa01',
        rxFlag: true,
        vbpFlag: false,
        unitsPerPack: 20,
      });
    });

    it('accepts common header variants: 药品编码, 通用名, 医保目录编码, med_list_codg, 规格(mg), 包装数量, 商品条码', () => {
      const a = parse({
        药品编码: 'A1',
        通用名: '甲钴胺片',
        医保目录编码: 'X1',
        '规格（mg）': '0.5',
        包装数量: '20',
        药品标识码: '8134567',
        商品条码: '6934567890122',
      });
      expect(a.problems).to.deep.equal([]);
      expect(a.drafts[0]).to.include({
        hisDrugCode: 'A1',
        name: '甲钴胺片',
        insuranceCode: 'X1',
        spec: '0.5',
        unitsPerPack: 20,
        barcode69: '6934567890122',
      });
      const b = parse({ his_drug_code: 'A2', drug_name: 'x', med_list_codg: 'X2', gtin: '06934567890122' });
      expect(b.problems).to.deep.equal([]);
      expect(b.drafts[0]!.insuranceCode).to.equal('X2');
    });

    it('defaults: empty flags are false, units per pack 1, optional text null', () => {
      const { drafts } = parse(base);
      expect(drafts[0]).to.deep.include({
        insuranceCode: null,
        spec: null,
        manufacturer: null,
        rxFlag: false,
        vbpFlag: false,
        unitsPerPack: 1,
        unitName: null,
        barcode69: null,
        exempt: false,
        exemptReason: null,
        gtins: [],
      });
    });

    it('an exempt drug (无码) needs no prefix or GTIN and keeps its reason', () => {
      const { drafts, problems } = parse({ HIS药品编码: 'ZY1', 药品名称: '黄芪', 无码: '是', 无码原因: '中药饮片' });
      expect(problems).to.deep.equal([]);
      expect(drafts[0]).to.include({ exempt: true, exemptReason: '中药饮片' });
      expect(drafts[0]!.prefixes).to.deep.equal([]);
    });

    it('treats rx_flag 2 (双跨) as prescription', () => {
      expect(parse({ ...base, 处方药标志: '2' }).drafts[0]!.rxFlag).to.equal(true);
    });

    it('ignores unknown columns and merges a prefix repeated in one cell', () => {
      const { drafts, problems } = parse({ ...base, 小码前缀: '8123456;8123456', 备注: '随便', 单价: '12.5' });
      expect(problems).to.deep.equal([]);
      expect(drafts[0]!.prefixes).to.have.length(1);
    });

    it('parses the committed sample file rows', () => {
      const text = readFileSync(new URL('../../fixtures/import/catalog-sample.csv', import.meta.url), 'utf8');
      const [header, ...lines] = text.trim().split('\n');
      const t = table(header!.split(','), ...lines.map((l) => l.split(',')));
      const { drafts, problems } = parseCatalogRows(t.rows, t.headers);
      expect(problems).to.deep.equal([]);
      expect(drafts.map((d) => d.name)).to.deep.equal(['阿托伐他汀钙片', '甲钴胺片', '黄芪（饮片）']);
    });
  });

  describe('row problems (row, field, message naming the value)', () => {
    it('his_drug_code empty', () => {
      expectOneProblem(parse({ ...base, HIS药品编码: '' }).problems, 2, 'his_drug_code', 'HIS药品编码');
    });

    it('his_drug_code that the catalog refuses (validateDrugDraft: characters, length)', () => {
      expectOneProblem(parse({ ...base, HIS药品编码: 'Y 001' }).problems, 2, 'his_drug_code', 'Y 001');
      const long = 'Y'.repeat(51);
      expectOneProblem(parse({ ...base, HIS药品编码: long }).problems, 2, 'his_drug_code', long);
    });

    it('his_drug_code twice: problem on the second row naming the first', () => {
      const { drafts, problems } = parse(
        base,
        { ...base, 小码前缀: '8123999' },
        { ...base, HIS药品编码: 'Y0002', 小码前缀: '8124000' }
      );
      expectOneProblem(problems, 3, 'his_drug_code', 'Y0001', '第 2 行');
      expect(drafts.map((d) => d.hisDrugCode)).to.deep.equal(['Y0001', 'Y0002']);
    });

    it('name empty', () => {
      expectOneProblem(parse({ ...base, 药品名称: '' }).problems, 2, 'name', 'Y0001');
    });

    it('insurance_code with characters other than letters and digits', () => {
      expectOneProblem(parse({ ...base, 医保编码: 'XA-01 02' }).problems, 2, 'insurance_code', 'XA-01 02');
    });

    it('insurance_code longer than 50 characters', () => {
      const long = 'X'.repeat(51);
      expectOneProblem(parse({ ...base, 医保编码: long }).problems, 2, 'insurance_code', long);
    });

    for (const [header, field] of [
      ['处方药标志', 'rx_flag'],
      ['集采标志', 'vbp_flag'],
      ['无码', 'exempt'],
    ] as const) {
      it(`${field} with an unknown yes/no value`, () => {
        expectOneProblem(parse({ ...base, [header]: '可能' }).problems, 2, field, '可能');
      });
    }

    for (const bad of ['0', '-3', '2.5', '七']) {
      it(`units_per_pack "${bad}" is not a positive integer`, () => {
        expectOneProblem(parse({ ...base, 每盒最小单位数: bad }).problems, 2, 'units_per_pack', `「${bad}」`);
      });
    }

    for (const bad of ['812345', '81234567', '7123456', '81234a6']) {
      it(`unit prefix "${bad}" is not a 7-digit prefix starting with 8`, () => {
        expectOneProblem(parse({ ...base, 小码前缀: `8123450;${bad}` }).problems, 2, 'unit_prefixes', bad);
      });
    }

    it('middle prefix without its unit count', () => {
      expectOneProblem(parse({ ...base, 中码前缀: '8223456' }).problems, 2, 'middle_unit_count', '8223456');
    });

    it('middle unit count without a middle prefix', () => {
      expectOneProblem(parse({ ...base, 中码含小码数: '10' }).problems, 2, 'middle_unit_count', '10');
    });

    it('middle unit count below 2', () => {
      expectOneProblem(
        parse({ ...base, 中码前缀: '8223456', 中码含小码数: '1' }).problems,
        2,
        'middle_unit_count',
        '「1」'
      );
    });

    it('case prefix without its unit count', () => {
      expectOneProblem(parse({ ...base, 大码前缀: '8323456' }).problems, 2, 'case_unit_count', '8323456');
    });

    it('case unit count without a case prefix', () => {
      expectOneProblem(parse({ ...base, 大码含小码数: '200' }).problems, 2, 'case_unit_count', '200');
    });

    it('case unit count that is not an integer', () => {
      expectOneProblem(
        parse({ ...base, 大码前缀: '8323456', 大码含小码数: '20箱' }).problems,
        2,
        'case_unit_count',
        '20箱'
      );
    });

    it('case unit count not above / not a multiple of the middle unit count', () => {
      const row = { ...base, 中码前缀: '8223456', 中码含小码数: '10', 大码前缀: '8323456' };
      expectOneProblem(parse({ ...row, 大码含小码数: '10' }).problems, 2, 'case_unit_count', '10');
      expectOneProblem(parse({ ...row, 大码含小码数: '25' }).problems, 2, 'case_unit_count', '25', '10');
    });

    it('invalid middle and case prefixes', () => {
      expectOneProblem(
        parse({ ...base, 中码前缀: '9223456', 中码含小码数: '10' }).problems,
        2,
        'middle_prefixes',
        '9223456'
      );
      expectOneProblem(
        parse({ ...base, 大码前缀: '83234', 大码含小码数: '100' }).problems,
        2,
        'case_prefixes',
        '83234'
      );
    });

    it('the same prefix on two rows: problem on the second row naming the first row and drug', () => {
      const { drafts, problems } = parse(base, {
        HIS药品编码: 'Y0002',
        药品名称: '甲钴胺片',
        小码前缀: '8134567;8123456',
      });
      expectOneProblem(problems, 3, 'unit_prefixes', '8123456', '第 2 行', 'Y0001');
      expect(drafts).to.have.length(1);
    });

    it('the same prefix at two levels across rows (unit on one, case on another)', () => {
      const { problems } = parse(base, {
        HIS药品编码: 'Y0002',
        药品名称: 'x',
        小码前缀: '8134567',
        大码前缀: '8123456',
        大码含小码数: '100',
      });
      expectOneProblem(problems, 3, 'case_prefixes', '8123456', '第 2 行');
    });

    it('the same prefix at two levels in one row', () => {
      expectOneProblem(
        parse({ ...base, 中码前缀: '8123456', 中码含小码数: '10' }).problems,
        2,
        'middle_prefixes',
        '8123456',
        '小码前缀'
      );
    });

    it('a GTIN with a wrong check digit or length', () => {
      expectOneProblem(parse({ ...base, GTIN: '06901234567893' }).problems, 2, 'gtins', '06901234567893');
      expectOneProblem(parse({ ...base, GTIN: '690123456789' }).problems, 2, 'gtins', '690123456789');
    });

    it('the same GTIN on two rows (13 and 14 digits are the same GTIN): problem on the second naming the first', () => {
      const { problems } = parse(
        { ...base, GTIN: '6901234567892' },
        { HIS药品编码: 'Y0002', 药品名称: 'x', GTIN: '06901234567892' }
      );
      expectOneProblem(problems, 3, 'gtins', '06901234567892', '第 2 行', 'Y0001');
    });

    it('a 69 barcode with a wrong check digit or not 13 digits', () => {
      expectOneProblem(parse({ ...base, '69码': '6901234567890' }).problems, 2, 'barcode69', '6901234567890');
      expectOneProblem(parse({ ...base, '69码': '690123456789' }).problems, 2, 'barcode69', '690123456789');
    });

    it('an exempt drug without a reason', () => {
      expectOneProblem(parse({ HIS药品编码: 'ZY1', 药品名称: '黄芪', 无码: '是' }).problems, 2, 'exempt_reason', 'ZY1');
    });

    it('a reason given while exempt is not yes', () => {
      expectOneProblem(parse({ ...base, 无码: '否', 无码原因: '中药饮片' }).problems, 2, 'exempt_reason', '中药饮片');
    });

    it('a non-exempt drug with neither a unit prefix nor a GTIN', () => {
      expectOneProblem(
        parse({ HIS药品编码: 'Y0009', 药品名称: 'x', 中码前缀: '8223456', 中码含小码数: '10' }).problems,
        2,
        'unit_prefixes',
        'Y0009'
      );
    });

    it('a code that Excel turned into a number says so', () => {
      const p = expectOneProblem(parse({ ...base, '69码': '6.90123E+12' }).problems, 2, 'barcode69', '6.90123E+12');
      expect(p.message).to.include('文本');
    });

    it('a file without a recognisable his_drug_code column: one problem at row 1', () => {
      const t = tableOf(
        { 编号: 'Y1', 药品名称: 'x', 小码前缀: '8123456' },
        { 编号: 'Y2', 药品名称: 'y', 小码前缀: '8123457' }
      );
      const { drafts, problems } = parseCatalogRows(t.rows, t.headers);
      expect(drafts).to.deep.equal([]);
      expectOneProblem(problems, 1, 'his_drug_code', 'HIS药品编码', '编号');
    });

    it('collects every problem of every row, in row order, and only good rows become drafts', () => {
      const { drafts, problems } = parse(
        { ...base, 小码前缀: 'x1', GTIN: 'y2' },
        { HIS药品编码: 'Y0002', 药品名称: '甲钴胺片', 小码前缀: '8134567' },
        { HIS药品编码: '', 药品名称: '', 小码前缀: '8134568' }
      );
      expect(problems.map((p) => [p.row, p.field])).to.deep.equal([
        [2, 'unit_prefixes'],
        [2, 'gtins'],
        [4, 'his_drug_code'],
        [4, 'name'],
      ]);
      expect(drafts.map((d) => d.hisDrugCode)).to.deep.equal(['Y0002']);
    });

    it(`caps the reported problems at ${MAX_REPORTED_PROBLEMS} and says it truncated`, () => {
      const rows = Array.from({ length: 1500 }, (_, i) => ({
        HIS药品编码: `Y${i}`,
        药品名称: '',
        小码前缀: `8${String(i).padStart(6, '0')}`,
      }));
      const result = parse(...rows);
      expect(result.problems).to.have.length(MAX_REPORTED_PROBLEMS);
      expect(result.truncated).to.equal(true);
      expect(parse(base).truncated).to.equal(false);
    });
  });

  describe('column definitions', () => {
    it('define every canonical column once, with unique headers across columns', () => {
      expect(catalogColumns.map((c) => c.key)).to.deep.equal([...CatalogColumnKeys]);
      const owner = new Map<string, string>();
      for (const c of catalogColumns) {
        for (const alias of new Set([c.key, c.label, ...c.aliases].map(headerKey))) {
          expect(owner.get(alias), `${alias} used by ${owner.get(alias)} and ${c.key}`).to.equal(undefined);
          owner.set(alias, c.key);
        }
      }
    });

    it('every example value parses (a row of examples is a valid draft)', () => {
      const row = Object.fromEntries(
        catalogColumns.filter((c) => c.key !== 'exempt_reason').map((c) => [c.label, c.example])
      );
      const { drafts, problems } = parse(row);
      expect(problems).to.deep.equal([]);
      expect(drafts).to.have.length(1);
    });

    it('resolveColumns reports ignored headers and prefers the earlier alias when two headers name one column', () => {
      const r = resolveColumns(['药品名称', '通用名', 'HIS药品编码', '备注'], catalogColumns);
      expect(r.columns.name).to.equal('药品名称');
      expect(r.columns.his_drug_code).to.equal('HIS药品编码');
      expect(r.ignored).to.deep.equal(['通用名', '备注']);
    });

    it('splitList accepts ; , space 、 and full-width separators', () => {
      expect(splitList('a;b, c、d；e，f  g')).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    });

    it('GS1 check digits', () => {
      expect(isValidEan13('4006381333931')).to.equal(true);
      expect(isValidEan13('6901234567892')).to.equal(true);
      expect(isValidEan13('6901234567893')).to.equal(false);
      expect(normaliseGtin14('6901234567892')).to.equal('06901234567892');
      expect(normaliseGtin14('16901234567899')).to.equal('16901234567899');
      expect(normaliseGtin14('16901234567898')).to.equal(null);
    });
  });
});
