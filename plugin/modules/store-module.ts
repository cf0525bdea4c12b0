import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { KnexStore } from '../../adapters/store/knex-store.js';
import { TracegateError } from '../../core/errors.js';
import type { HealthCheck } from '../../core/ports/health-check.js';
import { TOKENS } from '../tokens.js';
import type { TracegateModule } from '../tracegate-module.js';

/** The ledger store from `store:` in the configuration (SQLite by default), and its doctor checks. */
export const storeModule: TracegateModule = {
  name: 'store',
  async register(c, config) {
    if (config.store.client === 'sqlite' && config.store.filename !== ':memory:') {
      mkdirSync(dirname(config.store.filename), { recursive: true });
    }
    const store = await KnexStore.open(config.store).catch((e: unknown) => {
      throw new TracegateError(
        'STORE_UNAVAILABLE',
        `cannot open the ${config.store.client} store: ${e instanceof Error ? e.message : String(e)}`,
        'unavailable'
      );
    });
    c.bind(TOKENS.Store).toConstantValue(store);
    const where =
      config.store.client === 'sqlite'
        ? config.store.filename
        : `${config.store.host ?? ''}:${config.store.port ?? ''}`;
    c.bind<HealthCheck>(TOKENS.HealthCheck).toConstantValue({
      name: `store connection (${config.store.client} ${where})`,
      async check() {
        try {
          await store.ping();
          return { ok: true, detail: 'answers' };
        } catch (e) {
          return {
            ok: false,
            detail: e instanceof Error ? e.message : String(e),
            fix: 'check store.host/port/user/password/database in the config and that the server is running',
          };
        }
      },
    });
    c.bind<HealthCheck>(TOKENS.HealthCheck).toConstantValue({
      name: 'store migrations',
      async check() {
        try {
          const { applied, pending } = await store.migrationStatus();
          return pending.length === 0
            ? { ok: true, detail: `${applied.length} applied, none pending` }
            : { ok: false, detail: `pending: ${pending.join(', ')}`, fix: 'run `tracegate migrate`' };
        } catch (e) {
          return {
            ok: false,
            detail: e instanceof Error ? e.message : String(e),
            fix: 'fix the store connection first',
          };
        }
      },
    });
  },
};
