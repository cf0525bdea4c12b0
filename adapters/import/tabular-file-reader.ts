/**
 * Reads an uploaded import file (CSV/TSV/TXT or XLSX) into header + text rows for the core parsers
 * (`parseCatalogRows`, `parseRelationRows`). Bad files are refused with TracegateError
 * IMPORT_FILE_INVALID / IMPORT_FILE_TOO_LARGE and a Chinese message; bad rows are the parsers' business.
 */
import { TextDecoder } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { TabularRow, TabularRows } from '../../core/catalog/tabular.js';
import { headerKey } from '../../core/catalog/tabular.js';
import { invalid } from '../../core/errors.js';

export type { TabularRow, TabularRows } from '../../core/catalog/tabular.js';

/** Data rows (header not counted) one file may hold. */
export const MAX_IMPORT_ROWS = 200_000;
/** Bytes one file may hold. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** Sheets read in preference to the first one (compared like headers: case/space/underscore-insensitive). */
export const PREFERRED_SHEET_NAMES = ['药品目录', '目录', 'catalog', '包装关系', '大小码关系', 'relations'];

export interface ReadTabularOptions {
  /** Sheet names to prefer in an XLSX workbook, first match wins; default PREFERRED_SHEET_NAMES. */
  sheetNames?: readonly string[];
}

type FileKind = 'csv' | 'xlsx';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** OLE2 compound file: legacy .xls, or an encrypted (password-protected) .xlsx. */
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(content: Buffer, magic: number[]): boolean {
  return content.length >= magic.length && magic.every((b, i) => content[i] === b);
}

function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]+)$/.exec(fileName.trim());
  return m ? m[1]!.toLowerCase() : '';
}

const TOO_LARGE_ROWS = `文件超过 ${MAX_IMPORT_ROWS.toLocaleString('en-US')} 行数据，请拆分成多个文件后分别导入`;

export async function readTabularFile(
  content: Buffer,
  fileName: string,
  options: ReadTabularOptions = {}
): Promise<TabularRows> {
  if (content.length === 0) {
    throw invalid('IMPORT_FILE_INVALID', `文件「${fileName}」是空的`, { fileName });
  }
  if (content.length > MAX_IMPORT_BYTES) {
    throw invalid('IMPORT_FILE_TOO_LARGE', `文件「${fileName}」超过 50 MB，请拆分成多个文件后分别导入`, {
      fileName,
      bytes: content.length,
    });
  }
  const kind = detectKind(content, fileName);
  const grid = kind === 'xlsx' ? await readXlsx(content, fileName, options) : readCsv(content, fileName);
  return toTabular(grid, fileName);
}

function detectKind(content: Buffer, fileName: string): FileKind {
  const ext = extensionOf(fileName);
  if (startsWith(content, ZIP_MAGIC)) {
    if (['xlsx', 'xlsm', 'csv', 'txt', 'tsv', 'xls', ''].includes(ext)) {
      return 'xlsx';
    }
    throw invalid('IMPORT_FILE_INVALID', `不支持的文件类型「.${ext}」：请上传 .xlsx 或 .csv 文件`, { fileName });
  }
  if (startsWith(content, OLE2_MAGIC)) {
    throw invalid(
      'IMPORT_FILE_INVALID',
      ext === 'xlsx'
        ? `文件「${fileName}」设置了密码或不是 .xlsx 格式：请取消密码保护，另存为 .xlsx 或 CSV 后再导入`
        : `不支持旧版 Excel 文件（.xls）「${fileName}」：请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后再导入`,
      { fileName }
    );
  }
  switch (ext) {
    case 'xlsx':
    case 'xlsm':
      throw invalid('IMPORT_FILE_INVALID', `文件「${fileName}」不是有效的 .xlsx 文件（文件已损坏或扩展名不对）`, {
        fileName,
      });
    case 'xls':
    case 'et':
    case 'ods':
    case 'numbers':
      throw invalid(
        'IMPORT_FILE_INVALID',
        `不支持的文件类型「.${ext}」（${fileName}）：请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后再导入`,
        { fileName }
      );
    case 'csv':
    case 'txt':
    case 'tsv':
    case '':
      return 'csv';
    default:
      throw invalid('IMPORT_FILE_INVALID', `不支持的文件类型「.${ext}」（${fileName}）：请上传 .xlsx 或 .csv 文件`, {
        fileName,
      });
  }
}

/** One spreadsheet row: its 1-based number and its cells as trimmed text, by column position. */
interface GridRow {
  rowNumber: number;
  cells: string[];
}

/** Header = the first non-empty row (after title lines); every later non-empty row is data. */
function toTabular(grid: GridRow[], fileName: string): TabularRows {
  const nonEmpty = grid.filter((r) => r.cells.some((c) => c !== ''));
  // A title line above the header (one merged cell such as 「药品目录 2025-07」) is skipped.
  // (Merged cells repeat their value, hence "more than one distinct value" for a header.)
  const titleLines = nonEmpty.slice(0, 5).findIndex((r) => new Set(r.cells.filter((c) => c !== '')).size > 1);
  const [headerRow, ...dataRows] = titleLines > 0 ? nonEmpty.slice(titleLines) : nonEmpty;
  if (!headerRow) {
    throw invalid('IMPORT_FILE_INVALID', `文件「${fileName}」没有内容`, { fileName });
  }
  if (headerRow.cells.filter((c) => c !== '').every((c) => /^[+-]?\d[\d.eE+-]*$/.test(c))) {
    throw invalid(
      'IMPORT_FILE_INVALID',
      `文件「${fileName}」第 ${headerRow.rowNumber} 行应为表头（列名），但看起来是数据：「${headerRow.cells.join(',').slice(0, 60)}」`,
      { fileName }
    );
  }
  if (dataRows.length === 0) {
    throw invalid('IMPORT_FILE_INVALID', `文件「${fileName}」只有表头，没有数据行`, { fileName });
  }
  if (dataRows.length > MAX_IMPORT_ROWS) {
    throw invalid('IMPORT_FILE_TOO_LARGE', TOO_LARGE_ROWS, { fileName });
  }

  // Header text as written (trimmed); a repeated header gets " (2)", " (3)"…; an empty one is skipped.
  const headers: string[] = [];
  const columnOf: { index: number; header: string }[] = [];
  const used = new Map<string, number>();
  headerRow.cells.forEach((text, index) => {
    if (text === '') {
      return;
    }
    const n = (used.get(text) ?? 0) + 1;
    used.set(text, n);
    // `__proto__` cannot be an own key of a plain object; rename it like a repeated header.
    const header = n === 1 && text !== '__proto__' ? text : `${text} (${n})`;
    headers.push(header);
    columnOf.push({ index, header });
  });

  const rows: TabularRow[] = dataRows.map(({ rowNumber, cells }) => {
    const values: Record<string, string> = {};
    for (const { index, header } of columnOf) {
      values[header] = cells[index] ?? '';
    }
    return { rowNumber, values };
  });
  return { headers, rows };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV / TSV / TXT

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/** Decode: UTF-8 (BOM or not), UTF-16 (Excel "Unicode 文本", with BOM), else GB18030 (superset of GBK). */
export function decodeText(content: Buffer): { text: string; encoding: string } {
  if (startsWith(content, [0xef, 0xbb, 0xbf])) {
    // Declared UTF-8: broken bytes become U+FFFD (and a file full of them is refused as not text).
    return { text: utf8Lenient.decode(content.subarray(3)), encoding: 'utf-8' };
  }
  if (startsWith(content, [0xff, 0xfe])) {
    return { text: iconv.decode(content.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  }
  if (startsWith(content, [0xfe, 0xff])) {
    return { text: iconv.decode(content.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  }
  try {
    return { text: utf8.decode(content), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(content, 'gb18030'), encoding: 'gb18030' };
  }
}

function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) {
    return true;
  }
  const sample = text.length > 65536 ? text.slice(0, 65536) : text;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    // Control characters other than TAB/LF/CR and GS (ASCII 29, kept by scanners inside GS1 codes), and U+FFFD.
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 29) || c === 0x7f || c === 0xfffd) {
      odd++;
    }
  }
  return odd > Math.max(2, sample.length / 100);
}

/** Comma, unless the header line has no comma but only tabs or only semicolons (tabs win when both). */
function detectDelimiter(text: string): string {
  const firstLine = /^[^\r\n]*\S[^\r\n]*/m.exec(text)?.[0] ?? '';
  if (firstLine.includes(',')) {
    return ',';
  }
  if (firstLine.includes('\t')) {
    return '\t';
  }
  if (firstLine.includes(';')) {
    return ';';
  }
  return ',';
}

function readCsv(content: Buffer, fileName: string): GridRow[] {
  const { text } = decodeText(content);
  if (looksBinary(text)) {
    throw invalid('IMPORT_FILE_INVALID', `文件「${fileName}」不是文本格式的 CSV，无法读取（文件已损坏或扩展名不对）`, {
      fileName,
    });
  }
  // Records are bounded (empty lines count too, for the spreadsheet row numbers) so that memory stays bounded.
  const recordLimit = 2 * (MAX_IMPORT_ROWS + 1);
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      to: recordLimit + 1,
    }) as string[][];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw invalid('IMPORT_FILE_INVALID', `文件「${fileName}」不是有效的 CSV：${csvErrorText(e)}`, {
      fileName,
      cause: message,
    });
  }
  if (records.length > recordLimit) {
    throw invalid('IMPORT_FILE_TOO_LARGE', TOO_LARGE_ROWS, { fileName });
  }
  const grid: GridRow[] = [];
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    let empty = true;
    for (let i = 0; i < record.length; i++) {
      const c = cellOfCsv(record[i]!);
      record[i] = c;
      if (c !== '') {
        empty = false;
      }
    }
    if (!empty) {
      grid.push({ rowNumber: r + 1, cells: record });
    }
  }
  return grid;
}

/** Trimmed cell text; `="00123"` (Excel's way to keep a CSV cell as text) → `00123`. */
function cellOfCsv(raw: string): string {
  const c = raw.trim();
  if (c.length >= 3 && c.startsWith('="') && c.endsWith('"')) {
    return c.slice(2, -1).trim();
  }
  return c;
}

function csvErrorText(e: unknown): string {
  const err = e as { code?: string; lines?: number; message?: string };
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
    return `引号没有闭合（第 ${err.lines ?? '?'} 行附近）`;
  }
  return err.message ?? String(e);
}

// ---------------------------------------------------------------------------------------------------------------
// XLSX

async function readXlsx(content: Buffer, fileName: string, options: ReadTabularOptions): Promise<GridRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  } catch (e) {
    throw invalid('IMPORT_FILE_INVALID', `无法读取 Excel 文件「${fileName}」：文件已损坏或不是 .xlsx 格式`, {
      fileName,
      cause: e instanceof Error ? e.message : String(e),
    });
  }
  const sheets = workbook.worksheets.filter((ws) => ws.state !== 'hidden' && ws.state !== 'veryHidden');
  const preferred = (options.sheetNames ?? PREFERRED_SHEET_NAMES).map(headerKey);
  const sheet =
    preferred.map((name) => sheets.find((ws) => headerKey(ws.name) === name)).find((ws) => ws !== undefined) ??
    sheets[0];
  if (!sheet) {
    throw invalid('IMPORT_FILE_INVALID', `Excel 文件「${fileName}」没有工作表`, { fileName });
  }
  if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) {
    throw invalid('IMPORT_FILE_TOO_LARGE', TOO_LARGE_ROWS, { fileName });
  }

  const grid: GridRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    const count = row.cellCount;
    for (let col = 1; col <= count; col++) {
      cells.push(cellText(row.getCell(col).value).trim());
    }
    grid.push({ rowNumber, cells });
  });
  return grid;
}

/** An ExcelJS cell value as the text a user sees, without exponent or rounding surprises. */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return numberText(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (value instanceof Date) {
    return dateText(value);
  }
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) {
      return value.richText.map((r) => r.text).join('');
    }
    if ('error' in value) {
      return String(value.error);
    }
    if ('result' in value) {
      return cellText((value as { result?: ExcelJS.CellValue }).result);
    }
    if ('formula' in value || 'sharedFormula' in value) {
      return '';
    }
    if ('text' in value) {
      const t = (value as { text: unknown }).text;
      return typeof t === 'string' ? t : cellText(t as ExcelJS.CellValue);
    }
  }
  return String(value);
}

/**
 * Integers print with all their digits (a 13-digit barcode stays 13 digits). An integer beyond 2^53 has already
 * lost digits in the file; it prints in exponent form so that the row is refused instead of importing a code
 * that looks right and is not.
 */
function numberText(n: number): string {
  if (!Number.isFinite(n)) {
    return String(n);
  }
  if (Number.isInteger(n)) {
    return Number.isSafeInteger(n) ? String(n) : n.toExponential();
  }
  const s = String(n);
  if (!/e/i.test(s)) {
    return s;
  }
  return Math.abs(n) < 1 ? n.toFixed(20).replace(/\.?0+$/, '') : s;
}

function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) {
    return '';
  }
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h === 0 && m === 0 && s === 0 ? date : `${date} ${pad(h)}:${pad(m)}:${pad(s)}`;
}
