/**
 * One scan at the pharmacy window over HTTP, from 20 concurrent stations, against a pre-filled ledger, per store.
 *   npm run bench:scan -- [--codes 1000000] [--stores sqlite,postgres] [--seconds 30] [--step-seconds 10]
 *                         [--rates 300,400,500,…] [--drivers autocannon,paced] [--stations 20] [--warmup 5]
 *                         [--p99-limit 20] [--server compiled|tsx] [--profile DIR]
 * Smoke run: npm run bench:scan -- --codes 100000 --seconds 5
 *
 * Per store: fill a fresh ledger (bench/scan/prefill.ts), start `tracegate serve` as its own process, open dispense
 * sessions over HTTP before each phase, then POST /api/v1/dispenses/:id/scans with a unique in-stock code that fits
 * an open line (each station walks its own sessions). Phases: warm-up (not reported); A = 200 scans/s;
 * B = rising rates until p99 > the limit, errors, or the rate is not reached; an unthrottled run. The server's
 * RSS is sampled every 100 ms. Prints Markdown tables for BENCHMARKS.md. Not a test: numbers depend on the machine.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KnexStore } from '../adapters/store/knex-store.js';
import { createScratchDatabase } from '../test/support/databases.js';
import type { ScratchDatabase } from '../test/support/databases.js';
import type { LoadResult } from './scan/load.js';
import { pct, runAutocannon, runPaced } from './scan/load.js';
import { summarizeProfile } from './scan/profile-summary.js';
import { DRUGS, prefill } from './scan/prefill.js';
import type { ServerProcess } from './scan/server-process.js';
import { compileServer, startServer } from './scan/server-process.js';
import { CodePicker, openSessions, SCANS_PER_SESSION } from './scan/sessions.js';

const { values } = parseArgs({
  options: {
    codes: { type: 'string', default: '1000000' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    seconds: { type: 'string', default: '30' },
    'step-seconds': { type: 'string' },
    rates: { type: 'string', default: '300,400,500,600,700,800,1000,1200,1500,2000,2500,3000' },
    drivers: { type: 'string', default: 'autocannon,paced' },
    stations: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    'p99-limit': { type: 'string', default: '20' },
    /** compiled: the tsc output, as bin/tracegate.js runs it; tsx: the sources through tsx (≈ 50 MB more RSS). */
    server: { type: 'string', default: 'compiled' },
    /** Keep a V8 CPU profile of each server run in this directory and print where its time went. */
    profile: { type: 'string' },
  },
});
const CODES = Number(values.codes);
const SECONDS = Number(values.seconds);
const STEP_SECONDS = Number(values['step-seconds'] ?? Math.min(10, SECONDS));
const RATES = values.rates.split(',').map(Number);
const DRIVERS = values.drivers.split(',') as ('autocannon' | 'paced')[];
const STATIONS = Number(values.stations);
const WARMUP = Number(values.warmup);
const P99_LIMIT = Number(values['p99-limit']);
const FIXED_RATE = 200;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface PhaseRow {
  store: string;
  phase: string;
  result: LoadResult;
  serverCpuMsPerScan: number;
  peakRssMb: number;
}

interface StoreSummary {
  store: string;
  prefillSeconds: number;
  received: number;
  rows: PhaseRow[];
  best: Partial<Record<'autocannon' | 'paced', PhaseRow>>;
  peakRssMb: number;
  rssAfterFixedMb: number;
}

const achieved = (r: LoadResult): number => r.completed / r.seconds;
const profiles: string[] = [];

/** Opens the sessions for one phase, runs it, and measures the server around it. */
async function phase(
  store: string,
  name: string,
  server: ServerProcess,
  picker: CodePicker,
  driver: 'autocannon' | 'paced',
  seconds: number,
  rate: number | undefined,
  budgetRate: number
): Promise<PhaseRow> {
  // Per station: the mean share plus five standard deviations of a Poisson count, plus one session.
  const mean = (budgetRate * seconds) / STATIONS;
  const scans = STATIONS * Math.ceil(mean * 1.05 + 5 * Math.sqrt(mean) + SCANS_PER_SESSION);
  const queues = await openSessions(server.url, picker, scans, STATIONS);
  server.resetPeak();
  const cpu0 = server.cpuSeconds();
  const result =
    driver === 'autocannon'
      ? await runAutocannon(server.url, queues, seconds, rate)
      : await runPaced(server.url, queues, seconds, rate ?? FIXED_RATE);
  const row: PhaseRow = {
    store,
    phase: name,
    result,
    serverCpuMsPerScan: ((server.cpuSeconds() - cpu0) * 1000) / Math.max(1, result.completed),
    peakRssMb: server.peakRssMb(),
  };
  const r = result;
  log(
    `  ${store} ${name} [${driver}] target ${rate ?? 'max'}/s: ${achieved(r).toFixed(0)}/s, p50 ${pct(r.latenciesMs, 50).toFixed(2)} p99 ${pct(r.latenciesMs, 99).toFixed(2)} ms, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}, RSS ${row.peakRssMb.toFixed(0)} MB`
  );
  return row;
}

async function benchStore(
  store: string,
  storeConfig: Record<string, unknown>,
  dir: string,
  cli: string
): Promise<StoreSummary> {
  log(`${store}: pre-filling ${CODES.toLocaleString('en-US')} codes`);
  const knexStore = await KnexStore.open(storeConfig as unknown as Parameters<typeof KnexStore.open>[0]);
  let filled;
  try {
    filled = await prefill(knexStore, CODES, log);
  } finally {
    await knexStore.close();
  }
  log(`${store}: ${filled.received.toLocaleString('en-US')} codes in ${filled.seconds.toFixed(0)} s; starting server`);
  const picker = new CodePicker(filled.unitsPerDrug);
  const profileDir = values.profile ? join(values.profile, store) : undefined;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
  }
  const server = await startServer(storeConfig, join(dir, `tracegate-${store}.yaml`), cli, profileDir);
  const rows: PhaseRow[] = [];
  const best: StoreSummary['best'] = {};
  let peakRssMb = 0;
  let rssAfterFixedMb = 0;
  const keep = (row: PhaseRow): PhaseRow => {
    rows.push(row);
    peakRssMb = Math.max(peakRssMb, row.peakRssMb);
    return row;
  };
  try {
    log(`${store}: server ${server.url} (pid ${server.pid}); warm-up ${WARMUP} s`);
    if (WARMUP > 0) {
      const warm = await phase(store, 'warm-up', server, picker, 'autocannon', WARMUP, undefined, 3000);
      peakRssMb = Math.max(peakRssMb, warm.peakRssMb);
    }
    for (const driver of DRIVERS) {
      keep(await phase(store, `A: ${FIXED_RATE}/s`, server, picker, driver, SECONDS, FIXED_RATE, FIXED_RATE));
      rssAfterFixedMb = Math.max(rssAfterFixedMb, server.currentRssMb());
    }
    for (const driver of DRIVERS) {
      for (const rate of RATES) {
        const row = keep(await phase(store, 'B: step', server, picker, driver, STEP_SECONDS, rate, rate));
        const r = row.result;
        const held = pct(r.latenciesMs, 99) <= P99_LIMIT && r.errors === 0 && achieved(r) >= 0.9 * rate;
        if (!held) {
          break;
        }
        best[driver] = row;
      }
    }
    const guess = Math.max(1000, ...rows.map((r) => achieved(r.result)));
    keep(await phase(store, 'unthrottled', server, picker, 'autocannon', STEP_SECONDS, undefined, guess * 1.5));
    // Let the requests still in the server when the load generator hung up finish before it is stopped.
    await new Promise((r) => setTimeout(r, 1000));
    peakRssMb = Math.max(peakRssMb, server.peakRssMb());
  } finally {
    await server.stop();
  }
  if (profileDir) {
    profiles.push(`${store}: ${summarizeProfile(profileDir)}`);
  }
  return {
    store,
    prefillSeconds: filled.seconds,
    received: filled.received,
    rows,
    best,
    peakRssMb,
    rssAfterFixedMb,
  };
}

function printTables(summaries: StoreSummary[]): void {
  const f = (n: number): string => Math.round(n).toLocaleString('en-US');
  const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');
  const busy = (n: number): string => `${Math.round(n * 100)} %`;
  console.log(
    `\n${CODES.toLocaleString('en-US')} unit codes (${DRUGS} drugs), ${STATIONS} stations, sessions of ${SCANS_PER_SESSION} scans, phase A ${SECONDS} s, steps ${STEP_SECONDS} s, p99 limit ${P99_LIMIT} ms, Node ${process.version}\n`
  );
  console.log(
    '| store | phase | load generator | target scans/s | achieved scans/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU ms/scan | machine CPU busy | server peak RSS MB |'
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of summaries) {
    for (const row of s.rows) {
      const r = row.result;
      console.log(
        `| ${s.store} | ${row.phase} | ${r.driver} | ${r.rate === undefined ? 'max' : f(r.rate)} | ${f(achieved(r))} | ${ms(pct(r.latenciesMs, 50))} | ${ms(pct(r.latenciesMs, 90))} | ${ms(pct(r.latenciesMs, 99))} | ${ms(r.latenciesMs.at(-1) ?? NaN)} | ${r.errors} | ${row.serverCpuMsPerScan.toFixed(2)} | ${busy(r.machineBusy)} | ${f(row.peakRssMb)} |`
      );
    }
  }
  console.log(
    '\n| store | pre-fill | scan at 200/s p50 / p99 ms | best rate with p99 ≤ limit (achieved scans/s, p99 ms) | unthrottled scans/s (p99 ms) | server RSS after phase A / peak MB |'
  );
  console.log('|---|---|---|---|---|---|');
  for (const s of summaries) {
    const fixed = s.rows
      .filter((r) => r.phase.startsWith('A:'))
      .map((r) => `${r.result.driver}: ${ms(pct(r.result.latenciesMs, 50))} / ${ms(pct(r.result.latenciesMs, 99))}`)
      .join('; ');
    const best = DRIVERS.map((d) => {
      const b = s.best[d];
      return `${d}: ${b ? `${f(achieved(b.result))} (${ms(pct(b.result.latenciesMs, 99))})` : `none ≤ ${P99_LIMIT} ms`}`;
    }).join('; ');
    const max = s.rows.find((r) => r.phase === 'unthrottled');
    const maxText = max ? `${f(achieved(max.result))} (${ms(pct(max.result.latenciesMs, 99))})` : '–';
    console.log(
      `| ${s.store} | ${f(s.received)} codes in ${f(s.prefillSeconds)} s | ${fixed} | ${best} | ${maxText} | ${f(s.rssAfterFixedMb)} / ${f(s.peakRssMb)} |`
    );
  }
}

async function main(): Promise<void> {
  const dir = join('.bench', `scan-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  let scratch: ScratchDatabase | undefined;
  const cleanup = async (): Promise<void> => {
    await scratch?.drop().catch((e: unknown) => log(`could not drop the scratch database: ${String(e)}`));
    scratch = undefined;
    // The link to node_modules goes first, so nothing could ever follow it.
    rmSync(join(dir, 'dist', 'node_modules'), { force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  const summaries: StoreSummary[] = [];
  try {
    let cli = 'plugin/cli.ts';
    if (values.server === 'compiled') {
      log('compiling the server (tsc -p tsconfig.build.json)');
      cli = compileServer(join(dir, 'dist'));
    } else if (values.server !== 'tsx') {
      throw new Error(`--server ${values.server}: compiled or tsx`);
    }
    for (const name of values.stores.split(',')) {
      if (name === 'sqlite') {
        summaries.push(await benchStore(name, { client: 'sqlite', filename: join(dir, 'ledger.sqlite') }, dir, cli));
        rmSync(join(dir, 'ledger.sqlite'), { force: true });
      } else if (name === 'postgres') {
        scratch = await createScratchDatabase('postgres');
        const config = Object.fromEntries(Object.entries(scratch.config).filter(([, v]) => v !== undefined));
        summaries.push(await benchStore(name, config, dir, cli));
        await scratch.drop();
        scratch = undefined;
      } else {
        throw new Error(`unknown store ${name} (sqlite, postgres)`);
      }
    }
  } finally {
    await cleanup();
  }
  printTables(summaries);
  for (const p of profiles) {
    console.log(`\n${p}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
