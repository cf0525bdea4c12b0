import { expect } from 'chai';
import { recognizeScan } from '../../../core/recognition/recognize-scan.js';
import type { RecognizedScan, ScanProblemCode } from '../../../core/recognition/recognize-scan.js';
import { CN_CODE, EAN13, GS, GTIN, bracketedForm, gsForm, serialFirstForm } from './scan-fixtures.js';

function problemOf(scan: RecognizedScan): { code: ScanProblemCode; message: string } {
  if (scan.kind !== 'unknown' && scan.kind !== 'ean13') {
    throw new Error(`expected a problem, got ${scan.kind}`);
  }
  return scan.problem;
}

function expectProblem(raw: string, code: ScanProblemCode): string {
  const scan = recognizeScan(raw);
  expect(scan.kind, JSON.stringify(scan)).to.equal('unknown');
  const problem = problemOf(scan);
  expect(problem.code, problem.message).to.equal(code);
  expect(scan.raw).to.equal(raw);
  return problem.message;
}

const PACK = { gtin: GTIN, expiry: '270100', lot: 'B2405A', serial: 'SN00012345' };

describe('recognizeScan: Chinese 20-digit trace code', () => {
  it('splits a 码上放心 code into the 7-digit product prefix and the 13-digit serial', () => {
    expect(recognizeScan(CN_CODE)).to.deep.equal({
      kind: 'cn_trace_code',
      raw: CN_CODE,
      normalized: CN_CODE,
      traceCode: CN_CODE,
      productPrefix: '8123456',
      serial: '0000000000001',
    });
  });

  it('strips CR/LF/TAB terminators and surrounding spaces but keeps the raw scan', () => {
    for (const raw of [`${CN_CODE}\r\n`, `${CN_CODE}\n`, `${CN_CODE}\t`, `  ${CN_CODE}  `, `\r\n${CN_CODE}\r`]) {
      const scan = recognizeScan(raw);
      expect(scan.kind).to.equal('cn_trace_code');
      expect(scan.raw).to.equal(raw);
      expect(scan.normalized).to.equal(CN_CODE);
    }
  });

  it('reads full-width digits typed with a Chinese IME, a BOM and zero-width characters', () => {
    const fullWidth = '８１２３４５６００００００００００００１';
    const scan = recognizeScan(`\uFEFF${fullWidth}\u200B\u3000`);
    expect(scan.kind).to.equal('cn_trace_code');
    expect(scan.kind === 'cn_trace_code' && scan.traceCode).to.equal(CN_CODE);
  });

  it('strips a Code 128 symbology prefix', () => {
    const scan = recognizeScan(`]C0${CN_CODE}`);
    expect(scan.kind === 'cn_trace_code' && scan.traceCode).to.equal(CN_CODE);
  });

  it('reports a 19- or 21-digit code starting with 8 as a wrong-length trace code', () => {
    const short = expectProblem(CN_CODE.slice(0, 19), 'SCAN_CN_CODE_LENGTH');
    expect(short).to.contain('追溯码应为20位').and.contain('19位').and.contain(CN_CODE.slice(0, 19));
    expect(expectProblem(`${CN_CODE}5`, 'SCAN_CN_CODE_LENGTH')).to.contain('21位');
    expect(expectProblem(`${CN_CODE}55`, 'SCAN_CN_CODE_LENGTH')).to.contain('22位');
  });

  it('rejects 20 digits that do not start with 8, saying why', () => {
    expect(expectProblem('12345678901234567890', 'SCAN_UNRECOGNISED')).to.contain('不以8开头');
  });
});

describe('recognizeScan: GS1 element strings', () => {
  const expected = {
    kind: 'gs1',
    traceCode: `01${GTIN}21SN00012345`,
    gtin: GTIN,
    serial: 'SN00012345',
    lot: 'B2405A',
    expiry: '2027-01-31',
    productionDate: null,
  };

  it('reads a GS1 DataMatrix with ]d2 prefix and GS after the lot', () => {
    const raw = `]d2${gsForm(PACK)}\r\n`;
    expect(recognizeScan(raw)).to.deep.equal({ ...expected, raw, normalized: gsForm(PACK), symbology: ']d2' });
  });

  it('reads the bracketed human-readable form to the same trace code', () => {
    const raw = bracketedForm(PACK);
    expect(recognizeScan(raw)).to.deep.equal({ ...expected, raw, normalized: raw, symbology: null });
  });

  it('reads the bracketed form with spaces between the elements', () => {
    const scan = recognizeScan(`(01) ${GTIN} (17) 270100 (10) B2405A (21) SN00012345`);
    expect(scan).to.include({ kind: 'gs1', traceCode: expected.traceCode, lot: 'B2405A' });
  });

  it('reads serial-first order (01, 21, GS, 17, 10)', () => {
    const raw = serialFirstForm(PACK);
    expect(recognizeScan(raw)).to.include({
      kind: 'gs1',
      traceCode: expected.traceCode,
      lot: 'B2405A',
      expiry: '2027-01-31',
    });
  });

  it('reads a GS1-128 (]C1) with the date first', () => {
    const scan = recognizeScan(`]C117270100${'01' + GTIN}21SN00012345`);
    expect(scan).to.include({ kind: 'gs1', symbology: ']C1', traceCode: expected.traceCode, expiry: '2027-01-31' });
  });

  it('reads a production date (11) and maps a full-width ]ｄ２ prefix', () => {
    const scan = recognizeScan(`］ｄ２01${GTIN}11240315172703311012${GS}21X1`);
    expect(scan).to.include({
      kind: 'gs1',
      symbology: ']d2',
      productionDate: '2024-03-15',
      expiry: '2027-03-31',
      lot: '12',
    });
  });

  it('treats expiry day 00 as the last day of the month, including February in a leap year', () => {
    expect(recognizeScan(gsForm({ ...PACK, expiry: '280200' }))).to.include({ expiry: '2028-02-29' });
    expect(recognizeScan(gsForm({ ...PACK, expiry: '270200' }))).to.include({ expiry: '2027-02-28' });
    expect(recognizeScan(gsForm({ ...PACK, expiry: '270400' }))).to.include({ expiry: '2027-04-30' });
  });

  it('maps GS substitutes: built-in <GS>, written-out \\x1d, ^] and configured ones', () => {
    const withSub = (sub: string): string => `01${GTIN}17270100` + `10B2405A${sub}21SN00012345`;
    for (const sub of ['<GS>', '\\x1d', '^]', '\u241d']) {
      expect(recognizeScan(withSub(sub)), sub).to.include({
        kind: 'gs1',
        traceCode: expected.traceCode,
        lot: 'B2405A',
      });
    }
    // '|' and '#' are not defaults; a site that configured them gets them mapped.
    expect(recognizeScan(withSub('|'), { gsSubstitutes: ['|'] })).to.include({ kind: 'gs1', lot: 'B2405A' });
    expect(recognizeScan(withSub('#'), { gsSubstitutes: ['#'] })).to.include({ kind: 'gs1', lot: 'B2405A' });
  });

  it('does not treat charset-82 characters such as + as GS by default', () => {
    const scan = recognizeScan(`01${GTIN}17270100` + `21AB+CD`);
    expect(scan).to.include({ kind: 'gs1', serial: 'AB+CD' });
  });

  it('gives the same trace code with and without prefix, brackets and GS', () => {
    const forms = [
      `]d2${gsForm(PACK)}`,
      gsForm(PACK),
      serialFirstForm(PACK),
      bracketedForm(PACK),
      `]Q3${serialFirstForm(PACK)}`,
    ];
    const codes = forms.map((f) => {
      const scan = recognizeScan(f);
      return scan.kind === 'gs1' ? scan.traceCode : scan.kind;
    });
    expect(new Set(codes)).to.deep.equal(new Set([expected.traceCode]));
  });

  it('rejects a GTIN with a wrong check digit', () => {
    const message = expectProblem(gsForm({ ...PACK, gtin: '06901234567893' }), 'SCAN_GS1_BAD_CHECK_DIGIT');
    expect(message).to.contain('06901234567893').and.contain('校验位');
  });

  it('rejects impossible dates in 17 and 11', () => {
    expect(expectProblem(gsForm({ ...PACK, expiry: '271301' }), 'SCAN_GS1_BAD_DATE')).to.contain('有效期(17)');
    expect(expectProblem(gsForm({ ...PACK, expiry: '270230' }), 'SCAN_GS1_BAD_DATE')).to.contain('270230');
    expect(expectProblem(gsForm({ ...PACK, expiry: '270001' }), 'SCAN_GS1_BAD_DATE')).to.contain('有效期(17)');
    expect(expectProblem(gsForm({ ...PACK, productionDate: '230229' }), 'SCAN_GS1_BAD_DATE')).to.contain(
      '生产日期(11)'
    );
    expectProblem(`01${GTIN}1727AB01` + `21X`, 'SCAN_GS1_BAD_DATE');
  });

  it('rejects a GS1 string without serial (21)', () => {
    const message = expectProblem(`]d201${GTIN}17270100` + `10B2405A`, 'SCAN_GS1_NO_SERIAL');
    expect(message).to.contain('GS1码').and.contain('缺少序列号(21)，不能作为追溯码');
    expectProblem(`01${GTIN}`, 'SCAN_GS1_NO_SERIAL');
    expectProblem(`(01)${GTIN}(17)270100`, 'SCAN_GS1_NO_SERIAL');
  });

  it('rejects unparsable GS1 strings as malformed', () => {
    expectProblem(`]d201${GTIN.slice(0, 10)}`, 'SCAN_GS1_MALFORMED'); // GTIN cut short
    expectProblem(`]d221SN0001`, 'SCAN_GS1_MALFORMED'); // no GTIN
    expectProblem(`01${GTIN}17270100` + `21`, 'SCAN_GS1_MALFORMED'); // empty serial
    expectProblem(`01${GTIN}1727010021${'X'.repeat(21)}`, 'SCAN_GS1_MALFORMED'); // serial over 20
    expectProblem(`01${GTIN}17270100` + `21AB~CD`, 'SCAN_GS1_MALFORMED'); // ~ outside charset 82
    expectProblem(`(01)${GTIN}(21)A${GS}21B`, 'SCAN_GS1_MALFORMED'); // two different serials
  });
});

describe('recognizeScan: product barcodes', () => {
  it('says a valid 69 barcode is a product barcode, not a trace code', () => {
    const scan = recognizeScan(`${EAN13}\r\n`);
    expect(scan.kind).to.equal('ean13');
    expect(scan.kind === 'ean13' && scan.barcode).to.equal(EAN13);
    expect(problemOf(scan)).to.deep.equal({
      code: 'SCAN_IS_PRODUCT_BARCODE',
      message: `扫到的是商品条码(69码) ${EAN13}，不是药品追溯码，请扫描药盒上的追溯码`,
    });
  });

  it('accepts any valid EAN-13, also behind an ]E0 prefix', () => {
    const scan = recognizeScan(']E04006381333931');
    expect(scan.kind).to.equal('ean13');
    expect(problemOf(scan).message).to.contain('EAN-13');
  });

  it('rejects 13 digits with a wrong check digit as unrecognised', () => {
    expect(expectProblem('6901234567893', 'SCAN_UNRECOGNISED')).to.contain('校验位');
  });

  it('says a bare GTIN-14 lacks a serial', () => {
    expect(expectProblem(GTIN, 'SCAN_IS_PRODUCT_BARCODE')).to.contain('仅有商品编码(GTIN)').and.contain('缺少序列号');
  });
});

describe('recognizeScan: empty, too long, unrecognised', () => {
  it('reports empty and blank input', () => {
    for (const raw of ['', '   ', '\r\n', '\t', '\uFEFF', '\u3000']) {
      expectProblem(raw, 'SCAN_EMPTY');
    }
  });

  it('reports input over 100 characters as too long (the insurance field holds 100)', () => {
    expect(expectProblem('8'.repeat(101), 'SCAN_TOO_LONG')).to.contain('101');
    expect(recognizeScan(`01${GTIN}21${'A'.repeat(20)}10${'B'.repeat(20)}`).kind).to.not.equal('gs1');
  });

  it('bounds the work on a megabyte of input', () => {
    const raw = `${CN_CODE}\n`.repeat(50_000);
    const started = Date.now();
    const scan = recognizeScan(raw);
    expect(Date.now() - started).to.be.below(200);
    expect(problemOf(scan).code).to.equal('SCAN_TOO_LONG');
    expect(scan.raw).to.equal(raw);
    expect(problemOf(scan).message.length).to.be.below(200);
  });

  it('gives a helpful reason for other input', () => {
    expect(expectProblem('ABC123', 'SCAN_UNRECOGNISED')).to.contain('字母').and.contain('ABC123');
    expect(expectProblem('123456', 'SCAN_UNRECOGNISED')).to.contain('6位数字');
    expect(expectProblem(`${CN_CODE}\r\n${CN_CODE}`, 'SCAN_UNRECOGNISED')).to.contain('多个码');
    expect(expectProblem('阿莫西林', 'SCAN_UNRECOGNISED')).to.contain('输入法');
    expect(expectProblem('https://example.com/drug?id=1', 'SCAN_UNRECOGNISED')).to.contain('网址');
    expect(expectProblem(`https://id.gs1.org/01/${GTIN}/21/SN1`, 'SCAN_UNRECOGNISED')).to.contain('Digital Link');
  });

  it('truncates the scanned text in messages and shows GS visibly', () => {
    const message = expectProblem(`${'A'.repeat(60)}`, 'SCAN_UNRECOGNISED');
    expect(message)
      .to.contain(`${'A'.repeat(40)}…`)
      .and.not.contain('A'.repeat(41));
    const noSerial = expectProblem(`01${GTIN}10LOT1${GS}17270100`, 'SCAN_GS1_NO_SERIAL');
    expect(noSerial).to.contain('<GS>').and.not.contain(GS);
  });

  it('never throws on odd strings: lone surrogates, controls, NUL', () => {
    for (const raw of ['\uD800', '\uDC00abc', '\u0000', ']', ']d', ']d2', '()', '(01)', '\u001d\u001d', '(01)(21)']) {
      const scan = recognizeScan(raw);
      expect(scan.raw).to.equal(raw);
      expect(scan.kind).to.equal('unknown');
    }
  });
});
