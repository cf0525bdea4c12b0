/**
 * Driver errors, per dialect, reduced to the two kinds the store reacts to:
 * - `unique`: a primary key or unique constraint refused a row (a second receipt, a concurrent append of
 *   the same (trace_code, seq), a prefix another writer just claimed);
 * - `retryable`: the database gave up on the transaction to break a deadlock, a serialization conflict or a
 *   lock wait; nothing was written and the same work may succeed if the caller retries.
 * Anything else is `other` and propagates unchanged.
 */
import type { StoreDialect } from './knex-config.js';

export type DbErrorKind = 'unique' | 'retryable' | 'other';

type ErrorFields = {
  code?: unknown;
  errno?: unknown;
  number?: unknown;
  errorNum?: unknown;
  message?: unknown;
  info?: { number?: unknown };
  originalError?: unknown;
};

function fields(error: unknown): ErrorFields {
  return typeof error === 'object' && error !== null ? (error as ErrorFields) : {};
}

/** SQL Server error numbers sit on tedious's RequestError, or deeper when the mssql package wraps it. */
function mssqlNumber(error: unknown, depth = 0): number | undefined {
  const e = fields(error);
  const n = e.number ?? e.info?.number;
  if (typeof n === 'number') {
    return n;
  }
  return depth < 3 && e.originalError ? mssqlNumber(e.originalError, depth + 1) : undefined;
}

function oracleNumber(error: unknown): number | undefined {
  const e = fields(error);
  if (typeof e.errorNum === 'number') {
    return e.errorNum;
  }
  const text = typeof e.code === 'string' ? e.code : typeof e.message === 'string' ? e.message : '';
  const m = /ORA-(\d{5})/.exec(text);
  return m ? Number(m[1]) : undefined;
}

export function classifyDbError(dialect: StoreDialect, error: unknown): DbErrorKind {
  const e = fields(error);
  switch (dialect) {
    case 'sqlite': {
      const code = typeof e.code === 'string' ? e.code : '';
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
        return 'unique';
      }
      // Another process held the write lock for longer than busy_timeout (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT…).
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        return 'retryable';
      }
      return 'other';
    }
    case 'postgres':
      if (e.code === '23505') {
        return 'unique';
      }
      // serialization_failure, deadlock_detected
      if (e.code === '40001' || e.code === '40P01') {
        return 'retryable';
      }
      return 'other';
    case 'mysql':
      if (e.errno === 1062 || e.code === 'ER_DUP_ENTRY') {
        return 'unique';
      }
      // 1213 deadlock, 1205 lock wait timeout; 9007 is TiDB's optimistic-transaction write conflict.
      if (e.errno === 1213 || e.errno === 1205 || e.errno === 9007) {
        return 'retryable';
      }
      if (e.code === 'ER_LOCK_DEADLOCK' || e.code === 'ER_LOCK_WAIT_TIMEOUT') {
        return 'retryable';
      }
      return 'other';
    case 'mssql': {
      const n = mssqlNumber(error);
      // 2627 primary key / unique constraint, 2601 unique index.
      if (n === 2627 || n === 2601) {
        return 'unique';
      }
      // 1205 deadlock victim, 3960 snapshot-isolation update conflict.
      if (n === 1205 || n === 3960) {
        return 'retryable';
      }
      return 'other';
    }
    case 'oracle': {
      const n = oracleNumber(error);
      if (n === 1) {
        return 'unique';
      }
      // ORA-00060 deadlock, ORA-08177 cannot serialize access.
      if (n === 60 || n === 8177) {
        return 'retryable';
      }
      return 'other';
    }
  }
}
