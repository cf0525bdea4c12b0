/**
 * RDS^O13 dispenses as a HIS sends them (test/adapters/hl7/hl7-fixtures.ts `rds()`: one RXD line of 阿托伐他汀钙片
 * Y0001, its codes in a ZTC segment), each with its own MSH-10, prescription number and unit codes. The codes are
 * demo-catalog Y0001 unit codes (`8101001` + 13 digits) from 100,000 upward: the demo data receives units 1–200
 * only, so every code is new to the ledger and is dispensed as never received here (accepted with a warning under
 * the default `window.neverReceived: warn`), and none is ever sent twice.
 */
import { demoCode } from '../../plugin/demo/demo-catalog.js';
import { rds } from '../../test/adapters/hl7/hl7-fixtures.js';
import type { MessageSource } from './mllp-path.js';

const FIRST_CODE = 100_000;

export function frameOf(text: string): Buffer {
  return Buffer.concat([Buffer.of(0x0b), Buffer.from(text, 'utf8'), Buffer.of(0x1c, 0x0d)]);
}

/** `label` keeps the MSH-10s of different sources apart (one per store). */
export function rdsMessages(label: string, codesPerMessage: number): MessageSource {
  let seq = 0;
  let nextCode = FIRST_CODE;
  return () => {
    seq++;
    const codes = Array.from({ length: codesPerMessage }, () => demoCode('8101001', nextCode++));
    const controlId = `BENCH-${label}-${seq}`;
    const text = rds({ controlId, prescriptionNo: `RXB-${label}-${seq}`, codes });
    return { controlId, frame: frameOf(text) };
  };
}
