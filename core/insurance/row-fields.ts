/**
 * 35xx business-row fields with the platform's types, lengths and required flags (insurance-interface.md §2).
 * Only what tracegate writes or must check is listed; a province's extra columns pass through unchecked.
 */
export const FieldTypes = ['string', 'number', 'date', 'datetime', 'tracelist'] as const;
export type FieldType = (typeof FieldTypes)[number];

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Characters for strings; for numbers the total digits (precision), with `scale` decimals. */
  length?: number;
  scale?: number;
  required: boolean;
  /** A dictionary field's allowed values (代码标识). */
  values?: readonly string[];
}

const s = (name: string, length: number, required = false): FieldSpec => ({ name, type: 'string', length, required });
const n = (name: string, length: number, scale: number, required = false): FieldSpec => ({
  name,
  type: 'number',
  length,
  scale,
  required,
});
const d = (name: string, required = false): FieldSpec => ({ name, type: 'date', required });
const dt = (name: string, required = false): FieldSpec => ({ name, type: 'datetime', required });
const dict = (name: string, length: number, values: readonly string[], required = false): FieldSpec => ({
  ...s(name, length, required),
  values,
});
const trace: FieldSpec = { name: 'drugtracinfo', type: 'tracelist', required: false };

const catalogKeys = [
  s('med_list_codg', 50, true),
  s('fixmedins_hilist_id', 30, true),
  s('fixmedins_hilist_name', 200, true),
];

/** 3503 商品采购 (purcinfo). */
export const purchaseFields: FieldSpec[] = [
  ...catalogKeys,
  s('dynt_no', 50),
  s('fixmedins_bchno', 30, true),
  s('spler_name', 200, true),
  s('spler_pmtno', 50),
  s('manu_lotnum', 30, true),
  s('prodentp_name', 200, true),
  s('aprvno', 100, true),
  d('manu_date', true),
  d('expy_end', true),
  n('finl_trns_pric', 16, 6),
  n('purc_retn_cnt', 16, 4, true),
  s('purc_invo_codg', 50),
  s('purc_invo_no', 50),
  s('rx_flag', 3, true),
  dt('purc_retn_stoin_time', true),
  s('purc_retn_opter_name', 50, true),
  s('prod_geay_flag', 3),
  s('memo', 500),
];

/** 3505 商品销售 (selinfo). */
export const saleFields: FieldSpec[] = [
  ...catalogKeys,
  s('fixmedins_bchno', 30, true),
  s('prsc_dr_cert_type', 6),
  s('prsc_dr_certno', 50),
  s('prsc_dr_name', 50, true),
  s('phar_cert_type', 6),
  s('phar_certno', 50),
  s('phar_name', 50, true),
  s('phar_prac_cert_no', 50, true),
  s('hi_feesetl_type', 6, true),
  s('setl_id', 30),
  s('mdtrt_sn', 30, true),
  s('psn_no', 30),
  s('psn_cert_type', 6, true),
  s('certno', 50),
  s('psn_name', 50),
  s('manu_lotnum', 30, true),
  d('manu_date', true),
  d('expy_end'),
  s('rx_flag', 3, true),
  s('trdn_flag', 3, true),
  n('finl_trns_pric', 16, 6),
  s('rxno', 40),
  s('rx_circ_flag', 3, true),
  s('rtal_docno', 40, true),
  s('stoout_no', 40),
  s('bchno', 30),
  s('drug_prod_barc', 30),
  s('shelf_posi', 20),
  n('sel_retn_cnt', 16, 4, true),
  dt('sel_retn_time', true),
  s('sel_retn_opter_name', 50, true),
  s('memo', 500),
  s('mdtrt_setl_type', 6),
  trace,
];

/** 3506 商品销售退货 (selinfo). */
export const saleReturnFields: FieldSpec[] = [
  ...catalogKeys,
  s('fixmedins_bchno', 30, true),
  s('setl_id', 30),
  s('psn_no', 30),
  s('psn_cert_type', 6, true),
  s('certno', 50),
  s('psn_name', 50),
  s('manu_lotnum', 30, true),
  d('manu_date', true),
  d('expy_end'),
  s('rx_flag', 3, true),
  s('trdn_flag', 3, true),
  n('finl_trns_pric', 16, 6),
  n('sel_retn_cnt', 16, 4, true),
  dt('sel_retn_time', true),
  s('sel_retn_opter_name', 50, true),
  s('memo', 500),
  s('medins_prod_sel_no', 50),
  s('mdtrt_sn', 30, true),
  trace,
];

/** 3501 商品盘存上传 (invinfo). */
export const inventoryFields: FieldSpec[] = [
  ...catalogKeys,
  s('rx_flag', 3, true),
  d('invdate', true),
  n('inv_cnt', 16, 2, true),
  s('manu_lotnum', 30),
  s('fixmedins_bchno', 30, true),
  d('manu_date', true),
  d('expy_end', true),
  s('memo', 500),
  trace,
];

/**
 * inv_chg_type: 101 调拨入库, 102 调拨出库, 103 盘盈, 104 盘损, 105 销毁, 106 其他入库, 107 其他出库, 108 商品采购入库,
 * 109 商品退货出库, 110 赠药入库, 111 赠药退回出库.
 */
export const STOCK_CHANGE_TYPES = [
  '101',
  '102',
  '103',
  '104',
  '105',
  '106',
  '107',
  '108',
  '109',
  '110',
  '111',
] as const;

/** 3502 商品库存变更 (invinfo); inv_chg_type from the 101–111 dictionary. */
export const stockChangeFields: FieldSpec[] = [
  s('med_list_codg', 50, true),
  dict('inv_chg_type', 6, STOCK_CHANGE_TYPES, true),
  s('fixmedins_hilist_id', 30, true),
  s('fixmedins_hilist_name', 200, true),
  s('fixmedins_bchno', 30, true),
  n('pric', 16, 6, true),
  n('cnt', 16, 4, true),
  s('rx_flag', 3, true),
  dt('inv_chg_time', true),
  s('inv_chg_opter_name', 50),
  s('memo', 500),
  s('trdn_flag', 2, true),
  trace,
];

/** 3504 商品采购退货 (purcinfo); medins_prod_purc_no names the original purchase. */
export const purchaseReturnFields: FieldSpec[] = [
  ...catalogKeys,
  s('fixmedins_bchno', 30, true),
  s('spler_name', 200, true),
  s('spler_pmtno', 50),
  d('manu_date', true),
  d('expy_end', true),
  n('finl_trns_pric', 16, 6),
  n('purc_retn_cnt', 16, 4, true),
  s('purc_invo_codg', 50),
  s('purc_invo_no', 50),
  s('rx_flag', 3, true),
  dt('purc_retn_stoin_time', true),
  s('purc_retn_opter_name', 50, true),
  s('memo', 500),
  s('medins_prod_purc_no', 50),
];

/** 3507 商品信息删除 (data): the key of the row to delete and which kind of data it was. */
export const deletionFields: FieldSpec[] = [
  s('fixmedins_bchno', 30, true),
  dict('inv_data_type', 3, ['1', '2', '3', '4'], true),
];

export const rowFieldsOf = {
  '3501': inventoryFields,
  '3502': stockChangeFields,
  '3503': purchaseFields,
  '3504': purchaseReturnFields,
  '3505': saleFields,
  '3506': saleReturnFields,
  '3507': deletionFields,
} as const;
export type RowInfno = keyof typeof rowFieldsOf;
