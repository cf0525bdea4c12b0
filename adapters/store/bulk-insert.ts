/**
 * Multi-row inserts built as plain SQL with `?` placeholders, one statement per batch, sized by
 * `batching.ts`. The query builder is skipped on purpose: knex's insert() normalises every row object
 * (key sorting, undefined checks), which costs more than the database's own work at receipt-ingest rates.
 * Rows are arrays in the order of their ColumnSpec list.
 *
 * Shapes per dialect:
 * - PostgreSQL: `INSERT … SELECT * FROM unnest($1::text[], $2::int[], …)`: one array per column, so a batch
 *   of 20,000 rows is one short statement with a handful of parameters.
 * - Oracle: `INSERT ALL INTO t (…) VALUES (…) … SELECT 1 FROM DUAL` (no multi-row VALUES before 23ai).
 * - SQLite inside a transaction: cached prepared statements on the raw connection (sqlite-bulk.ts).
 * - Others: `INSERT INTO t (…) VALUES (…), (…)`.
 */
import type { Knex } from 'knex';
import { batchLimits, rowsPerInsert } from './batching.js';
import type { StoreDialect } from './knex-config.js';
import { sqliteBulkInsert } from './sqlite-bulk.js';
import { columnList, flattenRows, placeholders, quoteIdent, valuesSql } from './sql-text.js';
import type { ColumnSpec } from './tables.js';

export interface Statement {
  sql: string;
  bindings: unknown[];
}

function postgresStatement(table: string, columns: readonly ColumnSpec[], rows: readonly unknown[][]): Statement {
  const arrays = columns.map(() => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns.length; c++) {
      arrays[c]![r] = row[c];
    }
  }
  const casts = columns.map((c) => `?::${c.kind}[]`).join(', ');
  return {
    sql: `insert into ${quoteIdent('postgres', table)} (${columnList('postgres', columns)}) select * from unnest(${casts})`,
    bindings: arrays,
  };
}

function oracleStatement(table: string, columns: readonly ColumnSpec[], rows: readonly unknown[][]): Statement {
  const into = `into ${quoteIdent('oracle', table)} (${columnList('oracle', columns)}) values ${placeholders(columns.length)}`;
  return {
    sql: `insert all ${new Array<string>(rows.length).fill(into).join(' ')} select 1 from dual`,
    bindings: flattenRows(rows, columns.length),
  };
}

function valuesStatement(
  dialect: StoreDialect,
  table: string,
  columns: readonly ColumnSpec[],
  rows: readonly unknown[][]
): Statement {
  return { sql: valuesSql(dialect, table, columns, rows.length), bindings: flattenRows(rows, columns.length) };
}

/** The statements that insert `rows`, batched for the dialect; built lazily so only one batch is in memory. */
export function* bulkInsertStatements(
  dialect: StoreDialect,
  table: string,
  columns: readonly ColumnSpec[],
  rows: readonly unknown[][]
): Generator<Statement> {
  const size = dialect === 'postgres' ? batchLimits.postgres.maxRows : rowsPerInsert(dialect, columns.length);
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size);
    if (dialect === 'postgres') {
      yield postgresStatement(table, columns, batch);
    } else if (dialect === 'oracle') {
      yield oracleStatement(table, columns, batch);
    } else {
      yield valuesStatement(dialect, table, columns, batch);
    }
  }
}

function isTransaction(db: Knex | Knex.Transaction): db is Knex.Transaction {
  return (db as Knex.Transaction).isTransaction === true;
}

/** Inserts `rows` in the given transaction (or connection), one statement per batch. */
export async function bulkInsert(
  db: Knex | Knex.Transaction,
  dialect: StoreDialect,
  table: string,
  columns: readonly ColumnSpec[],
  rows: readonly unknown[][]
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  if (dialect === 'sqlite' && isTransaction(db)) {
    return sqliteBulkInsert(db, table, columns, rows);
  }
  for (const s of bulkInsertStatements(dialect, table, columns, rows)) {
    await db.raw(s.sql, s.bindings as readonly Knex.RawBinding[]);
  }
}
