/** Chinese names of the API's enumerations (the API sends the English keys; some also send the name). */

export const uploadStateName = {
  pending: '待上传',
  sending: '上传中',
  ambiguous: '结果未知（待核实）',
  delivered: '已上传',
  dead: '失败（需处理）',
  held: '不上传',
};

export const uploadSourceName = {
  window: '窗口',
  proxy: '代理',
  ledger: '库存变更',
  redrive: '重新上传',
  operator: '操作员',
};

export const infnoName = {
  3501: '商品盘存上传',
  3502: '商品库存变更',
  3503: '商品采购',
  3504: '商品采购退货',
  3505: '商品销售',
  3506: '商品销售退货',
  3507: '商品信息删除',
  3508: '盘存查询',
  3509: '库存变更查询',
  3510: '采购查询',
  3511: '销售查询',
  3513: '追溯码查询',
};

export const packStateName = {
  in_stock: '在库',
  opened: '已拆零',
  dispensed: '已发药',
  quarantined: '已隔离',
  scrapped: '已报废',
  transferred_out: '已调出',
};

export const scanKindName = {
  cn_trace_code: '国家药品追溯码（20 位）',
  gs1: 'GS1 条码',
  product_barcode: '69 商品条码',
};

export const packLevelName = { 1: '小码', 2: '中码', 3: '大码' };

export const riskName = { high: '高', medium: '中', low: '低' };

/** A session id (D…/T…/R… then a timestamp) links to the scan station; a prescription number does not. */
export function sessionLink(ref) {
  return typeof ref === 'string' && /^[DTR]\d{14}/.test(ref) ? `scan.html?session=${encodeURIComponent(ref)}` : null;
}

export const anomalyTypeName = {
  SAME_CODE_SOLD_TWICE: '同一追溯码重复销售',
  DISPENSED_NEVER_RECEIVED: '发药未入库',
  SALES_ABOVE_RECEIPTS: '销售数量大于入库数量',
  RETURN_NOT_MATCHING: '退药与原发药不一致',
  RETURNED_CODE_SOLD_AGAIN: '退药后再次销售',
  AGENT_MANY_PATIENTS: '代办人为多名患者取集采药品',
  OVER_QUANTITY: '超量开药',
};

export const anomalyRiskName = { high: '高风险', medium: '中风险', low: '低风险' };

export const anomalyStatusName = { open: '待处理', acknowledged: '已确认', dismissed: '已排除' };

/** Labels of the anomaly evidence fields (each rule shapes its own; an unknown key is shown as it is). */
export const evidenceLabel = {
  sale: '销售',
  sales: '销售记录',
  resales: '再次销售',
  originalSale: '原销售',
  traceCode: '追溯码',
  sampleCodes: '追溯码示例',
  at: '时间',
  returnedAt: '退药时间',
  prescriptionNo: '处方号',
  prescriptions: '处方',
  visitNo: '就诊号',
  patientId: '患者编号',
  patientName: '患者',
  patients: '患者',
  sessionId: '单号',
  returnId: '退药单号',
  returnState: '退药单状态',
  pharmacist: '药师',
  doctorName: '医生',
  location: '地点',
  packState: '药盒状态',
  packStateName: '药盒状态',
  vbp: '集采',
  vbpBoxes: '集采药盒数',
  agent: '代办人',
  agentNames: '代办人姓名',
  agentPhones: '代办人电话',
  contact: '联系方式',
  takenBy: '取药人',
  settlementType: '结算类型',
  selfPay: '自费',
  received: '入库',
  sold: '销售',
  unreceived: '未入库',
  ratio: '比例',
  refusals: '拒绝记录',
  attempts: '尝试',
  corrections: '更正',
  lines: '处方行',
  maxBoxesOnePrescription: '单张处方最多盒数',
  periodFrom: '统计起',
  periodTo: '统计止',
  samePrescription: '同一处方',
  name: '姓名',
  phone: '电话',
  count: '数量',
  quantity: '数量',
  hisDrugCode: 'HIS 药品编码',
};
