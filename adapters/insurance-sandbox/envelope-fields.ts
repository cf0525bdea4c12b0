/** The request envelope's fields with their 中文 names, lengths and required flags (insurance-interface.md §1.1). */
export interface EnvelopeFieldSpec {
  name: string;
  label: string;
  maxLength: number;
  required: boolean;
}

const f = (name: string, label: string, maxLength: number, required = false): EnvelopeFieldSpec => ({
  name,
  label,
  maxLength,
  required,
});

/** Every string field of §1.1; `input` is checked apart, as it is an object. */
export const ENVELOPE_FIELDS: readonly EnvelopeFieldSpec[] = [
  f('infno', '交易编号', 6, true),
  f('msgid', '发送方报文ID', 30, true),
  f('mdtrtarea_admvs', '就医地医保区划', 6, true),
  f('insuplc_admdvs', '参保地医保区划', 6),
  f('recer_sys_code', '接收方系统代码', 10, true),
  f('dev_no', '设备编号', 100),
  f('dev_safe_info', '设备安全信息', 2000),
  f('cainfo', '数字签名信息', 1024),
  f('signtype', '签名类型', 10),
  f('infver', '接口版本号', 6, true),
  f('opter_type', '经办人类别', 3, true),
  f('opter', '经办人', 30, true),
  f('opter_name', '经办人姓名', 50, true),
  f('inf_time', '交易时间', 19, true),
  f('fixmedins_code', '定点医药机构编号', 30, true),
  f('fixmedins_name', '定点医药机构名称', 200, true),
  f('sign_no', '交易签到流水号', 30),
];

/** 经办人类别: 1 经办人, 2 自助终端, 3 移动终端. */
export const OPTER_TYPES = ['1', '2', '3'] as const;

export const MSGID_LENGTH = 30;
