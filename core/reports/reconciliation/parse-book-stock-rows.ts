/**
 * Book stock import: rows of a file → drafts plus every row problem (never throws on bad data). Like the catalog
 * import it is all or nothing: the caller saves only when there are no problems.
 */
import type { RowProblem } from '../../errors.js';
import {
  ProblemList,
  columnHeadersHint,
  looksLikeLostPrecision,
  LOST_PRECISION_HINT,
  resolveColumns,
  type TabularRow,
} from '../../catalog/tabular.js';
import type { BookStockDraft } from './book-stock.js';
import { bookStockColumns, type BookStockColumnKey } from './book-stock-columns.js';

export interface ParseBookStockResult {
  drafts: BookStockDraft[];
  /** The file row of each draft, for problems found later (unknown drugs, duplicates). */
  rowNumbers: number[];
  problems: RowProblem[];
  truncated: boolean;
}

const INTEGER = /^[+-]?\d+(\.0+)?$/;
/** 2026-11-29, 2026/11/29, 2026.11.29, 20261129 (Excel and HIS exports write all of them). */
const DATE = /^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})$/;

export function parseBookStockRows(
  rows: readonly TabularRow[],
  headers: readonly string[],
  defaultAsOf: string
): ParseBookStockResult {
  const problems = new ProblemList();
  const { columns } = resolveColumns(headers, bookStockColumns);
  const missing = bookStockColumns.filter((c) => c.requiredColumn && columns[c.key] === undefined);
  for (const def of missing) {
    problems.add(
      1,
      def.key,
      `找不到「${def.label}」列（可用表头：${columnHeadersHint(def)}）；文件表头为：${headers.join('、') || '（空）'}`
    );
  }
  if (missing.length > 0) {
    return { drafts: [], rowNumbers: [], problems: problems.problems, truncated: problems.truncated };
  }
  const drafts: BookStockDraft[] = [];
  const rowNumbers: number[] = [];
  for (const { rowNumber, values } of rows) {
    const cell = (key: BookStockColumnKey): string => {
      const header = columns[key];
      return header === undefined ? '' : (values[header] ?? '').normalize('NFKC').trim();
    };
    const before = problems.count;
    const quantity = wholeNumber(cell('quantity'), '账面库存', true);
    const units = wholeNumber(cell('units'), '拆零数量', false);
    const asOf = cell('as_of') === '' ? defaultAsOf : dateOf(cell('as_of'));
    if (typeof quantity === 'string') {
      problems.add(rowNumber, 'quantity', quantity);
    }
    if (typeof units === 'string') {
      problems.add(rowNumber, 'units', units);
    }
    if (asOf === null) {
      problems.add(rowNumber, 'as_of', `日期「${cell('as_of')}」应为 yyyy-MM-dd`);
    }
    if (problems.count === before) {
      drafts.push({
        hisDrugCode: cell('his_drug_code'),
        asOf: asOf as string,
        quantity: quantity as number,
        units: units as number | null,
      });
      rowNumbers.push(rowNumber);
    }
  }
  return { drafts, rowNumbers, problems: problems.problems, truncated: problems.truncated };
}

/** A whole number, null for an empty optional cell, or the problem's message. */
function wholeNumber(text: string, label: string, required: boolean): number | null | string {
  if (text === '') {
    return required ? `${label}为空` : null;
  }
  if (looksLikeLostPrecision(text)) {
    return `${label}「${text}」${LOST_PRECISION_HINT}`;
  }
  const plain = text.replace(/,/g, '');
  if (!INTEGER.test(plain)) {
    return `${label}「${text}」应为整数${label === '账面库存' ? '盒；拆零部分请填在「拆零数量」列' : ''}`;
  }
  return Number(plain);
}

function dateOf(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) {
    return null;
  }
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date ? date : null;
}
