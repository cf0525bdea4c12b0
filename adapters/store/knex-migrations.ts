/** Running the static migration list (migrations/index.ts) against a store's database. */
import type { Knex } from 'knex';
import { MIGRATION_TABLE, migrationSource } from '../../migrations/index.js';

function config(): Knex.MigratorConfig {
  return { migrationSource, tableName: MIGRATION_TABLE };
}

/** Applies pending migrations; returns the names applied by this call. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(config())) as [number, string[]];
  return applied;
}

export async function migrationStatus(db: Knex): Promise<{ applied: string[]; pending: string[] }> {
  const [completed, pending] = (await db.migrate.list(config())) as [Array<{ name: string } | string>, unknown[]];
  return {
    applied: completed.map((m) => (typeof m === 'string' ? m : m.name)),
    pending: pending.map((m) =>
      migrationSource.getMigrationName(m as Parameters<typeof migrationSource.getMigrationName>[0])
    ),
  };
}
