/** Running one configured query: bound by name, cut off after queryTimeoutMs, rows in the one normalized shape. */
import type { Knex } from 'knex';
import { TracegateError } from '../../core/errors.js';
import type { HisDbConfig } from './his-db-config.js';
import { normalizeRow, resultRows, type HisRow } from './row-values.js';
import { bindStatement, statementLabel, type HisDbStatement } from './sql-params.js';

export async function runQuery(
  db: Knex,
  config: HisDbConfig,
  statement: HisDbStatement,
  values: Record<string, string | number | null>
): Promise<HisRow[]> {
  const sql = config[statement];
  if (sql === undefined) {
    throw statementMissing(statement);
  }
  try {
    const result: unknown = await bindStatement(db, statement, sql, values).timeout(config.queryTimeoutMs);
    return resultRows(config.client, result).map((row) => normalizeRow(row, config.binaryEncoding));
  } catch (e) {
    throw statementFailed(statement, e);
  }
}

/** The HIS database (or the statement) failed: 'unavailable', naming the statement. */
export function statementFailed(statement: HisDbStatement, e: unknown): TracegateError {
  const why = e instanceof Error ? e.message : String(e);
  return new TracegateError(
    'HISDB_QUERY_FAILED',
    `${statementLabel[statement]}（${statement}）执行失败：${why}`,
    'unavailable',
    { statement }
  );
}

export function statementMissing(statement: HisDbStatement): TracegateError {
  return new TracegateError(
    'HISDB_NOT_CONFIGURED',
    `HIS 数据库通道未配置${statementLabel[statement]}（${statement}）`,
    'invalid',
    { statement }
  );
}
