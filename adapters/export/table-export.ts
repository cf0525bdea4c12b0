/**
 * Tables as files a pharmacy head opens in Excel: CSV (UTF-8 with a BOM, which Chinese Excel needs to read it as
 * UTF-8) and XLSX (exceljs), from one column list, so every report and list exports the same way.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { invalid } from '../../core/errors.js';

export const ExportFormats = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof ExportFormats)[number];

export interface ExportColumn<R> {
  /** The header cell (Chinese first, as the pages show it). */
  header: string;
  value: (row: R) => string | number | null | undefined;
  /** XLSX column width in characters. */
  width?: number;
}

const BOM = '\ufeff';

export function tableToCsv<R>(columns: ExportColumn<R>[], rows: Iterable<R>): Buffer {
  const records = [columns.map((c) => c.header)];
  for (const row of rows) {
    records.push(columns.map((c) => cellText(c.value(row))));
  }
  return Buffer.from(BOM + stringify(records), 'utf8');
}

export async function tableToXlsx<R>(
  columns: ExportColumn<R>[],
  rows: Iterable<R>,
  sheetName: string
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName.slice(0, 31) || 'Sheet1');
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  for (const row of rows) {
    // Codes stay text: a 20-digit trace code as a number would lose its digits.
    sheet.addRow(columns.map((c) => c.value(row) ?? null));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

export async function exportTable<R>(
  format: ExportFormat,
  columns: ExportColumn<R>[],
  rows: Iterable<R>,
  sheetName: string
): Promise<{ body: Buffer; contentType: string; extension: string }> {
  switch (format) {
    case 'csv':
      return { body: tableToCsv(columns, rows), contentType: 'text/csv; charset=utf-8', extension: 'csv' };
    case 'xlsx':
      return {
        body: await tableToXlsx(columns, rows, sheetName),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        extension: 'xlsx',
      };
    default:
      return format satisfies never;
  }
}

/** `format` of a query: json (the default), csv or xlsx; anything else is a clear 400. */
export function formatOf(value: unknown): 'json' | ExportFormat {
  if (value === undefined || value === '' || value === 'json') {
    return 'json';
  }
  if (typeof value === 'string' && (ExportFormats as readonly string[]).includes(value)) {
    return value as ExportFormat;
  }
  throw invalid('EXPORT_FORMAT_INVALID', `导出格式「${String(value)}」不支持，可选 json、csv、xlsx`, { format: value });
}

/** Content-Disposition for a Chinese file name (RFC 6266: an ASCII fallback and the UTF-8 name). */
export function attachmentHeader(fileBase: string, extension: string): string {
  const name = `${fileBase}.${extension}`;
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function cellText(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}
