import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../plugin/load-config.js';
import { createLogger } from '../../plugin/logger.js';
import { demoDefaults } from '../../plugin/demo/demo-defaults.js';
import type { Tracegate } from '../../plugin/tracegate.js';
import { createTracegate } from '../../plugin/tracegate.js';

/** Log lines written during a test, to assert on correlation ids and to keep the test output clean. */
export const captured: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    captured.push(chunk.toString());
    done();
  },
});

/**
 * A tracegate on a fresh SQLite file with the demo tokens, migrated, listening on a free port. `overrides` are
 * configuration sections merged over those defaults (e.g. insurance.upstream.baseUrl of a sandbox).
 */
export async function startTempTracegate(
  overrides: Record<string, unknown> = {}
): Promise<{ tg: Tracegate; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-http-'));
  const config = loadConfig({
    env: {},
    defaults: {
      ...demoDefaults,
      demo: { loadWhenEmpty: false },
      store: { client: 'sqlite', filename: join(dir, 'ledger.sqlite') },
      server: { port: 0 },
      log: { level: 'debug' },
      ...overrides,
    },
  });
  const tg = await createTracegate(config, { logger: createLogger('debug', sink) });
  await tg.store.migrateLatest();
  const { url } = await tg.start();
  return { tg, url };
}
