/** The columns of the anomaly and duplicate-notice exports (CSV/XLSX), Chinese headers first as the pages show them. */
import type { AnomalyView, NoticeView } from '../../core/anomalies/anomaly-view.js';
import { shanghaiDateTime } from '../../core/shanghai-time.js';
import type { ExportColumn } from '../export/table-export.js';

/** Excel keeps at most 32,767 characters in a cell. */
const CELL_MAX = 32_000;

const time = (iso: string | null | undefined): string => (iso ? shanghaiDateTime(iso) : '');

export const anomalyExportColumns: ExportColumn<AnomalyView>[] = [
  { header: '编号', value: (a) => a.id, width: 24 },
  { header: '异常类型', value: (a) => a.typeName, width: 24 },
  { header: '类型代码', value: (a) => a.type, width: 26 },
  { header: '风险等级', value: (a) => a.riskName },
  { header: '状态', value: (a) => a.statusName },
  { header: 'HIS药品编码', value: (a) => a.hisDrugCode },
  { header: '药品名称', value: (a) => a.drugName, width: 24 },
  { header: '追溯码', value: (a) => a.traceCodes.join(' ').slice(0, CELL_MAX), width: 26 },
  { header: '摘要', value: (a) => a.summary, width: 80 },
  { header: '发生时间', value: (a) => time(a.occurredAt), width: 20 },
  { header: '首次发现', value: (a) => time(a.firstSeenAt), width: 20 },
  { header: '最近发现', value: (a) => time(a.lastSeenAt), width: 20 },
  { header: '备注', value: (a) => a.note, width: 30 },
  { header: '证据', value: (a) => JSON.stringify(a.evidence).slice(0, CELL_MAX), width: 60 },
];

export const noticeExportColumns: ExportColumn<NoticeView>[] = [
  { header: '重复类型', value: (n) => n.kindName },
  { header: '药品追溯码', value: (n) => n.traceCode, width: 24 },
  { header: '追溯流水号', value: (n) => n.traceSerialNo, width: 20 },
  { header: '定点医药机构编号', value: (n) => n.fixmedinsCode, width: 18 },
  { header: '定点医药机构名称', value: (n) => n.fixmedinsName, width: 24 },
  { header: '统筹区', value: (n) => n.region },
  { header: '医药机构目录编码', value: (n) => n.medinsListCodg, width: 18 },
  { header: '医疗目录编码', value: (n) => n.medListCodg, width: 26 },
  { header: '批次流水号', value: (n) => n.fixmedinsBchno, width: 24 },
  { header: '商品销售流水号', value: (n) => n.saleSerialNo, width: 20 },
  { header: '就诊ID', value: (n) => n.mdtrtId, width: 20 },
  { header: '就诊结算类型', value: (n) => n.mdtrtSetlType },
  { header: '记账流水号', value: (n) => n.bkkpSn, width: 20 },
  { header: '拆零标志', value: (n) => n.trdnFlag },
  { header: '人员编号', value: (n) => n.psnNo, width: 22 },
  { header: '人员姓名', value: (n) => n.psnName },
  { header: '销售时间', value: (n) => n.saleTime, width: 20 },
  { header: '本院状态', value: (n) => n.hospital.pack?.stateName ?? '本院无此码' },
  { header: '本院药品', value: (n) => n.hospital.pack?.drugName ?? n.hospital.pack?.hisDrugCode ?? '', width: 20 },
  { header: '本院发药处方', value: (n) => n.hospital.sales.map((s) => s.prescriptionNo ?? '').join(' '), width: 20 },
  { header: '本院发药时间', value: (n) => n.hospital.sales.map((s) => time(s.at)).join(' '), width: 20 },
  { header: '本院发药药师', value: (n) => n.hospital.sales.map((s) => s.pharmacist).join(' '), width: 16 },
  { header: '本院患者', value: (n) => n.hospital.sales.map((s) => s.patientName ?? '').join(' ') },
  { header: '导入时间', value: (n) => time(n.importedAt), width: 20 },
  { header: '来源', value: (n) => n.source, width: 20 },
];
