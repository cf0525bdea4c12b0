/**
 * The HIS's request bodies, one new envelope per request (every msgid, fixmedins_bchno, prescription and visit
 * number used once in a run, as a HIS sends them):
 * - pass-through: 1101 人员信息获取 with a small input, which the proxy relays untouched;
 * - sale: 3505 商品销售, one row of one or two whole packs of a pre-filled drug, each pack a trace code. The proxied
 *   path gets unique in-stock codes from the ledger; the direct path gets codes of the same shape that are not in
 *   the ledger (the platform does not know the ledger), so both bodies have the same size and fields.
 */
import { drugDraft, DRUGS, hisDrugCodeOf, unitCode } from '../scan/prefill.js';
import type { CodePicker } from '../scan/sessions.js';
import { hisEnvelope, hisSaleRow } from '../../test/support/his-rows.js';

export const SERVICE_PATH = '/fsi/api/rsfComIfsService/callService';
export const FIXMEDINS_CODE = 'H31011500001';

/** A body source: the next request body (a new envelope each call). */
export type BodySource = () => string;

let counter = 0;
let saleNo = 0;
let lookAlikeNo = 0;
const runTag = String(process.pid % 1000).padStart(3, '0');

/** 30 characters: the institution code and an 18-digit counter. */
function nextMsgid(): string {
  return `${FIXMEDINS_CODE}${runTag}${String(++counter).padStart(15, '0')}`;
}

/** yyyy-MM-dd HH:mm:ss in Asia/Shanghai (UTC+8, no daylight saving). */
function shanghaiNow(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function envelope(infno: string, input: Record<string, unknown>, at: string): Record<string, unknown> {
  return hisEnvelope(infno, nextMsgid(), input, { inf_time: at, fixmedins_code: FIXMEDINS_CODE });
}

export function passThroughBodies(): BodySource {
  return () =>
    JSON.stringify(
      envelope(
        '1101',
        {
          data: {
            mdtrt_cert_type: '02',
            mdtrt_cert_no: '310101199001011234',
            card_sn: '',
            begntime: '',
            psn_cert_type: '01',
            certno: '310101199001011234',
            psn_name: '王小明',
          },
        },
        shanghaiNow()
      )
    );
}

/**
 * Where a sale's codes come from: the ledger's in-stock codes, or look-alikes the ledger never saw (unit numbers
 * from `firstUnit` on, past the pre-filled ones).
 */
export type SaleCodes = { kind: 'ledger'; picker: CodePicker } | { kind: 'look-alike'; firstUnit: number };

/** 3505 bodies; requests alternate one and two packs (1.5 codes per request on average). */
export function saleBodies(codes: SaleCodes): BodySource {
  const take = (d: number): string =>
    codes.kind === 'ledger' ? codes.picker.take(d) : unitCode(d, codes.firstUnit + lookAlikeNo++);
  return () => {
    const n = ++saleNo;
    const d = Math.floor(Math.random() * DRUGS);
    const drug = drugDraft(d);
    const packs = n % 2 === 0 ? 2 : 1;
    const at = shanghaiNow();
    const path = codes.kind === 'ledger' ? 'P' : 'D';
    const row = hisSaleRow(
      `BN${runTag}${path}${String(n).padStart(10, '0')}`,
      Array.from({ length: packs }, () => take(d)),
      {
        med_list_codg: drug.insuranceCode,
        fixmedins_hilist_id: hisDrugCodeOf(d),
        fixmedins_hilist_name: drug.name,
        mdtrt_sn: `MZ${runTag}${path}${n}`,
        manu_lotnum: `L${d}`,
        expy_end: '2030-12-31',
        rtal_docno: `RX${runTag}${path}${n}`,
        sel_retn_time: at,
      }
    );
    return JSON.stringify(envelope('3505', { selinfo: row }, at));
  };
}
