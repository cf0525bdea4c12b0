/** Small SQL text builders shared by the bulk writers; identifiers are ours (never user input). */
import type { StoreDialect } from './knex-config.js';
import type { ColumnSpec } from './tables.js';

/** Quoted like knex quotes them, so Oracle sees the lower-case names the migrations created. */
export function quoteIdent(dialect: StoreDialect, name: string): string {
  if (dialect === 'mysql') {
    return `\`${name}\``;
  }
  if (dialect === 'mssql') {
    return `[${name}]`;
  }
  return `"${name}"`;
}

export function columnList(dialect: StoreDialect, columns: readonly ColumnSpec[]): string {
  return columns.map((c) => quoteIdent(dialect, c.name)).join(', ');
}

/** `(?, ?, …)` with `count` placeholders. */
export function placeholders(count: number): string {
  return `(${new Array<string>(count).fill('?').join(', ')})`;
}

/** `INSERT INTO t (…) VALUES (?, …), (?, …)` for `rowCount` rows. */
export function valuesSql(
  dialect: StoreDialect,
  table: string,
  columns: readonly ColumnSpec[],
  rowCount: number
): string {
  const tuple = placeholders(columns.length);
  return `insert into ${quoteIdent(dialect, table)} (${columnList(dialect, columns)}) values ${new Array<string>(rowCount).fill(tuple).join(', ')}`;
}

/** Row arrays laid end to end, the binding order of a multi-row VALUES list. */
export function flattenRows(rows: readonly unknown[][], width: number): unknown[] {
  const out = new Array<unknown>(rows.length * width);
  let k = 0;
  for (const row of rows) {
    for (let i = 0; i < width; i++) {
      out[k++] = row[i];
    }
  }
  return out;
}
