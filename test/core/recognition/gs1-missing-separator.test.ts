import { expect } from 'chai';
import { recognizeScan } from '../../../core/recognition/recognize-scan.js';
import { GS, GTIN } from './scan-fixtures.js';

function problemCode(raw: string): string {
  const scan = recognizeScan(raw);
  return scan.kind === 'unknown' || scan.kind === 'ean13' ? scan.problem.code : scan.kind;
}

describe('GS1 missing-GS heuristic', () => {
  it('rejects a lot that swallowed the serial (GS dropped between 10 and 21)', () => {
    const scan = recognizeScan(`01${GTIN}17270100` + `10B2405A21SN0001`);
    expect(scan.kind).to.equal('unknown');
    if (scan.kind !== 'unknown') {
      return;
    }
    expect(scan.problem.code).to.equal('SCAN_GS1_MALFORMED');
    expect(scan.problem.message).to.contain('分隔符(GS)').and.contain('序列号(21)SN0001').and.contain('扫码枪');
  });

  it('rejects a serial that swallowed expiry and lot (serial first, GS dropped)', () => {
    const scan = recognizeScan(`]d201${GTIN}21SN0001` + `17270100` + `10B2405A`);
    expect(scan.kind === 'unknown' && scan.problem.message)
      .to.contain('有效期(17)270100')
      .and.contain('批号(10)B2405A');
  });

  it('rejects a lot that swallowed the expiry (non-recommended order, GS dropped)', () => {
    expect(problemCode(`01${GTIN}21SN0001${GS}10B2405A17270100`)).to.equal('SCAN_GS1_MALFORMED');
  });

  it('accepts lots and serials that merely contain 21, 17, 10 or 11 when nothing is missing', () => {
    const ok = [
      `01${GTIN}17270100` + `10A21B17${GS}21SN2117`, // lot with 21/17, GS before the serial
      `01${GTIN}17270100` + `10B2405A${GS}21SN1727013110X`, // serial with 17+date and 10 inside
      `01${GTIN}21SN21${GS}17270100` + `10LOT21X17270101`, // serial first, lot last with 21/17
      `01${GTIN}17270100` + `10B2405A${GS}21A11250101`, // serial ending in 11+date
      `01${GTIN}17270100` + `21SN10ABC`, // no lot: a serial with "10" is kept (see limitations)
    ];
    for (const raw of ok) {
      expect(problemCode(raw), raw).to.equal('gs1');
    }
  });

  it('does not apply to the bracketed form, where brackets delimit every element', () => {
    expect(problemCode(`(01)${GTIN}(17)270100(10)B2405A21SN0001`)).to.equal('SCAN_GS1_NO_SERIAL');
  });

  it('a lot over 20 characters asks to check the GS setting', () => {
    const scan = recognizeScan(`01${GTIN}21SN1${GS}10${'A'.repeat(21)}`);
    expect(scan.kind === 'unknown' && scan.problem.message).to.contain('GS');
  });
});
