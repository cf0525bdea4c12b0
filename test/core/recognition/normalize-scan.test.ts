import { expect } from 'chai';
import { normalizeScan } from '../../../core/recognition/normalize-scan.js';
import { GS } from './scan-fixtures.js';

describe('normalizeScan', () => {
  it('records and strips an AIM symbology identifier of the form ] letter digit', () => {
    for (const aim of [']d2', ']C1', ']Q3', ']e0', ']E0', ']d1', ']C0']) {
      expect(normalizeScan(`${aim}0106901234567892`)).to.deep.equal({ text: '0106901234567892', symbology: aim });
    }
    expect(normalizeScan('0106901234567892').symbology).to.equal(null);
  });

  it('strips terminators, BOM, zero-width characters and a GS right after the prefix', () => {
    expect(normalizeScan(`\uFEFF]d2${GS}01069\u200B01234567892\r\n`)).to.deep.equal({
      text: '0106901234567892',
      symbology: ']d2',
    });
  });

  it('folds full-width digits, letters and the ideographic space', () => {
    expect(normalizeScan('\u3000８１２３ＡＢｃ（０１）\u3000').text).to.equal('8123ABc(01)');
  });

  it('maps built-in GS stand-ins to ASCII 29 and collapses doubled separators', () => {
    for (const sub of [
      '<GS>',
      '[GS]',
      '{GS}',
      '<FNC1>',
      '\\x1d',
      '\\x1D',
      '\\u001d',
      '^]',
      '\u241d',
      ']',
      `${GS}<GS>`,
    ]) {
      expect(normalizeScan(`10AB${sub}21CD`).text, sub).to.equal(`10AB${GS}21CD`);
    }
  });

  it('leaves characters a lot or serial may contain alone unless a site configures them', () => {
    expect(normalizeScan('10A+B|C#D').text).to.equal('10A+B|C#D');
    expect(normalizeScan('10A+B|C#D', ['|', '#']).text).to.equal(`10A+B${GS}C${GS}D`);
    expect(normalizeScan('10A||B', ['|', '||']).text).to.equal(`10A${GS}B`);
  });

  it('keeps inner spaces (they are reported, not silently joined)', () => {
    expect(normalizeScan(' 8123 4560 ').text).to.equal('8123 4560');
  });
});
