/** The columns of a duplicate-notice file (追溯码重复通知): Chinese headers as the platform's lists print them, or field names. */
import type { ColumnDef } from '../catalog/tabular.js';

export const NoticeColumnKeys = [
  'drug_trac_codg',
  'trac_sn',
  'fixmedins_code',
  'fixmedins_name',
  'medins_list_codg',
  'med_list_codg',
  'fixmedins_bchno',
  'medins_prod_sel_no',
  'mdtrt_id',
  'mdtrt_setl_type',
  'bkkp_sn',
  'trdn_flag',
  'psn_no',
  'psn_name',
  'sel_time',
  'admdvs',
  'kind',
] as const;
export type NoticeColumnKey = (typeof NoticeColumnKeys)[number];

const column = (
  key: NoticeColumnKey,
  label: string,
  aliases: string[],
  description: string,
  example: string,
  requiredColumn = false
): ColumnDef<NoticeColumnKey> => ({ key, label, aliases, requiredColumn, description, example });

export const noticeColumns: readonly ColumnDef<NoticeColumnKey>[] = [
  column(
    'drug_trac_codg',
    '药品追溯码',
    ['追溯码', '药品追溯码编号', 'traceCode', 'trace_code'],
    '必填。被重复销售的追溯码。',
    '81010010000000000001',
    true
  ),
  column('trac_sn', '追溯流水号', ['rid', 'traceSerialNo', 'trace_serial_no'], '平台的记录流水号。', 'R2025070100001'),
  column(
    'fixmedins_code',
    '定点医药机构编号',
    ['医药机构编号', '机构编码', '定点机构编码', 'fixmedinsCode'],
    '这条销售记录所在的机构（本院或其他医院、药店）。',
    'P31011500012'
  ),
  column('fixmedins_name', '定点医药机构名称', ['机构名称', '医药机构名称', 'fixmedinsName'], '', '某某大药房'),
  column('medins_list_codg', '医药机构目录编码', ['机构目录编码', 'medinsListCodg'], '', 'Y0001'),
  column('med_list_codg', '医疗目录编码', ['医保目录编码', '医保编码', 'medListCodg'], '', 'XC10AAA034A001010100445'),
  column('fixmedins_bchno', '批次流水号', ['定点医药机构批次流水号', 'fixmedinsBchno'], '', 'D20250701093000abc123-1'),
  column('medins_prod_sel_no', '商品销售流水号', ['销售流水号', 'saleSerialNo', 'sale_serial_no'], '', 'RX20250701001'),
  column('mdtrt_id', '就诊ID', ['就医流水号', '就诊流水号', 'mdtrtId'], '', 'MD20250701001'),
  column('mdtrt_setl_type', '就诊结算类型', ['结算类型', 'mdtrtSetlType', 'MDTRT_SETL_TYPE'], '1 医保 / 2 自费', '1'),
  column('bkkp_sn', '记账流水号', ['bkkpSn'], '', 'BK001'),
  column('trdn_flag', '拆零标志', ['trdnFlag'], '0 否 / 1 是', '0'),
  column('psn_no', '人员编号', ['psnNo'], '', '31000000000000000001'),
  column('psn_name', '人员姓名', ['患者姓名', '姓名', 'psnName'], '', '张三'),
  column(
    'sel_time',
    '销售时间',
    ['销售日期', '结算时间', 'sel_retn_time', 'crte_time', 'saleTime'],
    '',
    '2025-07-01 09:30:00'
  ),
  column(
    'admdvs',
    '统筹区',
    ['统筹区编码', '参保地', '地区', '区域', 'region', 'insuplc_admdvs', 'mdtrtarea_admvs'],
    '这条销售记录所在的统筹区；同一追溯码出现在两个以上统筹区时按「假药」处理。',
    '310115'
  ),
  column(
    'kind',
    '重复类型',
    ['类型', '异常类型', '疑似类型', 'type'],
    '回流 / 假药 / 串换 / 其他；空则按内容推断。',
    '回流'
  ),
];
