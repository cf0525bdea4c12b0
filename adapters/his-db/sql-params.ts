/**
 * The hospital's own SQL with `:name` parameters. knex's raw named bindings turn `:name` into each driver's
 * placeholder (mssql `@p0`, oracledb `:1`, pg `$1`, mysql2 `?`), so the same text runs on every driver. knex's rules,
 * which the check below mirrors so a wrong statement is refused when the config loads, not on the first poll:
 * - `:name` is a value; `:name:` is an identifier (a column name): never what a HIS statement wants;
 * - `\:name` is a literal `:name` (the backslash is dropped);
 * - `::type` (PostgreSQL casts) is left alone unless `type` is a parameter name;
 * - a name knex is not given stays in the text as written — so an unknown `:name` would reach the database;
 * - knex replaces parameters even inside string literals and comments, and every `?` becomes a placeholder.
 */
import type { Knex } from 'knex';
import { invalid, type TracegateError } from '../../core/errors.js';

export const HisDbClients = ['mssql', 'oracledb', 'pg', 'mysql2'] as const;
export type HisDbClient = (typeof HisDbClients)[number];

export const HisDbStatements = ['catalogQuery', 'stockQuery', 'prescriptionQuery', 'eventQuery', 'writeBack'] as const;
export type HisDbStatement = (typeof HisDbStatements)[number];

export const statementLabel: Record<HisDbStatement, string> = {
  catalogQuery: '药品目录查询',
  stockQuery: '账面库存查询',
  prescriptionQuery: '处方查询',
  eventQuery: '发药/退药事件查询',
  writeBack: '结果回写语句',
};

/** What tracegate binds for each statement, and what the statement must use. */
export const statementParams: Record<HisDbStatement, { provided: readonly string[]; required: readonly string[] }> = {
  catalogQuery: { provided: [], required: [] },
  // :asOf is the day (yyyy-MM-dd) the figures are for; a HIS that only keeps today's stock may ignore it.
  stockQuery: { provided: ['asOf'], required: [] },
  prescriptionQuery: { provided: ['prescriptionNo'], required: ['prescriptionNo'] },
  // Without :limit one poll could read the whole table; without :watermark every poll reads from the start.
  eventQuery: { provided: ['watermark', 'limit'], required: ['watermark', 'limit'] },
  // Without :eventId the update would touch every row; without :result it writes nothing worth having.
  writeBack: {
    provided: ['eventId', 'result', 'code', 'message', 'sessionId'],
    required: ['eventId', 'result'],
  },
};

/** knex's own pattern (lib/formatter/rawFormatter.js, knex 3): escaped, identifier and value forms. */
const KNEX_NAMED = /\\?(:(\w+):(?=::)|:(\w+):(?!:)|:(\w+))/g;

type Region = 'code' | 'literal' | 'comment';

export interface ParamUse {
  name: string;
  /** Character offset of the `:`. */
  at: number;
  /** `:name:` — knex would insert the value as a quoted column name. */
  identifier: boolean;
  region: Region;
  /** `::name` — a PostgreSQL cast, not a parameter (unless the name is one tracegate binds). */
  cast: boolean;
}

/** Every `:name` knex would consider, with where it stands in the SQL. */
export function scanParams(sql: string, client: HisDbClient): ParamUse[] {
  const regions = regionMap(sql, client);
  const uses: ParamUse[] = [];
  for (const m of sql.matchAll(KNEX_NAMED)) {
    if (m[0].startsWith('\\')) {
      continue;
    }
    const at = m.index;
    uses.push({
      name: m[2] ?? m[3] ?? m[4] ?? '',
      at,
      identifier: m[2] !== undefined || m[3] !== undefined,
      region: regions[at] ?? 'code',
      cast: at > 0 && sql[at - 1] === ':',
    });
  }
  return uses;
}

/** Every problem with one configured statement (empty: it binds as tracegate calls it). */
export function statementProblems(statement: HisDbStatement, sql: string, client: HisDbClient): TracegateError[] {
  const { provided, required } = statementParams[statement];
  const where = `${statementLabel[statement]}（${statement}）`;
  const problems: TracegateError[] = [];
  const question = sql.indexOf('?');
  if (question >= 0) {
    problems.push(
      invalid(
        'HISDB_SQL_QUESTION_MARK',
        `${where} 含有「?」（第 ${question + 1} 个字符）：驱动会把每个 ? 当作参数占位符。请改写（如 PostgreSQL 的 jsonb ? 改用 jsonb_exists），参数请写成 :名称`,
        { statement, at: question }
      )
    );
  }
  const used = new Set<string>();
  for (const use of scanParams(sql, client)) {
    const known = provided.includes(use.name);
    if (!known) {
      if (use.region === 'code' && !use.cast) {
        problems.push(unknownParam(statement, where, use.name, provided));
      }
      continue;
    }
    if (use.region !== 'code') {
      problems.push(
        invalid(
          'HISDB_SQL_PARAM_IN_LITERAL',
          `${where} 的${use.region === 'literal' ? '字符串' : '注释'}中出现 :${use.name}：knex 也会把它替换成参数。请删去，或写成 \\:${use.name}`,
          { statement, parameter: use.name }
        )
      );
      continue;
    }
    if (use.identifier) {
      problems.push(
        invalid(
          'HISDB_SQL_PARAM_IDENTIFIER',
          `${where} 中 :${use.name}: 会被当作列名插入；参数请写成 :${use.name}（后面不要紧跟冒号，PostgreSQL 类型转换写成 :${use.name}::类型 或 CAST(:${use.name} AS 类型)）`,
          { statement, parameter: use.name }
        )
      );
      continue;
    }
    used.add(use.name);
  }
  for (const name of required) {
    if (!used.has(name)) {
      problems.push(
        invalid('HISDB_SQL_PARAM_MISSING', `${where} 必须使用参数 :${name}（${requiredWhy(statement, name)}）`, {
          statement,
          parameter: name,
        })
      );
    }
  }
  return problems;
}

function unknownParam(
  statement: HisDbStatement,
  where: string,
  name: string,
  provided: readonly string[]
): TracegateError {
  const offer = provided.length > 0 ? `可用参数：${provided.map((p) => `:${p}`).join('、')}` : '该语句没有参数';
  return invalid(
    'HISDB_SQL_PARAM_UNKNOWN',
    `${where} 使用了 tracegate 不提供的参数 :${name}（${offer}，区分大小写）。如果这是 SQL 本身的冒号，请写成 \\:${name}`,
    { statement, parameter: name, provided }
  );
}

function requiredWhy(statement: HisDbStatement, name: string): string {
  switch (statement) {
    case 'eventQuery':
      return name === 'watermark' ? '只读上次读到的位置之后的事件' : '每次最多读取的行数';
    case 'writeBack':
      return name === 'eventId' ? '只更新这一个事件，否则会改写整张表' : '回写的结果 accepted/refused/invalid';
    case 'prescriptionQuery':
      return '要查询的处方号';
    case 'catalogQuery':
    case 'stockQuery':
      return '';
    default:
      return statement satisfies never;
  }
}

/**
 * The statement with tracegate's values bound by name. Only the provided names are passed (knex leaves other
 * `:words` alone), and undefined becomes null (knex refuses undefined bindings).
 */
export function bindStatement(
  db: Knex,
  statement: HisDbStatement,
  sql: string,
  values: Record<string, string | number | null | undefined>
): Knex.Raw {
  const bindings: Record<string, string | number | null> = {};
  for (const name of statementParams[statement].provided) {
    bindings[name] = values[name] ?? null;
  }
  return db.raw(sql, bindings);
}

/**
 * Which characters of the SQL are string literals, quoted identifiers or comments, per the client's dialect.
 * Only precise enough to tell a parameter from text that merely contains a colon.
 */
function regionMap(sql: string, client: HisDbClient): Region[] {
  const regions: Region[] = new Array<Region>(sql.length).fill('code');
  let i = 0;
  const mark = (from: number, to: number, region: Region): void => {
    regions.fill(region, from, Math.min(to, sql.length));
  };
  while (i < sql.length) {
    const end = regionEnd(sql, i, client);
    if (end) {
      mark(i, end.to, end.region);
      i = end.to;
    } else {
      i++;
    }
  }
  return regions;
}

function regionEnd(sql: string, i: number, client: HisDbClient): { to: number; region: Region } | null {
  const c = sql[i];
  const next = sql[i + 1];
  if (c === '-' && next === '-') {
    return { to: lineEnd(sql, i), region: 'comment' };
  }
  if (c === '#' && client === 'mysql2') {
    return { to: lineEnd(sql, i), region: 'comment' };
  }
  if (c === '/' && next === '*') {
    const close = sql.indexOf('*/', i + 2);
    return { to: close < 0 ? sql.length : close + 2, region: 'comment' };
  }
  if (c === "'") {
    return { to: quotedEnd(sql, i, "'", client === 'mysql2'), region: 'literal' };
  }
  if (c === '"' || (c === '`' && client === 'mysql2')) {
    return { to: quotedEnd(sql, i, c, false), region: 'literal' };
  }
  if (c === '[' && client === 'mssql') {
    const close = sql.indexOf(']', i + 1);
    return { to: close < 0 ? sql.length : close + 1, region: 'literal' };
  }
  if (c === '$' && client === 'pg') {
    const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
    if (tag) {
      const close = sql.indexOf(tag[0], i + tag[0].length);
      return { to: close < 0 ? sql.length : close + tag[0].length, region: 'literal' };
    }
  }
  return null;
}

function lineEnd(sql: string, i: number): number {
  const nl = sql.indexOf('\n', i);
  return nl < 0 ? sql.length : nl;
}

/** Past the closing quote; a doubled quote is an escaped quote, and so is a backslash (MySQL) when asked. */
function quotedEnd(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}
