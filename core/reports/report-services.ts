/** The report use cases as one handle (the Tracegate object's `reports`, the HTTP routes, the CLI). */
import type { DailyReportService } from './daily-report-service.js';
import type { BookStockService } from './reconciliation/book-stock-service.js';
import type { ReconciliationService } from './reconciliation/reconciliation-service.js';

export interface ReportServices {
  readonly reconciliation: ReconciliationService;
  readonly bookStock: BookStockService;
  readonly daily: DailyReportService;
}
