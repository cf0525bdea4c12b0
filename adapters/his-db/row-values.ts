/**
 * Rows as the four drivers return them, reduced to one JSON-safe shape: column names in lower case (Oracle answers
 * in upper case, SQL Server in whatever case the alias was written), values as text, numbers, booleans or null.
 */
import iconv from 'iconv-lite';
import type { HisDbClient } from './sql-params.js';

export type RowValue = string | number | boolean | null;
export type HisRow = Record<string, RowValue>;
export type BinaryEncoding = 'utf8' | 'gbk' | 'gb18030';

/** The rows of a `knex.raw` SELECT: each driver wraps them differently. */
export function resultRows(client: HisDbClient, result: unknown): Record<string, unknown>[] {
  switch (client) {
    case 'pg':
      return (result as { rows?: Record<string, unknown>[] }).rows ?? [];
    case 'mysql2': {
      // [rows, fields]; a statement that is not a SELECT gives a result header instead of rows.
      const rows = (result as unknown[])[0];
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    }
    case 'mssql':
    case 'oracledb':
      return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
    default:
      return client satisfies never;
  }
}

export function normalizeRow(row: Record<string, unknown>, encoding: BinaryEncoding): HisRow {
  const out: HisRow = {};
  for (const [key, value] of Object.entries(row)) {
    const name = key.toLowerCase();
    // Two columns of one name (SQL Server hands both): the first one counts, as in the query text.
    if (!(name in out)) {
      out[name] = normalizeValue(value, encoding);
    }
  }
  return out;
}

export function normalizeValue(value: unknown, encoding: BinaryEncoding): RowValue {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString();
  }
  if (value instanceof Uint8Array) {
    // Legacy HIS databases keep GBK text in binary columns (or the query casts it to binary to get past a wrong
    // column charset): decoded here with the configured charset.
    return iconv.decode(Buffer.from(value), encoding);
  }
  if (Array.isArray(value)) {
    // e.g. PostgreSQL array_agg(trace_code): a list the trace_codes column accepts.
    return value.map((v) => String(normalizeValue(v, encoding) ?? '')).join(',');
  }
  return JSON.stringify(value);
}

/** A cell as text: null for null and blank; numbers without exponent where they are whole. */
export function cellText(value: RowValue | undefined): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  const text = typeof value === 'number' && Number.isInteger(value) ? value.toFixed(0) : String(value);
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}
