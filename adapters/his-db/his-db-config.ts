/**
 * One HIS database channel as the hospital configures it: which driver, how to connect, how often to poll, and the
 * hospital's own SQL (docs/his-db-channel.md). The SQL's parameters are checked when the config loads.
 */
import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import { HisDbClients, HisDbStatements, statementProblems, type HisDbClient } from './sql-params.js';

/** Also the key of the channel's watermark and of its inbound messages (tg_channel_marks.channel is 40 wide). */
const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

const sslSchema = z.union([
  z.boolean(),
  z
    .object({
      /** false accepts a self-signed server certificate (common inside hospital networks). */
      rejectUnauthorized: z.boolean().optional(),
      /** PEM CA bundle. */
      ca: z.string().optional(),
    })
    .strict(),
]);

/** SQL Server only (tedious options). */
const mssqlOptionsSchema = z
  .object({
    encrypt: z.boolean().default(false),
    trustServerCertificate: z.boolean().default(true),
    /** Named instance (SQL Server Browser, UDP 1434); the port is then ignored. */
    instanceName: z.string().min(1).optional(),
    /** SQL Server 2008/2008 R2 need 7_3_A / 7_3_B; 7_4 is 2012 and later. */
    tdsVersion: z.enum(['7_1', '7_2', '7_3_A', '7_3_B', '7_4']).default('7_4'),
  })
  .strict();

const connectionSchema = z
  .object({
    host: z.string().min(1).optional(),
    port: z.coerce.number().int().min(1).max(65535).optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    database: z.string().optional(),
    /** Oracle only: Easy Connect `host:port/service_name` or a TNS alias (thin mode). */
    connectString: z.string().min(1).optional(),
    /** PostgreSQL-family and MySQL-family only. */
    ssl: sslSchema.optional(),
    /** SQL Server only. */
    options: mssqlOptionsSchema.optional(),
    connectTimeoutMs: z.number().int().min(500).max(120_000).default(10_000),
  })
  .strict();

const sql = z.string().trim().min(1);

export const hisDbChannelShape = z
  .object({
    name: z
      .string()
      .regex(CHANNEL_NAME, 'letters, digits, _ . - (at most 40), starting with a letter or digit')
      .default('his-db'),
    client: z.enum(HisDbClients),
    connection: connectionSchema.prefault({}),
    /** Connections to the HIS database: the poller needs one; the write-back and prescription look-ups one more. */
    pool: z
      .object({ max: z.number().int().min(1).max(20).default(2) })
      .strict()
      .prefault({}),
    /** Wait between polls that found nothing. */
    pollMs: z.number().int().min(200).max(3_600_000).default(5000),
    /** Rows (event lines) one poll reads at most: the statement's :limit. */
    batchSize: z.number().int().min(1).max(5000).default(200),
    /** An event with more lines than a batch is read again with a bigger :limit, up to this many lines. */
    maxEventLines: z.number().int().min(1).max(100_000).default(2000),
    /** :watermark of the very first poll (nothing stored yet): e.g. 0, or the last event id before go-live. */
    startWatermark: z.union([z.string(), z.number()]).transform(String).default('0'),
    /** Failing polls wait pollMs, then twice as long each time, up to this. */
    backoffMaxMs: z.number().int().min(1000).max(3_600_000).default(60_000),
    /** Any one statement is cancelled after this long. */
    queryTimeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
    /** Sync the catalog (and the book stock, with stockQuery) at start and then every N minutes (0: only when asked). */
    catalogSyncMinutes: z.number().int().min(0).max(10_080).default(0),
    /** How bytes the driver returns for a column (VARBINARY/BLOB/RAW) are decoded: legacy GBK databases. */
    binaryEncoding: z.enum(['utf8', 'gbk', 'gb18030']).default('utf8'),
    /** :message of the write-back is cut to this many characters (the HIS column's width). */
    messageMaxLength: z.number().int().min(20).max(4000).default(200),
    catalogQuery: sql.optional(),
    /** The HIS's book stock per drug (his_drug_code, quantity[, units]) for :asOf, synced with the catalog. */
    stockQuery: sql.optional(),
    prescriptionQuery: sql.optional(),
    eventQuery: sql,
    writeBack: sql.optional(),
  })
  .strict();

export type HisDbConfig = z.output<typeof hisDbChannelShape>;
export type HisDbConnection = HisDbConfig['connection'];

/** The schema with the cross-field and SQL parameter checks, for embedding in tracegate's config schema. */
export const hisDbChannelSchema = hisDbChannelShape.superRefine((config, ctx) => {
  for (const problem of configProblems(config)) {
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }
});

/** Parse one channel's config: a typed error naming the key (or the statement and parameter) when it is wrong. */
export function parseHisDbConfig(input: unknown): HisDbConfig {
  const parsed = hisDbChannelShape.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(顶层)'}：${i.message}`);
    throw invalid('HISDB_CONFIG_INVALID', `HIS 数据库通道配置有误：${problems.join('；')}`, { problems });
  }
  for (const statement of HisDbStatements) {
    const text = parsed.data[statement];
    const [first] = text === undefined ? [] : statementProblems(statement, text, parsed.data.client);
    if (first) {
      throw first;
    }
  }
  const [connection] = connectionProblems(parsed.data.client, parsed.data.connection);
  if (connection) {
    throw invalid(
      'HISDB_CONFIG_INVALID',
      `HIS 数据库通道配置有误：${connection.path.join('.')}：${connection.message}`
    );
  }
  return parsed.data;
}

interface ConfigProblem {
  path: string[];
  message: string;
}

function configProblems(config: HisDbConfig): ConfigProblem[] {
  const sqlProblems = HisDbStatements.flatMap((statement) => {
    const text = config[statement];
    return text === undefined
      ? []
      : statementProblems(statement, text, config.client).map((e) => ({
          path: [statement],
          message: `${e.code}: ${e.message}`,
        }));
  });
  return [...sqlProblems, ...connectionProblems(config.client, config.connection)];
}

/** Options that belong to another driver are refused rather than silently ignored. */
function connectionProblems(client: HisDbClient, c: HisDbConnection): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const refuse = (key: string, message: string): void => {
    problems.push({ path: ['connection', key], message });
  };
  if (c.options && client !== 'mssql') {
    refuse('options', 'options（encrypt/trustServerCertificate/instanceName/tdsVersion）只用于 SQL Server（mssql）');
  }
  if (c.connectString && client !== 'oracledb') {
    refuse('connectString', 'connectString 只用于 Oracle（oracledb）');
  }
  if (c.ssl !== undefined && (client === 'mssql' || client === 'oracledb')) {
    refuse(
      'ssl',
      client === 'mssql' ? 'SQL Server 的加密请用 options.encrypt' : 'Oracle 的 TLS 请写在 connectString（tcps://…）'
    );
  }
  if (client === 'oracledb' && !c.connectString && !(c.host && c.database)) {
    refuse('connectString', 'Oracle 需要 connectString（如 10.1.2.3:1521/HISDB），或 host 加 database（服务名）');
  }
  if (client !== 'oracledb' && !c.host) {
    refuse('host', '需要 HIS 数据库服务器地址 host');
  }
  return problems;
}
