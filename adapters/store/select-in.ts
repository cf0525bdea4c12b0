/** Set-based lookups: one SELECT … WHERE key IN (…) per chunk, never one query per key. */
import type { Knex } from 'knex';
import { batchLimits, chunks } from './batching.js';
import type { StoreDialect } from './knex-config.js';
import type { Row } from './row-mappers.js';

export async function selectIn(
  db: Knex | Knex.Transaction,
  dialect: StoreDialect,
  table: string,
  columns: readonly string[],
  key: string,
  values: readonly (string | number)[]
): Promise<Row[]> {
  const out: Row[] = [];
  for (const chunk of chunks([...new Set(values)], batchLimits[dialect].inList)) {
    const rows: Row[] = await db(table).select(columns).whereIn(key, chunk);
    for (const row of rows) {
      out.push(row);
    }
  }
  return out;
}
