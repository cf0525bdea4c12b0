/** The CSV/XLSX columns of the reconciliation, its code lists and the daily trend (Chinese headers, as the pages show). */
import type { DailyRow } from '../../core/reports/daily-report.js';
import type { CodeLine } from '../../core/reports/reconciliation/code-line.js';
import type { DrugReconciliation } from '../../core/reports/reconciliation/reconciliation.js';
import {
  categoryInfo,
  ReconciliationCategories,
  type ReconciliationCategory,
} from '../../core/reports/reconciliation/reconciliation-categories.js';
import { shanghaiDateTime } from '../../core/shanghai-time.js';
import type { ExportColumn } from '../export/table-export.js';

const count = (d: DrugReconciliation, category: ReconciliationCategory): number =>
  d.categories.find((c) => c.category === category)?.count ?? 0;

export const reconciliationColumns: ExportColumn<DrugReconciliation>[] = [
  { header: 'HIS药品编码', value: (d) => d.hisDrugCode, width: 14 },
  { header: '药品名称', value: (d) => d.name, width: 24 },
  { header: '规格', value: (d) => d.spec, width: 16 },
  { header: '账面日期', value: (d) => d.book?.asOf },
  { header: '账面库存(盒)', value: (d) => d.book?.quantity },
  { header: '账面拆零', value: (d) => d.book?.units },
  { header: '台账在库(盒)', value: (d) => d.ledger.inStock },
  { header: '拆零在用(盒)', value: (d) => d.ledger.opened },
  { header: '拆零剩余', value: (d) => d.ledger.openedUnitsLeft },
  { header: '隔离(盒)', value: (d) => d.ledger.quarantined },
  { header: '报废累计(盒)', value: (d) => d.ledger.scrapped },
  { header: '调出累计(盒)', value: (d) => d.ledger.transferredOut },
  { header: '已发药(盒)', value: (d) => d.ledger.dispensed },
  { header: '最近盘存日期', value: (d) => d.lastCount?.date },
  { header: '盘存数量(盒)', value: (d) => d.lastCount?.packs },
  { header: '差异(盒)', value: (d) => d.variance },
  { header: '拆零差异', value: (d) => d.unitsVariance },
  { header: '统计起始日', value: (d) => d.window.from ?? '全部' },
  ...ReconciliationCategories.map((category): ExportColumn<DrugReconciliation> => ({
    header: categoryInfo[category].label,
    value: (d) => (category === 'unexplained' ? d.unexplained : count(d, category)),
  })),
  { header: '可解释', value: (d) => d.explained },
  { header: '销售已上传', value: (d) => d.uploads.sales.delivered },
  { header: '销售待上传', value: (d) => d.uploads.sales.pending },
  { header: '销售上传失败', value: (d) => d.uploads.sales.failed },
  { header: '退药已上传', value: (d) => d.uploads.returns.delivered },
  { header: '退药待上传', value: (d) => d.uploads.returns.pending },
  { header: '退药上传失败', value: (d) => d.uploads.returns.failed },
];

export function codeColumns(label: string): ExportColumn<CodeLine>[] {
  return [
    { header: '追溯码', value: (c) => c.traceCode, width: 24 },
    { header: '类别', value: () => label, width: 16 },
    { header: '时间', value: (c) => (c.at ? shanghaiDateTime(c.at) : null), width: 20 },
    { header: '单号', value: (c) => c.ref, width: 20 },
    { header: '说明', value: (c) => c.detail, width: 40 },
  ];
}

export const dailyColumns: ExportColumn<DailyRow>[] = [
  { header: '日期', value: (r) => r.date, width: 12 },
  { header: '入库(盒)', value: (r) => r.received },
  { header: '发药(盒)', value: (r) => r.dispensed },
  { header: '拆零发药(次)', value: (r) => r.splitDispensed },
  { header: '退药(盒)', value: (r) => r.returned },
  { header: '发药未入库(盒)', value: (r) => r.dispensedNeverReceived },
  { header: '拒绝扫码(次)', value: (r) => r.refusedScans },
  { header: '上传成功', value: (r) => r.uploadsDelivered },
  { header: '上传失败', value: (r) => r.uploadsFailed },
  { header: '发现异常', value: (r) => r.anomalies },
];
