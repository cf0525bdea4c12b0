/**
 * Receipt ingest and lookups at ledger scale, per store, side by side with a raw bulk insert of the same rows.
 *   npm run bench:ledger -- [--codes 1000000] [--stores sqlite,postgres] [--lookups 20000]
 * Prints a Markdown table for BENCHMARKS.md. Not a test: numbers depend on the machine.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { KnexStore } from '../adapters/store/knex-store.js';
import { bulkInsert } from '../adapters/store/bulk-insert.js';
import { EVENT_COLUMNS, PACK_COLUMNS, TABLES } from '../adapters/store/tables.js';
import { CatalogService } from '../core/catalog/catalog-service.js';
import type { DrugDraft } from '../core/catalog/drug.js';
import type { PackageRelation } from '../core/hierarchy/package-relation.js';
import { RelationService } from '../core/hierarchy/relation-service.js';
import { LedgerService } from '../core/ledger/ledger-service.js';
import { systemClock } from '../core/ports/clock.js';
import { createScratchDatabase } from '../test/support/databases.js';

const { values } = parseArgs({
  options: {
    codes: { type: 'string', default: '1000000' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    lookups: { type: 'string', default: '20000' },
  },
});
const CODES = Number(values.codes);
const LOOKUPS = Number(values.lookups);
const UNITS_PER_MIDDLE = 10;
const MIDDLES_PER_CASE = 10;
const UNITS_PER_CASE = UNITS_PER_MIDDLE * MIDDLES_PER_CASE;
const CASES_PER_RECEIPT = 100; // one delivery note of 10,000 unit codes
const CASES = Math.ceil(CODES / UNITS_PER_CASE);

const code = (prefix: string, n: number): string => `${prefix}${String(n).padStart(13, '0')}`;

const drug: DrugDraft = {
  hisDrugCode: 'B0001',
  insuranceCode: 'XC10AAA034A001010100445',
  name: '阿托伐他汀钙片',
  spec: '20mg*7片',
  manufacturer: null,
  rxFlag: true,
  vbpFlag: true,
  unitsPerPack: 7,
  unitName: '片',
  prefixes: [
    { prefix: '8501001', packLevel: 1, unitCount: 1 },
    { prefix: '8501002', packLevel: 2, unitCount: UNITS_PER_MIDDLE },
    { prefix: '8501003', packLevel: 3, unitCount: UNITS_PER_CASE },
  ],
  gtins: [],
  barcode69: null,
  exempt: false,
  exemptReason: null,
};

function relationsOfCase(c: number): PackageRelation[] {
  const rels: PackageRelation[] = [];
  const caseCode = code('8501003', c);
  for (let m = 0; m < MIDDLES_PER_CASE; m++) {
    const middleNo = (c - 1) * MIDDLES_PER_CASE + m + 1;
    const middle = code('8501002', middleNo);
    rels.push({ parentCode: caseCode, childCode: middle, parentLevel: 3, childLevel: 2, parentStatus: 'normal' });
    for (let u = 0; u < UNITS_PER_MIDDLE; u++) {
      const unit = code('8501001', (middleNo - 1) * UNITS_PER_MIDDLE + u + 1);
      rels.push({ parentCode: middle, childCode: unit, parentLevel: 2, childLevel: 1, parentStatus: 'normal' });
    }
  }
  return rels;
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Row {
  store: string;
  relationsPerSec: number;
  receivePerSec: number;
  rawPerSec: number;
  lookupP50: number;
  lookupP99: number;
  getPackP50: number;
  getPackP99: number;
  rssAfterReceiveMb: number;
}

async function benchStore(name: string, store: KnexStore): Promise<Row> {
  await store.migrateLatest();
  await store.truncateAll();
  const catalog = new CatalogService(store, systemClock, 60_000);
  const relations = new RelationService(store);
  const ledger = new LedgerService(store, store, catalog, systemClock);
  await catalog.save([drug], 'bench', 'import');

  // 1. Relation import (case → middles → units).
  let relationRows = 0;
  let t0 = performance.now();
  for (let c = 1; c <= CASES; c += CASES_PER_RECEIPT) {
    const batch: PackageRelation[] = [];
    for (let k = c; k < Math.min(c + CASES_PER_RECEIPT, CASES + 1); k++) {
      batch.push(...relationsOfCase(k));
    }
    relationRows += (await relations.save(batch)).inserted;
  }
  const relationsPerSec = relationRows / ((performance.now() - t0) / 1000);

  // 2. Receipt through the domain path: scan case codes, expand, check, commit packs + events.
  let received = 0;
  t0 = performance.now();
  for (let c = 1; c <= CASES; c += CASES_PER_RECEIPT) {
    const scans: string[] = [];
    for (let k = c; k < Math.min(c + CASES_PER_RECEIPT, CASES + 1); k++) {
      scans.push(code('8501003', k));
    }
    received += (
      await ledger.receive({ actor: 'bench', location: '药库', ref: `DN${c}`, lot: 'L1', expiry: '2028-12-31', scans })
    ).received;
  }
  const receiveSeconds = (performance.now() - t0) / 1000;

  // 3. Raw bulk insert of the same rows (same values, same per-receipt transactions) with the store's own
  //    fastest bulk path (prepared statements on SQLite, unnest on PostgreSQL) but none of the domain work.
  const rssAfterReceive = process.memoryUsage().rss;
  await store.knex.transaction(async (trx) => {
    await trx(TABLES.events).del();
    await trx(TABLES.packs).del();
  });
  t0 = performance.now();
  for (let c = 1; c <= CASES; c += CASES_PER_RECEIPT) {
    const at = new Date().toISOString();
    const packs: unknown[][] = [];
    const events: unknown[][] = [];
    for (let k = c; k < Math.min(c + CASES_PER_RECEIPT, CASES + 1); k++) {
      for (const r of relationsOfCase(k)) {
        if (r.childLevel !== 1) {
          continue;
        }
        packs.push([r.childCode, 'B0001', 'in_stock', null, 'L1', '2028-12-31', 1, at, '药库', `DN${c}`]);
        const details = JSON.stringify({ via: code('8501003', k), parent: r.parentCode });
        events.push([r.childCode, 1, 'receive', null, 'in_stock', null, at, 'bench', '药库', `DN${c}`, null, details]);
      }
    }
    await store.knex.transaction(async (trx) => {
      await bulkInsert(trx, store.dialect, TABLES.packs, PACK_COLUMNS, packs);
      await bulkInsert(trx, store.dialect, TABLES.events, EVENT_COLUMNS, events);
    });
  }
  const rawSeconds = (performance.now() - t0) / 1000;

  // 4. Point lookups of random codes: the full lookup (state + parent + history) and the bare pack read.
  const lookupMs: number[] = [];
  const getMs: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const c = code('8501001', 1 + Math.floor(Math.random() * received));
    let s = performance.now();
    await ledger.lookup(c);
    lookupMs.push(performance.now() - s);
    s = performance.now();
    await store.getPacks([c]);
    getMs.push(performance.now() - s);
  }
  lookupMs.sort((a, b) => a - b);
  getMs.sort((a, b) => a - b);
  return {
    store: name,
    relationsPerSec,
    receivePerSec: received / receiveSeconds,
    rawPerSec: received / rawSeconds,
    rssAfterReceiveMb: rssAfterReceive / 1024 / 1024,
    lookupP50: pct(lookupMs, 50),
    lookupP99: pct(lookupMs, 99),
    getPackP50: pct(getMs, 50),
    getPackP99: pct(getMs, 99),
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const name of values.stores.split(',')) {
    if (name === 'sqlite') {
      const dir = join('.bench', `sqlite-${process.pid}`);
      mkdirSync(dir, { recursive: true });
      const store = await KnexStore.open({ client: 'sqlite', filename: join(dir, 'ledger.sqlite') });
      try {
        rows.push(await benchStore(name, store));
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    } else if (name === 'postgres' || name === 'mariadb') {
      const scratch = await createScratchDatabase(name);
      const store = await KnexStore.open(scratch.config);
      try {
        rows.push(await benchStore(name, store));
      } finally {
        await store.close();
        await scratch.drop();
      }
    } else {
      throw new Error(`unknown store ${name}`);
    }
    console.error(`done: ${name}`);
  }
  clearInterval(sampler);
  const f = (n: number): string => Math.round(n).toLocaleString('en-US');
  const ms = (n: number): string => n.toFixed(2);
  console.log(
    `\n${CODES.toLocaleString('en-US')} unit codes (${CASES} cases × ${MIDDLES_PER_CASE} middles × ${UNITS_PER_MIDDLE} units), ${LOOKUPS} lookups, Node ${process.version}\n`
  );
  console.log(
    '| store | relation import rows/s | receipt (case expansion) codes/s | raw bulk insert codes/s | ratio | lookup p50 / p99 ms | pack read p50 / p99 ms | RSS after receipts MB |'
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.store} | ${f(r.relationsPerSec)} | ${f(r.receivePerSec)} | ${f(r.rawPerSec)} | ${(r.receivePerSec / r.rawPerSec).toFixed(2)} | ${ms(r.lookupP50)} / ${ms(r.lookupP99)} | ${ms(r.getPackP50)} / ${ms(r.getPackP99)} | ${f(r.rssAfterReceiveMb)} |`
    );
  }
  console.log(`\npeak RSS: ${Math.round(peakRss / 1024 / 1024)} MB`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
