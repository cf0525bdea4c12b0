/**
 * The SQL fragments a reconciliation needs that the five dialects spell differently: a substring, a text field of a
 * JSON column (payloads are JSON text: PostgreSQL json, SQLite json_extract, MySQL-family JSON_EXTRACT, SQL Server
 * 2016+ and Oracle 12.2+ JSON_VALUE), and the UTC hour of an ISO timestamp (its first 13 characters). Column names
 * go through knex's `??` so Oracle gets its quoted lowercase identifiers.
 */
import type { Knex } from 'knex';
import type { StoreDialect } from './knex-config.js';

const FIELD = /^[a-z_]+$/;

/** `substr(col, start, length)`; SQL Server calls it substring. Start and length are literals (GROUP BY must match). */
export function substrSql(dialect: StoreDialect, start: number, length: number): string {
  return `${dialect === 'mssql' ? 'substring' : 'substr'}(??, ${start}, ${length})`;
}

/** The UTC hour bucket `yyyy-MM-ddTHH` of an ISO timestamp column, as raw SQL. */
export function hourOf(db: Knex, dialect: StoreDialect, column: string): Knex.Raw {
  return db.raw(substrSql(dialect, 1, 13), [column]);
}

/** A JSON text column's top-level field as text (the field name is a literal: JSON_VALUE needs a literal path). */
export function jsonField(db: Knex, dialect: StoreDialect, column: string, field: string): Knex.Raw {
  if (!FIELD.test(field)) {
    throw new Error(`not a JSON field name: ${field}`);
  }
  switch (dialect) {
    case 'sqlite':
      return db.raw(`json_extract(??, '$.${field}')`, [column]);
    case 'postgres':
      return db.raw(`(??::json ->> '${field}')`, [column]);
    case 'mysql':
      return db.raw(`json_unquote(json_extract(??, '$.${field}'))`, [column]);
    case 'mssql':
    case 'oracle':
      return db.raw(`json_value(??, '$.${field}')`, [column]);
  }
}

/** An aliased raw expression for select(): `<expr> as "alias"`. */
export function aliased(db: Knex, expr: Knex.Raw, alias: string): Knex.Raw {
  return db.raw('? as ??', [expr, alias]);
}

/** GROUP BY columns and raw expressions (knex's groupBy takes either several names or one raw, not a mix). */
export function groupByAll(qb: Knex.QueryBuilder, ...terms: (string | Knex.Raw)[]): Knex.QueryBuilder {
  for (const term of terms) {
    qb.groupBy(term as string);
  }
  return qb;
}
