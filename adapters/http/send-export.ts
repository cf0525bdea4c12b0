import type { Response } from 'express';
import { attachmentHeader, exportTable, type ExportColumn, type ExportFormat } from '../export/table-export.js';

/** Answer a list as a CSV or XLSX download (what every report's `?format=` does). */
export async function sendExport<R>(
  res: Response,
  format: ExportFormat,
  fileBase: string,
  columns: ExportColumn<R>[],
  rows: Iterable<R>
): Promise<void> {
  const file = await exportTable(format, columns, rows, fileBase);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', attachmentHeader(fileBase, file.extension));
  res.send(file.body);
}
