/** Reading tracegate's own store after a run (its inbound messages), SQLite file or PostgreSQL database. */
import knex, { type Knex } from 'knex';

function storeKnex(config: Record<string, unknown>): Knex {
  if (config.client === 'sqlite') {
    return knex({
      client: 'better-sqlite3',
      connection: { filename: String(config.filename), options: { readonly: true } },
      useNullAsDefault: true,
      pool: { min: 0, max: 1 },
    });
  }
  const connection = Object.fromEntries(Object.entries(config).filter(([k, v]) => k !== 'client' && v !== undefined));
  return knex({ client: 'pg', connection, pool: { min: 0, max: 1 } });
}

/** The inbound messages, counted by state. */
export async function inboundByState(config: Record<string, unknown>): Promise<Record<string, number>> {
  const db = storeKnex(config);
  try {
    const rows = (await db('tg_inbound_msgs').select('state').count({ n: '*' }).groupBy('state')) as {
      state: string;
      n: string | number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  } finally {
    await db.destroy();
  }
}

/** A channel's messages: source key → [received_at, updated_at] in ms since the epoch. */
export async function inboundTimes(
  config: Record<string, unknown>,
  channel: string
): Promise<Map<string, [number, number]>> {
  const db = storeKnex(config);
  try {
    const rows = (await db('tg_inbound_msgs').where({ channel }).select('source_key', 'received_at', 'updated_at')) as {
      source_key: string;
      received_at: string;
      updated_at: string;
    }[];
    return new Map(rows.map((r) => [r.source_key, [Date.parse(r.received_at), Date.parse(r.updated_at)]]));
  } finally {
    await db.destroy();
  }
}
