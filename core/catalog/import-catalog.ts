import { invalid } from '../errors.js';
import type { RowProblem } from '../errors.js';
import type { CatalogService } from './catalog-service.js';
import { parseCatalogRows } from './parse-catalog-rows.js';

export interface Table {
  headers: string[];
  rows: { rowNumber: number; values: Record<string, string> }[];
}

/** Import a whole catalog file: every row valid, or nothing written and every problem listed. */
export async function importCatalogTable(
  catalog: CatalogService,
  table: Table,
  actor: string
): Promise<{ imported: number }> {
  const { drafts, problems, truncated } = parseCatalogRows(table.rows, table.headers);
  if (problems.length > 0) {
    throw rowsInvalid('CATALOG_ROWS_INVALID', '药品目录', problems, truncated);
  }
  const saved = await catalog.save(drafts, actor, 'import');
  return { imported: saved.length };
}

export function rowsInvalid(code: string, what: string, problems: RowProblem[], truncated: boolean) {
  const first = problems[0];
  const where = first ? `第一处：第 ${first.row} 行 ${first.field}：${first.message}` : '';
  const count = truncated ? `至少 ${problems.length}` : `${problems.length}`;
  return invalid(code, `${what}文件有 ${count} 处错误，未导入任何数据。${where}`, { problems, truncated });
}
