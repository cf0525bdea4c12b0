/**
 * How many rows and bind parameters one statement may carry in each dialect.
 * - SQLite: 32766 parameters since 3.32 (999 before); we stay well below in case a system SQLite is used.
 * - PostgreSQL: 65535 parameters per statement (the wire protocol's Int16 count); bulk inserts use arrays.
 * - MySQL: mysql2 interpolates on the client, so the limit is max_allowed_packet (16 MB on MariaDB by default).
 * - SQL Server: 2100 parameters per request and 1000 rows per VALUES list.
 * - Oracle: no more than 1000 expressions in an IN list (ORA-01795); INSERT ALL gets slow to parse when long.
 */
import type { StoreDialect } from './knex-config.js';

export interface BatchLimits {
  /** Bind parameters per multi-row INSERT. */
  maxParams: number;
  /** Rows per multi-row INSERT (and per array-bound INSERT on PostgreSQL). */
  maxRows: number;
  /** Values per IN (…) list. */
  inList: number;
}

export const batchLimits: Record<StoreDialect, BatchLimits> = {
  sqlite: { maxParams: 30_000, maxRows: 5_000, inList: 10_000 },
  postgres: { maxParams: 60_000, maxRows: 20_000, inList: 10_000 },
  mysql: { maxParams: 30_000, maxRows: 2_500, inList: 5_000 },
  mssql: { maxParams: 2_000, maxRows: 1_000, inList: 2_000 },
  oracle: { maxParams: 5_000, maxRows: 200, inList: 1_000 },
};

export function rowsPerInsert(dialect: StoreDialect, columnCount: number): number {
  const limits = batchLimits[dialect];
  return Math.max(1, Math.min(limits.maxRows, Math.floor(limits.maxParams / columnCount)));
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}
