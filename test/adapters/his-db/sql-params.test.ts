/**
 * Offline (no database server): what knex makes of the hospital's `:name` SQL for each driver, and which statements
 * the config check refuses before they ever reach a HIS.
 */
import { expect } from 'chai';
import knex, { type Knex } from 'knex';
import {
  bindStatement,
  HisDbClients,
  scanParams,
  statementProblems,
  type HisDbClient,
  type HisDbStatement,
} from '../../../adapters/his-db/sql-params.js';

const dbs = new Map<HisDbClient, Knex>();
function offline(client: HisDbClient): Knex {
  let db = dbs.get(client);
  if (!db) {
    // No connection is opened: toSQL()/toNative() only compile.
    db = knex({ client });
    dbs.set(client, db);
  }
  return db;
}

function compiled(
  client: HisDbClient,
  statement: HisDbStatement,
  sql: string,
  values: Record<string, string | number | null>
): { sql: string; bindings: readonly unknown[] } {
  const native = bindStatement(offline(client), statement, sql, values).toSQL().toNative();
  return { sql: native.sql, bindings: native.bindings };
}

const eventSql = 'select * from ev where event_id > :watermark order by event_id limit :limit';

describe('HIS database SQL: named parameters', () => {
  after(async () => {
    for (const db of dbs.values()) {
      await db.destroy();
    }
  });

  it('binds :watermark and :limit as each driver expects: mssql @p0, oracle :1, pg $1, mysql ?', () => {
    const values = { watermark: '41', limit: 200 };
    expect(compiled('mssql', 'eventQuery', eventSql, values)).to.deep.equal({
      sql: 'select * from ev where event_id > @p0 order by event_id limit @p1',
      bindings: ['41', 200],
    });
    expect(compiled('oracledb', 'eventQuery', eventSql, values)).to.deep.equal({
      sql: 'select * from ev where event_id > :1 order by event_id limit :2',
      bindings: ['41', 200],
    });
    expect(compiled('pg', 'eventQuery', eventSql, values)).to.deep.equal({
      sql: 'select * from ev where event_id > $1 order by event_id limit $2',
      bindings: ['41', 200],
    });
    expect(compiled('mysql2', 'eventQuery', eventSql, values)).to.deep.equal({
      sql: 'select * from ev where event_id > ? order by event_id limit ?',
      bindings: ['41', 200],
    });
  });

  it('binds a parameter used twice twice, in order, and a missing value as null', () => {
    const sql = 'update t set r = :result, c = :code where id = :eventId or parent = :eventId';
    const values = { eventId: '7', result: 'accepted' };
    expect(compiled('pg', 'writeBack', sql, values)).to.deep.equal({
      sql: 'update t set r = $1, c = $2 where id = $3 or parent = $4',
      bindings: ['accepted', null, '7', '7'],
    });
    expect(compiled('mssql', 'writeBack', sql, values).sql).to.equal(
      'update t set r = @p0, c = @p1 where id = @p2 or parent = @p3'
    );
  });

  it('leaves PostgreSQL casts, escaped colons and colons inside literals alone', () => {
    const sql =
      "select to_char(t, 'HH24:MI:SS') as hm, x::text, '\\:watermark' as lit from ev where id > :watermark::bigint -- 12:30\n limit :limit";
    expect(statementProblems('eventQuery', sql, 'pg')).to.deep.equal([]);
    expect(compiled('pg', 'eventQuery', sql, { watermark: '0', limit: 5 }).sql).to.equal(
      "select to_char(t, 'HH24:MI:SS') as hm, x::text, ':watermark' as lit from ev where id > $1::bigint -- 12:30\n limit $2"
    );
    const oracle = "select to_char(t, 'HH24:MI:SS') from ev where id > TO_NUMBER(:watermark) and rownum <= :limit";
    expect(statementProblems('eventQuery', oracle, 'oracledb')).to.deep.equal([]);
    expect(compiled('oracledb', 'eventQuery', oracle, { watermark: '0', limit: 5 }).sql).to.equal(
      "select to_char(t, 'HH24:MI:SS') from ev where id > TO_NUMBER(:1) and rownum <= :2"
    );
  });

  it('finds each :name with where it stands', () => {
    const uses = scanParams("select :a, ':b', x::c, :d: /* :e */ from t where y = \\:f", 'pg');
    expect(uses.map((u) => [u.name, u.region, u.cast, u.identifier])).to.deep.equal([
      ['a', 'code', false, false],
      ['b', 'literal', false, false],
      ['c', 'code', true, false],
      ['d', 'code', false, true],
      ['e', 'comment', false, false],
    ]);
  });

  it('refuses a parameter tracegate does not provide, naming the statement and what it does provide', () => {
    const [problem] = statementProblems('eventQuery', `${eventSql} and ward = :ward`, 'pg');
    expect(problem?.code).to.equal('HISDB_SQL_PARAM_UNKNOWN');
    expect(problem?.message).to.contain('eventQuery').and.contain(':ward').and.contain(':watermark、:limit');
    // Oracle's own positional binds are just as foreign.
    const [positional] = statementProblems('prescriptionQuery', 'select * from rx where rx_no = :1', 'oracledb');
    expect(positional?.code).to.equal('HISDB_SQL_PARAM_UNKNOWN');
    // Parameter names are case-sensitive, as knex binds them.
    const [cased] = statementProblems('writeBack', 'update t set r = :result where id = :EVENTID', 'oracledb');
    expect(cased?.code).to.equal('HISDB_SQL_PARAM_UNKNOWN');
  });

  it('refuses a statement that leaves out a parameter it must use', () => {
    const noLimit = statementProblems('eventQuery', 'select * from ev where id > :watermark', 'pg');
    expect(noLimit.map((p) => p.code)).to.deep.equal(['HISDB_SQL_PARAM_MISSING']);
    expect(noLimit[0]?.message).to.contain(':limit');
    const everyRow = statementProblems('writeBack', "update ev set trace_result = :result where kind = 'x'", 'mssql');
    expect(everyRow.map((p) => p.details?.parameter)).to.deep.equal(['eventId']);
    expect(statementProblems('catalogQuery', 'select * from drug', 'mysql2')).to.deep.equal([]);
  });

  it('refuses ? anywhere, a parameter inside a string or comment, and the :name: identifier form', () => {
    const codes = (sql: string, client: HisDbClient = 'pg') =>
      statementProblems('eventQuery', sql, client).map((p) => p.code);
    expect(codes(`${eventSql} and flags ? 'x'`)).to.deep.equal(['HISDB_SQL_QUESTION_MARK']);
    expect(codes(`${eventSql} -- resumes after :watermark`)).to.deep.equal(['HISDB_SQL_PARAM_IN_LITERAL']);
    expect(codes(`${eventSql} and note <> ':limit'`)).to.deep.equal(['HISDB_SQL_PARAM_IN_LITERAL']);
    expect(codes('select * from ev where id > :watermark: limit :limit')).to.deep.equal([
      'HISDB_SQL_PARAM_IDENTIFIER',
      'HISDB_SQL_PARAM_MISSING',
    ]);
    // MySQL's # comments and backslash escapes; SQL Server's [bracketed] names.
    expect(codes(`${eventSql} # :ward`, 'mysql2')).to.deep.equal([]);
    expect(codes(`${eventSql} and n <> 'it\\'s :ward'`, 'mysql2')).to.deep.equal([]);
    expect(codes(`${eventSql} and [a:b] = 1`, 'mssql')).to.deep.equal([]);
  });

  it('every client compiles without a driver connection', () => {
    for (const client of HisDbClients) {
      expect(compiled(client, 'eventQuery', eventSql, { watermark: '0', limit: 1 }).bindings).to.have.length(2);
    }
  });
});
