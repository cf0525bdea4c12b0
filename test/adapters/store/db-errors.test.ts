import { expect } from 'chai';
import { classifyDbError } from '../../../adapters/store/db-errors.js';
import type { StoreDialect } from '../../../adapters/store/knex-config.js';

/** Driver errors as the drivers shape them (fields copied from real errors), without a server. */
function driverError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

const cases: Record<StoreDialect, { unique: Error[]; retryable: Error[]; other: Error[] }> = {
  sqlite: {
    unique: [
      driverError('UNIQUE constraint failed: tg_packs.trace_code', { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }),
      driverError('UNIQUE constraint failed: tg_drug_prefixes.prefix', { code: 'SQLITE_CONSTRAINT_UNIQUE' }),
    ],
    retryable: [
      driverError('database is locked', { code: 'SQLITE_BUSY' }),
      driverError('database is locked', { code: 'SQLITE_BUSY_SNAPSHOT' }),
    ],
    other: [
      driverError('FOREIGN KEY constraint failed', { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }),
      driverError('NOT NULL constraint failed: tg_packs.state', { code: 'SQLITE_CONSTRAINT_NOTNULL' }),
    ],
  },
  postgres: {
    unique: [
      driverError('duplicate key value violates unique constraint "tg_packs_pk"', {
        code: '23505',
        constraint: 'tg_packs_pk',
      }),
    ],
    retryable: [
      driverError('could not serialize access due to concurrent update', { code: '40001' }),
      driverError('deadlock detected', { code: '40P01' }),
    ],
    other: [driverError('insert or update violates foreign key constraint', { code: '23503' })],
  },
  mysql: {
    unique: [
      driverError("Duplicate entry '81000010000000000001' for key 'PRIMARY'", {
        code: 'ER_DUP_ENTRY',
        errno: 1062,
        sqlState: '23000',
      }),
    ],
    retryable: [
      driverError('Deadlock found when trying to get lock', {
        code: 'ER_LOCK_DEADLOCK',
        errno: 1213,
        sqlState: '40001',
      }),
      driverError('Lock wait timeout exceeded', { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }),
      driverError('Write conflict (TiDB)', { errno: 9007 }),
    ],
    other: [driverError('Cannot add or update a child row', { code: 'ER_NO_REFERENCED_ROW_2', errno: 1452 })],
  },
  mssql: {
    unique: [
      // tedious RequestError, as knex's mssql dialect surfaces it
      driverError("Violation of PRIMARY KEY constraint 'tg_packs_pk'", {
        code: 'EREQUEST',
        number: 2627,
        state: 1,
        class: 14,
      }),
      driverError("Cannot insert duplicate key row in object 'dbo.tg_drug_prefixes'", {
        code: 'EREQUEST',
        number: 2601,
      }),
      // the mssql package's wrapper around it
      driverError('Violation of PRIMARY KEY constraint', {
        code: 'EREQUEST',
        originalError: { info: { number: 2627 } },
      }),
    ],
    retryable: [
      driverError('Transaction (Process ID 57) was deadlocked on lock resources', { code: 'EREQUEST', number: 1205 }),
      driverError('Snapshot isolation transaction aborted due to update conflict', { number: 3960 }),
    ],
    other: [driverError('The INSERT statement conflicted with the FOREIGN KEY constraint', { number: 547 })],
  },
  oracle: {
    unique: [
      driverError('ORA-00001: unique constraint (TG.tg_packs_pk) violated', {
        errorNum: 1,
        code: 'ORA-00001',
        offset: 0,
      }),
      driverError('ORA-00001: unique constraint (TG.tg_relations_pk) violated', {}),
    ],
    retryable: [
      driverError('ORA-00060: deadlock detected while waiting for resource', { errorNum: 60, code: 'ORA-00060' }),
      driverError("ORA-08177: can't serialize access for this transaction", { errorNum: 8177 }),
    ],
    other: [
      driverError('ORA-02291: integrity constraint violated - parent key not found', {
        errorNum: 2291,
        code: 'ORA-02291',
      }),
    ],
  },
};

describe('classifyDbError', () => {
  for (const [dialect, { unique, retryable, other }] of Object.entries(cases) as [
    StoreDialect,
    (typeof cases)['sqlite'],
  ][]) {
    describe(dialect, () => {
      it('recognises primary-key and unique violations', () => {
        for (const e of unique) {
          expect(classifyDbError(dialect, e), e.message).to.equal('unique');
        }
      });
      it('recognises deadlocks, serialization failures and lock timeouts as retryable', () => {
        for (const e of retryable) {
          expect(classifyDbError(dialect, e), e.message).to.equal('retryable');
        }
      });
      it('leaves every other error alone', () => {
        for (const e of other) {
          expect(classifyDbError(dialect, e), e.message).to.equal('other');
        }
        expect(classifyDbError(dialect, new Error('connect ECONNREFUSED'))).to.equal('other');
        expect(classifyDbError(dialect, undefined)).to.equal('other');
        expect(classifyDbError(dialect, 'a string')).to.equal('other');
      });
    });
  }

  it('does not read one dialect’s codes as another’s', () => {
    expect(classifyDbError('mysql', cases.postgres.unique[0])).to.equal('other');
    expect(classifyDbError('postgres', cases.mysql.unique[0])).to.equal('other');
    expect(classifyDbError('oracle', cases.mssql.unique[0])).to.equal('other');
    expect(classifyDbError('sqlite', cases.oracle.unique[0])).to.equal('other');
  });
});
