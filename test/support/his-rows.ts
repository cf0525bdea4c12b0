/**
 * What a hospital's HIS sends the platform, for tests and benchmarks: a complete 3505 sale row, a 3506 return row
 * and the request envelope around an input, with the values of docs/examples. Each caller overrides what it varies
 * (bchno, codes, drug, visit, time).
 */

/** A complete 3505 row: every field the platform requires, codes nested in drugtracinfo. */
export function hisSaleRow(
  bchno: string,
  codes: string[],
  over: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    med_list_codg: 'XC10AAA034A001010100445',
    fixmedins_hilist_id: 'Y0001',
    fixmedins_hilist_name: '阿托伐他汀钙片',
    fixmedins_bchno: bchno,
    prsc_dr_name: '王建国',
    phar_name: '张敏',
    phar_prac_cert_no: 'YS2019001',
    hi_feesetl_type: '1',
    mdtrt_sn: 'MZ20261122001',
    psn_cert_type: '01',
    psn_name: '王小明',
    manu_lotnum: '20260315',
    manu_date: '2026-03-15',
    expy_end: '2028-02-29',
    rx_flag: '1',
    trdn_flag: '0',
    rx_circ_flag: '0',
    rtal_docno: 'RX20261122001',
    sel_retn_cnt: String(codes.length),
    sel_retn_time: '2026-11-22 17:30:15',
    sel_retn_opter_name: '张敏',
    drugtracinfo: codes.map((c) => ({ drug_trac_codg: c })),
    ...over,
  };
}

/** A complete 3506 row returning `codes` of the sale whose bchno is `saleBchno`. */
export function hisReturnRow(
  bchno: string,
  saleBchno: string,
  codes: string[],
  over: Record<string, unknown> = {}
): Record<string, unknown> {
  const {
    prsc_dr_name: _doctor,
    phar_name: _pharmacist,
    phar_prac_cert_no: _cert,
    hi_feesetl_type: _fee,
    rx_circ_flag: _circ,
    rtal_docno: _doc,
    ...sale
  } = hisSaleRow(bchno, codes);
  return { ...sale, medins_prod_sel_no: saleBchno, memo: '患者退药', ...over };
}

/** The request envelope of docs/examples around `input` (institution H31011500001, area 310115). */
export function hisEnvelope(
  infno: string,
  msgid: string,
  input: unknown,
  over: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    infno,
    msgid,
    mdtrtarea_admvs: '310115',
    insuplc_admdvs: '310115',
    recer_sys_code: 'YBXT',
    dev_no: '',
    dev_safe_info: '',
    cainfo: '',
    signtype: '',
    infver: 'V1.0',
    opter_type: '1',
    opter: 'his01',
    opter_name: '张敏',
    inf_time: '2026-11-29 10:00:00',
    fixmedins_code: 'H31011500001',
    fixmedins_name: '溯码示范医院',
    sign_no: '',
    input,
    ...over,
  };
}
