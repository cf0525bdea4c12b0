/**
 * The migration list, by import rather than by scanning a directory: it works the same under tsx, in a
 * compiled build and in a bundle, and the order is the order written here (never a file-system order).
 */
import type { Knex } from 'knex';
import * as foundation from './0001-foundation.js';
import * as windowSessions from './0002-window-sessions.js';
import * as uploadOutbox from './0003-upload-outbox.js';
import * as hisChannels from './0004-his-channels.js';
import * as reconciliation from './0005-reconciliation.js';
import * as anomalies from './0006-anomalies.js';

export interface NamedMigration {
  name: string;
  migration: Knex.Migration;
}

/** Migrations are forward-only; knex insists on a `down`, so each gets one that refuses with a reason. */
function forwardOnly(name: string, up: Knex.Migration['up']): Knex.Migration {
  return {
    up,
    down: async () => {
      throw new Error(`migration ${name} is forward-only: restore a backup or write a new migration instead`);
    },
  };
}

export const migrations: readonly NamedMigration[] = [
  { name: '0001-foundation', migration: forwardOnly('0001-foundation', foundation.up) },
  { name: '0002-window-sessions', migration: forwardOnly('0002-window-sessions', windowSessions.up) },
  { name: '0003-upload-outbox', migration: forwardOnly('0003-upload-outbox', uploadOutbox.up) },
  { name: '0004-his-channels', migration: forwardOnly('0004-his-channels', hisChannels.up) },
  { name: '0005-reconciliation', migration: forwardOnly('0005-reconciliation', reconciliation.up) },
  { name: '0006-anomalies', migration: forwardOnly('0006-anomalies', anomalies.up) },
];

/** Where knex records applied migrations (≤ 30 characters including the `_lock` table, for Oracle). */
export const MIGRATION_TABLE = 'tg_migrations';

export const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: async () => [...migrations],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m.migration,
};
