/**
 * The HIS's 3505 sales and 3506 returns, shaped like docs/examples/3505-sale.json and 3506-right-code.json, each
 * with its own msgid, fixmedins_bchno, visit and trace codes. A message's body is built once: a resend is the
 * same bytes under the same msgid, as an HIS resends.
 */
import { randomInt } from 'node:crypto';
import { demoCode } from '../../../plugin/demo/demo-catalog.js';
import { hisEnvelope, hisReturnRow, hisSaleRow } from '../../support/his-rows.js';
import { FIXMEDINS_CODE } from './tracegate-process.js';

/** 阿托伐他汀钙片 (demo drug Y0001): unit codes start with 8101001. */
export const Y0001 = { hisDrugCode: 'Y0001', insuranceCode: 'XC10AAA034A001010100445', unitPrefix: '8101001' };

export interface HisMessage {
  kind: 'sale' | 'return';
  msgid: string;
  /** The row's fixmedins_bchno. */
  bchno: string;
  codes: string[];
  /** A return's original sale (medins_prod_sel_no). */
  saleBchno: string | null;
  body: string;
}

/** yyyy-MM-dd HH:mm:ss, hospital time (UTC+8). */
export function shanghaiNow(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export class HisMessages {
  /** Six digits that keep this run's msgids and bchnos apart from any other run's. */
  readonly runTag = String(randomInt(1_000_000)).padStart(6, '0');
  private msgNo = 0;
  private saleNo = 0;
  private returnNo = 0;
  private codeNo: number;

  /** Codes are numbered from `firstSerial` on, past the demo data's own packs. */
  constructor(firstSerial = 100_000) {
    this.codeNo = firstSerial;
  }

  /**
   * 30 characters: the institution code, "99" (a year no time-stamped msgid of tracegate's own can start with, so
   * the two never collide at the platform), the run tag and a counter.
   */
  nextMsgid(): string {
    return `${FIXMEDINS_CODE}99${this.runTag}${String(++this.msgNo).padStart(10, '0')}`;
  }

  /** A new pack of Y0001 that no message has used yet. */
  nextCode(): string {
    return demoCode(Y0001.unitPrefix, ++this.codeNo);
  }

  /** A 3505 sale of `packs` new packs of Y0001, in one row. */
  sale(packs = 1): HisMessage {
    const n = ++this.saleNo;
    const bchno = `S${this.runTag}${String(n).padStart(7, '0')}`;
    const codes = Array.from({ length: packs }, () => this.nextCode());
    const at = shanghaiNow();
    const row = hisSaleRow(bchno, codes, {
      med_list_codg: Y0001.insuranceCode,
      fixmedins_hilist_id: Y0001.hisDrugCode,
      mdtrt_sn: `MZ${this.runTag}${n}`,
      rtal_docno: `RX${this.runTag}${n}`,
      sel_retn_time: at,
    });
    return this.message('sale', '3505', bchno, codes, null, { selinfo: row }, at);
  }

  /** A 3506 return of every pack of `sale` (medins_prod_sel_no = the sale's bchno). */
  returnOf(sale: HisMessage): HisMessage {
    const n = ++this.returnNo;
    const bchno = `R${this.runTag}${String(n).padStart(7, '0')}`;
    const saleRow = (JSON.parse(sale.body) as { input: { selinfo: Record<string, unknown> } }).input.selinfo;
    const at = shanghaiNow();
    const row = hisReturnRow(bchno, sale.bchno, sale.codes, {
      med_list_codg: Y0001.insuranceCode,
      fixmedins_hilist_id: Y0001.hisDrugCode,
      mdtrt_sn: saleRow.mdtrt_sn,
      sel_retn_time: at,
    });
    return this.message('return', '3506', bchno, sale.codes, sale.bchno, { selinfo: row }, at);
  }

  /** The full request envelope of docs/examples around `input`. */
  envelope(infno: string, input: unknown, msgid = this.nextMsgid(), at = shanghaiNow()): Record<string, unknown> {
    return hisEnvelope(infno, msgid, input, { inf_time: at, fixmedins_code: FIXMEDINS_CODE });
  }

  private message(
    kind: HisMessage['kind'],
    infno: string,
    bchno: string,
    codes: string[],
    saleBchno: string | null,
    input: Record<string, unknown>,
    at: string
  ): HisMessage {
    const msgid = this.nextMsgid();
    return { kind, msgid, bchno, codes, saleBchno, body: JSON.stringify(this.envelope(infno, input, msgid, at)) };
  }
}
