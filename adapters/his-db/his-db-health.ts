/**
 * `tracegate doctor` and /readyz for one HIS database channel: can tracegate log in, does the event query run (with
 * :limit 1, from where the next poll reads) and does it return the columns tracegate reads? The prescription query
 * is tried with a number no HIS uses. Nothing is written: the write-back statement is not run.
 */
import type { Knex } from 'knex';
import type { HealthCheck, HealthResult } from '../../core/ports/health-check.js';
import type { HisDbConfig } from './his-db-config.js';
import { runQuery } from './his-db-queries.js';
import type { HisRow } from './row-values.js';
import type { HisDbStatement } from './sql-params.js';

/** Columns every event row must have (the others depend on the event's kind or are optional). */
const EVENT_COLUMNS = ['event_id', 'event_kind', 'watermark', 'line_no', 'his_drug_code', 'quantity'] as const;

const PROBE_PRESCRIPTION = '__tracegate_doctor__';

export function hisDbHealthCheck(config: HisDbConfig, db: Knex, position: () => Promise<string>): HealthCheck {
  return {
    name: `HIS database ${config.name}`,
    check: () => check(config, db, position),
  };
}

async function check(config: HisDbConfig, db: Knex, position: () => Promise<string>): Promise<HealthResult> {
  const where = describeTarget(config);
  try {
    const connection: unknown = await db.client.acquireConnection();
    await db.client.releaseConnection(connection);
  } catch (e) {
    return {
      ok: false,
      detail: `cannot log in to the HIS database ${where}: ${messageOf(e)}`,
      fix: `check ${config.name}.connection (host, port, user, password, database${config.client === 'oracledb' ? ', connectString' : ''}), the HIS database's firewall and that this account may log in from the tracegate host`,
    };
  }
  let watermark: string;
  try {
    watermark = await position();
  } catch (e) {
    return { ok: false, detail: `cannot read the channel's watermark from tracegate's store: ${messageOf(e)}` };
  }
  const events = await tryStatement(config, db, 'eventQuery', { watermark, limit: 1 }, `:watermark = ${watermark}`);
  if ('ok' in events) {
    return events;
  }
  const missing = events.rows[0] ? EVENT_COLUMNS.filter((c) => !(c in (events.rows[0] as HisRow))) : [];
  if (missing.length > 0) {
    return {
      ok: false,
      detail: `eventQuery runs but its rows lack the column(s) ${missing.join(', ')}`,
      fix: `name the columns in eventQuery with AS ${missing.join(', AS ')} (docs/his-db-channel.md, "The event query")`,
    };
  }
  if (config.prescriptionQuery !== undefined) {
    const rx = await tryStatement(config, db, 'prescriptionQuery', { prescriptionNo: PROBE_PRESCRIPTION }, '');
    if ('ok' in rx) {
      return rx;
    }
  }
  const pending = events.rows.length > 0 ? 'events are waiting after it' : 'no new events yet';
  return { ok: true, detail: `${where}: eventQuery runs (next poll reads after watermark ${watermark}; ${pending})` };
}

async function tryStatement(
  config: HisDbConfig,
  db: Knex,
  statement: HisDbStatement,
  values: Record<string, string | number>,
  bound: string
): Promise<{ rows: HisRow[] } | HealthResult> {
  try {
    return { rows: await runQuery(db, config, statement, values) };
  } catch (e) {
    return {
      ok: false,
      detail: `${statement} failed on ${describeTarget(config)}: ${messageOf(e)}`,
      fix: `run ${statement} in a SQL client as the same HIS account${bound ? ` with ${bound}` : ''} and fix the table names, column names or grants it reports; then check the config's SQL`,
    };
  }
}

function describeTarget(config: HisDbConfig): string {
  const c = config.connection;
  if (config.client === 'oracledb') {
    return `oracledb ${c.connectString ?? `${c.host ?? ''}:${c.port ?? 1521}/${c.database ?? ''}`}`;
  }
  const instance = c.options?.instanceName ? `\\${c.options.instanceName}` : '';
  return `${config.client} ${c.host ?? ''}${instance}${c.port ? `:${c.port}` : ''}${c.database ? `/${c.database}` : ''}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
