/**
 * The sample HIS of test/fixtures/his-db in a scratch database (PostgreSQL or MariaDB acting as the hospital's HIS),
 * the channel config of the matching fixture pointed at it, and small helpers to add events and read what tracegate
 * wrote back.
 */
import { readFileSync } from 'node:fs';
import knex, { type Knex } from 'knex';
import { parse as parseYaml } from 'yaml';
import { parseHisDbConfig, type HisDbConfig } from '../../../adapters/his-db/his-db-config.js';
import { createScratchDatabase, type DatabaseKind, type ScratchDatabase } from '../../support/databases.js';

const fixtures = new URL('../../fixtures/his-db/', import.meta.url);

export function fixtureText(file: string): string {
  return readFileSync(new URL(file, fixtures), 'utf8');
}

/** A fixture's channel config (YAML) as written. */
export function fixtureConfig(file: string): Record<string, unknown> {
  return parseYaml(fixtureText(file)) as Record<string, unknown>;
}

/** A SQL script → statements (each ends with `;` at the end of a line; `--` lines are comments). */
export function sqlStatements(script: string): string[] {
  return script
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const files: Record<DatabaseKind, { sql: string; config: string }> = {
  postgres: { sql: 'pg-his.sql', config: 'pg-his-channel.yaml' },
  mariadb: { sql: 'mysql-his.sql', config: 'mysql-his-channel.yaml' },
};

/** The fixture's channel config, connected to the scratch database, with `overrides` on top. */
export function hisConfigFor(
  kind: DatabaseKind,
  scratch: ScratchDatabase,
  overrides: Record<string, unknown> = {}
): HisDbConfig {
  const { host, port, user, password, database } = scratch.config;
  return parseHisDbConfig({
    ...fixtureConfig(files[kind].config),
    connection: { host, port, user, password, database },
    ...overrides,
  });
}

/** A knex connection to the HIS (the test's hand on the hospital's side). */
export function hisKnex(kind: DatabaseKind, scratch: ScratchDatabase): Knex {
  const { host, port, user, password, database } = scratch.config;
  return knex({
    client: kind === 'postgres' ? 'pg' : 'mysql2',
    connection: { host, port, user, password, database, ...(kind === 'mariadb' ? { charset: 'utf8mb4' } : {}) },
    pool: { min: 0, max: 2 },
  });
}

/**
 * The HIS of a suite, called in its describe: a scratch database created before its tests, the sample HIS loaded
 * afresh before each, dropped after them. The fields are filled in by the first hook.
 */
export function hisDatabase(kind: DatabaseKind): { scratch: ScratchDatabase; his: Knex } {
  const db = {} as { scratch: ScratchDatabase; his: Knex };
  before(async () => {
    db.scratch = await createScratchDatabase(kind);
    db.his = hisKnex(kind, db.scratch);
  });
  beforeEach(async () => {
    await loadHisFixture(db.his, kind);
  });
  after(async () => {
    await db.his?.destroy();
    await db.scratch?.drop();
  });
  return db;
}

/** Drop and recreate the sample HIS with its seed data. */
export async function loadHisFixture(db: Knex, kind: DatabaseKind): Promise<void> {
  for (const statement of sqlStatements(fixtureText(files[kind].sql))) {
    await db.raw(statement);
  }
}

export interface WrittenBack {
  result: string | null;
  code: string | null;
  message: string | null;
  session: string | null;
}

/** trace_* of every event, by event id. */
export async function writtenBack(db: Knex): Promise<Record<string, WrittenBack>> {
  const rows = (await db('his_dispense_event').select('*').orderBy('event_id')) as Record<string, unknown>[];
  return Object.fromEntries(
    rows.map((r) => [
      String(r.event_id),
      {
        result: (r.trace_result as string | null) ?? null,
        code: (r.trace_code as string | null) ?? null,
        message: (r.trace_message as string | null) ?? null,
        session: (r.trace_session as string | null) ?? null,
      },
    ])
  );
}

/** Remove the seed events (the identity goes on counting: new events get ids after them). */
export async function clearEvents(db: Knex): Promise<void> {
  await db('his_return_line').del();
  await db('his_dispense_event').del();
}

/** A one-line prescription of `boxes` boxes of 阿托伐他汀钙片 (Y0001), or of another drug code (null: none). */
export async function addPrescription(
  db: Knex,
  rx: string,
  boxes: number,
  drugCode: string | null = 'Y0001'
): Promise<void> {
  await db('his_rx').insert({ rx_no: rx, visit_no: `MZ-${rx}`, patient_id: 'P100', patient_name: '陈静' });
  await db('his_rx_line').insert({ rx_no: rx, line_no: 1, drug_code: drugCode, qty: boxes, unit: '盒' });
}

/** A 发药 event for a prescription with these codes; its event id. */
export async function addDispenseEvent(db: Knex, rx: string, codes: string[]): Promise<string> {
  await db('his_dispense_event').insert({
    kind: '发药',
    rx_no: rx,
    operator_name: '张敏',
    window_name: '门诊西药房3号窗口',
    codes: codes.join(';'),
  });
  const [row] = (await db('his_dispense_event').max({ id: 'event_id' })) as { id: unknown }[];
  return String(row?.id);
}
