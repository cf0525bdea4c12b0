import type { TabularRows } from '../../../core/catalog/tabular.js';

/** Build what the file reader would return: header = row 1, data rows numbered from 2. */
export function table(headers: string[], ...rows: string[][]): TabularRows {
  return {
    headers,
    rows: rows.map((cells, i) => ({
      rowNumber: i + 2,
      values: Object.fromEntries(headers.map((h, j) => [h, cells[j] ?? ''])),
    })),
  };
}

/** Build rows from objects keyed by header; headers are the union of keys in first-seen order. */
export function tableOf(...records: Record<string, string>[]): TabularRows {
  const headers = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return table(headers, ...records.map((r) => headers.map((h) => r[h] ?? '')));
}
