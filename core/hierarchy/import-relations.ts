import { rowsInvalid } from '../catalog/import-catalog.js';
import type { Table } from '../catalog/import-catalog.js';
import type { RelationService } from './relation-service.js';
import { parseRelationRows } from './parse-relation-rows.js';

/** Import a relations file: every row valid and no child in two parents, or nothing written. */
export async function importRelationTable(
  relations: RelationService,
  table: Table
): Promise<{ inserted: number; unchanged: number }> {
  const parsed = parseRelationRows(table.rows, table.headers);
  if (parsed.problems.length > 0) {
    throw rowsInvalid('RELATION_ROWS_INVALID', '包装关系', parsed.problems, parsed.truncated);
  }
  return relations.save(parsed.relations);
}
