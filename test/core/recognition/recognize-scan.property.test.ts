import { expect } from 'chai';
import fc from 'fast-check';
import { recognizeScan } from '../../../core/recognition/recognize-scan.js';
import type { RecognizedScan } from '../../../core/recognition/recognize-scan.js';
import { INTERNAL_ERROR_MARKER } from '../../../core/recognition/scan-problem.js';
import {
  CHARSET_82,
  GS,
  bracketedForm,
  gsForm,
  serialFirstForm,
  traceCodeOf,
  withCheckDigit,
} from './scan-fixtures.js';
import type { PackFields } from './scan-fixtures.js';

const RUNS = { numRuns: Number(process.env.SCAN_PROPERTY_RUNS ?? 500) };

const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Any UTF-16 sequence, lone surrogates included. */
const anyUtf16 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 60 })
  .map((codes) => String.fromCharCode(...codes));

const FRAGMENTS = [
  ']d2',
  ']C1',
  ']Q3',
  ']E0',
  ']',
  GS,
  '<GS>',
  '^]',
  '\\x1d',
  '01',
  '21',
  '17',
  '10',
  '11',
  '(01)',
  '(21)',
  '(',
  ')',
];
const TERMINATORS = ['\r', '\n', '\r\n', '\t', ' ', '\u3000', '\uFEFF', '\u200B'];

/** Strings built from scanner-ish fragments, digits and noise, so the GS1 and digit paths get exercised. */
const scannerish = fc
  .array(
    fc.oneof(
      fc.constantFrom(...FRAGMENTS, ...TERMINATORS, '8', '69', '06901234567892', '81234560000000000001', '０', '８'),
      digits(1, 20),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: fc.constantFrom(...CHARSET_82), maxLength: 8 })
    ),
    { maxLength: 12 }
  )
  .map((parts) => parts.join(''));

function traceCodeOfScan(scan: RecognizedScan): string | null {
  return scan.kind === 'cn_trace_code' || scan.kind === 'gs1' ? scan.traceCode : null;
}

/** A valid GTIN-14: random body, check digit computed in the test. */
const gtin14 = digits(13, 13).map(withCheckDigit);

/** YYMMDD with a real month and day (DD = 00 allowed: last day of the month). */
const gs1Date = fc
  .record({
    yy: fc.integer({ min: 0, max: 99 }),
    mm: fc.integer({ min: 1, max: 12 }),
    dd: fc.integer({ min: 0, max: 28 }),
  })
  .map(({ yy, mm, dd }) => [yy, mm, dd].map((n) => String(n).padStart(2, '0')).join(''));

// Parentheses would make the bracketed form ambiguous, and a value spelling a GS stand-in is not one a pack carries.
const VALUE_CHARS = [...CHARSET_82].filter((c) => c !== '(' && c !== ')');
const lotOrSerial = fc
  .string({ unit: fc.constantFrom(...VALUE_CHARS), minLength: 1, maxLength: 20 })
  .filter((v) => !/<gs>|<fnc1>/i.test(v));

const pack: fc.Arbitrary<PackFields> = fc.record(
  { gtin: gtin14, serial: lotOrSerial, lot: lotOrSerial, expiry: gs1Date, productionDate: gs1Date },
  { requiredKeys: ['gtin', 'serial', 'lot', 'expiry'] }
);

const packForms = (p: PackFields): string[] => [gsForm(p), serialFirstForm(p), bracketedForm(p)];

/** Valid pack scans behind a random prefix, with scanner-ish debris inserted somewhere: near misses of GS1. */
const mutatedPackScan = fc
  .record({
    p: pack,
    form: fc.nat(2),
    prefix: fc.constantFrom('', ']d2', ']C1', ']Q3', ']d1', ']E0', ' ', '\r\n'),
    debris: fc.option(scannerish, { nil: undefined }),
    at: fc.nat(),
  })
  .map(({ p, form, prefix, debris, at }) => {
    const text = packForms(p)[form] ?? '';
    const cut = at % (text.length + 1);
    return prefix + (debris === undefined ? text : text.slice(0, cut) + debris + text.slice(cut));
  });

const anyInput = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  anyUtf16,
  scannerish,
  mutatedPackScan
);

describe('recognizeScan: properties', () => {
  it('never throws and always answers with the raw input, on any string', () => {
    fc.assert(
      fc.property(anyInput, (raw) => {
        const scan = recognizeScan(raw);
        expect(scan.raw).to.equal(raw);
        expect(['cn_trace_code', 'gs1', 'ean13', 'unknown']).to.include(scan.kind);
        if (scan.kind === 'unknown' || scan.kind === 'ean13') {
          expect(scan.problem.message).to.be.a('string').and.not.contain(INTERNAL_ERROR_MARKER);
          expect(scan.problem.message.length).to.be.below(400);
        }
      }),
      { numRuns: Number(process.env.SCAN_PROPERTY_RUNS ?? 2000) }
    );
  });

  it('is stable, and recognising the normalized text again gives the same kind and trace code', () => {
    fc.assert(
      fc.property(anyInput, (raw) => {
        const first = recognizeScan(raw);
        expect(recognizeScan(raw)).to.deep.equal(first);
        const again = recognizeScan(first.normalized);
        expect(again.normalized).to.equal(first.normalized);
        expect(again.kind).to.equal(first.kind);
        expect(traceCodeOfScan(again)).to.equal(traceCodeOfScan(first));
      }),
      { numRuns: Number(process.env.SCAN_PROPERTY_RUNS ?? 2000) }
    );
  });

  it('recognises any 20-digit 8-code wrapped in whitespace and terminators, with the same trace code', () => {
    const wrapping = fc.array(fc.constantFrom(...TERMINATORS), { maxLength: 4 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(digits(19, 19), wrapping, wrapping, fc.boolean(), (rest, before, after, fullWidth) => {
        const code = `8${rest}`;
        const typed = fullWidth ? [...code].map((d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).join('') : code;
        const scan = recognizeScan(before + typed + after);
        expect(scan.kind).to.equal('cn_trace_code');
        expect(traceCodeOfScan(scan)).to.equal(code);
        expect(scan.kind === 'cn_trace_code' && scan.productPrefix + scan.serial).to.equal(code);
      }),
      RUNS
    );
  });

  it('reads any valid GS1 pack to the same trace code in bracketed, GS, serial-first and ]d2 forms', () => {
    fc.assert(
      fc.property(pack, fc.constantFrom('', '<GS>', '^]'), (p, substitute) => {
        const withSub = (s: string): string => (substitute === '' ? s : s.split(GS).join(substitute));
        const forms = [
          bracketedForm(p),
          gsForm(p),
          withSub(gsForm(p)),
          `]d2${gsForm(p)}\r\n`,
          `]d2${withSub(serialFirstForm(p))}`,
          serialFirstForm(p),
        ];
        for (const form of forms) {
          const scan = recognizeScan(form);
          expect(scan.kind, `${JSON.stringify(form)} → ${JSON.stringify(scan)}`).to.equal('gs1');
          if (scan.kind !== 'gs1') {
            return;
          }
          expect(scan.traceCode).to.equal(traceCodeOf(p));
          expect(scan).to.include({ gtin: p.gtin, serial: p.serial, lot: p.lot ?? null });
          expect(traceCodeOfScan(recognizeScan(scan.normalized))).to.equal(scan.traceCode);
        }
      }),
      RUNS
    );
  });
});
