import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { KnexStore } from '../../../adapters/store/knex-store.js';
import { TABLES } from '../../../adapters/store/tables.js';
import { demoCode } from '../../../plugin/demo/demo-catalog.js';
import type { DatabaseKind, ScratchDatabase } from '../../support/databases.js';
import { createScratchDatabase, describeWithDatabase } from '../../support/databases.js';
import { world } from '../../support/demo-world.js';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const worker = join(process.cwd(), 'test', 'support', 'dispense-worker.ts');
const CODES = 150;
const WINDOWS = 3;

/** Several OS processes, each with its own connection pool, race to dispense the same packs. */
function doubleDispenseSuite(kind: DatabaseKind, mode: 'ledger' | 'window'): void {
  let scratch: ScratchDatabase;
  let store: KnexStore;
  const codes = Array.from({ length: CODES }, (_, i) => demoCode('8106001', i + 1));

  before(async () => {
    scratch = await createScratchDatabase(kind);
    store = await KnexStore.open(scratch.config);
    await store.migrateLatest();
    const w = await world(store);
    await w.ledger.receive({ actor: 'test', scans: codes });
  });
  after(async () => {
    await store?.close();
    await scratch?.drop();
  });

  it(`never dispenses a pack twice: ${WINDOWS} processes × ${CODES} packs (${mode})`, async function () {
    this.timeout(120_000);
    const startAt = String(Date.now() + 5000);
    const results = await Promise.all(
      Array.from({ length: WINDOWS }, (_, i) =>
        run(tsx, [worker, mode, JSON.stringify(scratch.config), `W${i + 1}`, startAt, ...codes], {
          maxBuffer: 10 * 1024 * 1024,
        })
      )
    );
    const outcomes = results.map((r) => JSON.parse(r.stdout) as { won: string[]; lost: Record<string, number> });
    const wins = outcomes.flatMap((o) => o.won);
    expect(wins, 'every pack dispensed by exactly one window').to.have.length(CODES);
    expect(new Set(wins).size).to.equal(CODES);
    for (const o of outcomes) {
      for (const reason of Object.keys(o.lost)) {
        // A window refuses at the scan when the other already completed, or at completion when both scanned.
        expect(reason).to.match(/^(CODE_ALREADY_DISPENSED|CONCURRENT_CHANGE)( \(lost race\))?$/);
      }
    }
    const dispenseEvents = await store.knex(TABLES.events).where({ action: 'dispense' }).count({ n: '*' });
    expect(Number(dispenseEvents[0]?.n)).to.equal(CODES);
    // The race really happened: some losers saw the pack still in stock and were stopped by the database.
    const races = outcomes.reduce(
      (n, o) => n + (o.lost['CODE_ALREADY_DISPENSED (lost race)'] ?? 0) + (o.lost.CONCURRENT_CHANGE ?? 0),
      0
    );
    console.log(`      races decided by the database: ${races}`);
  });
}

await describeWithDatabase('postgres', 'double dispense across processes (PostgreSQL)', () => {
  describe('through the ledger', () => doubleDispenseSuite('postgres', 'ledger'));
  describe('through window sessions', () => doubleDispenseSuite('postgres', 'window'));
});
await describeWithDatabase('mariadb', 'double dispense across processes (MariaDB)', () => {
  describe('through the ledger', () => doubleDispenseSuite('mariadb', 'ledger'));
  describe('through window sessions', () => doubleDispenseSuite('mariadb', 'window'));
});
