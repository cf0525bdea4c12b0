/**
 * The insurance proxy's added latency, side by side in one run: the same kind of request sent straight to the
 * platform sandbox (DIRECT) and through tracegate's proxy to it (PROXIED), taking turns in short slices.
 *   npm run bench:proxy -- [--codes 200000] [--stores sqlite,postgres] [--workloads pass-through,checked]
 *                          [--seconds 30] [--rates 200,50] [--connections 10] [--slice 2] [--max-seconds 10]
 *                          [--max-slice 5] [--warmup 3] [--mode sync|store-and-forward] [--outbox on|off]
 *                          [--server compiled|tsx] [--profile DIR]
 * Smoke run: npm run bench:proxy -- --stores sqlite --seconds 4 --rates 200 --max-seconds 4 --codes 20000
 *
 * Three processes on loopback: the sandbox (`tracegate sandbox`), `tracegate serve` with insurance.upstream at the
 * sandbox, and this one, the load generator. Workloads: pass-through (1101, relayed untouched; run once, with the
 * first store's server, as it never touches the store) and checked (3505 sales of one or two unique in-stock codes,
 * decided by the ledger before the platform is asked; per store, on a pre-filled ledger). Per workload: a warm-up
 * of each path (not reported), a paced phase per rate in --rates (requests/s, Poisson arrivals over --connections
 * connections, --seconds per path in turns of --slice s) and the unthrottled phase (autocannon, --max-seconds per
 * path in turns of --max-slice s). Every answer is checked (infcode 0, retRslt 1). Added latency = proxied minus
 * direct at each percentile of the pooled latencies; beside it the median over neighbouring turn pairs of the added
 * p99, which a burst of outside noise in one turn does not move. Prints Markdown tables for BENCHMARKS.md. Not a
 * test: numbers depend on the machine.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KnexStore } from '../adapters/store/knex-store.js';
import { createScratchDatabase } from '../test/support/databases.js';
import type { ScratchDatabase } from '../test/support/databases.js';
import type { BodySource } from './proxy/envelopes.js';
import { passThroughBodies, saleBodies, SERVICE_PATH } from './proxy/envelopes.js';
import { PacedPath } from './proxy/paced-path.js';
import type { Outcomes } from './proxy/reply-check.js';
import { addOutcomes, emptyOutcomes } from './proxy/reply-check.js';
import type { SandboxCounts } from './proxy/sandbox-process.js';
import { startSandboxProcess } from './proxy/sandbox-process.js';
import type { Usage } from './proxy/side-by-side.js';
import { machineBusy, sideBySide } from './proxy/side-by-side.js';
import { UnthrottledPath } from './proxy/unthrottled-path.js';
import { pct } from './scan/load.js';
import { DRUGS, prefill } from './scan/prefill.js';
import { summarizeProfile } from './scan/profile-summary.js';
import { compileServer, startServer } from './scan/server-process.js';
import { CodePicker } from './scan/sessions.js';

const { values } = parseArgs({
  options: {
    codes: { type: 'string', default: '200000' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    workloads: { type: 'string', default: 'pass-through,checked' },
    seconds: { type: 'string', default: '30' },
    rates: { type: 'string', default: '200,50' },
    connections: { type: 'string', default: '10' },
    slice: { type: 'string', default: '2' },
    'max-seconds': { type: 'string', default: '10' },
    'max-slice': { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'sync' },
    outbox: { type: 'string', default: 'on' },
    server: { type: 'string', default: 'compiled' },
    profile: { type: 'string' },
  },
});
const CODES = Number(values.codes);
const SECONDS = Number(values.seconds);
const RATES = values.rates.split(',').map(Number);
const CONNECTIONS = Number(values.connections);
const SLICE = Number(values.slice);
const MAX_SECONDS = Number(values['max-seconds']);
const MAX_SLICE = Math.min(Number(values['max-slice']), MAX_SECONDS);
const WARMUP = Number(values.warmup);
const MODE = values.mode;
const OUTBOX = values.outbox === 'on';
const WORKLOADS = values.workloads.split(',') as Workload[];
const TARGET_P99_ADDED_MS = 3;

type Workload = 'pass-through' | 'checked';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

interface PathResult {
  path: string;
  phase: 'paced' | 'unthrottled';
  /** Paced: the target rate, requests/s over all connections. */
  rate: number | null;
  latenciesMs: Float64Array;
  completed: number;
  seconds: number;
  outcomes: Outcomes;
  usage: Usage;
  /** Paced: the latencies of each turn, sorted (turn i of one path ran next to turn i of the other). */
  turns: Float64Array[];
}

interface WorkloadResult {
  workload: Workload;
  store: string;
  rows: PathResult[];
  serverPeakRssMb: number;
  sandboxPeakRssMb: number;
  /** Answers with infcode 0 over the whole workload, warm-up included, per path. */
  okAll: number;
  sandbox: SandboxCounts;
}

const results: WorkloadResult[] = [];
const profiles: string[] = [];

function resultOf(
  p: { name: string; latenciesMs: number[]; completed: number; seconds: number; outcomes: Outcomes },
  phase: PathResult['phase'],
  rate: number | null,
  usage: Usage,
  turns: Float64Array[] = []
): PathResult {
  return {
    turns,
    path: p.name,
    phase,
    rate,
    latenciesMs: Float64Array.from(p.latenciesMs).sort(),
    completed: p.completed,
    seconds: p.seconds,
    outcomes: p.outcomes,
    usage,
  };
}

function describe(r: PathResult): string {
  const l = r.latenciesMs;
  const o = r.outcomes;
  return `${r.path} ${(r.completed / r.seconds).toFixed(0)}/s, p50 ${pct(l, 50).toFixed(2)} p99 ${pct(l, 99).toFixed(2)} ms, ok ${o.ok} refused ${o.refused} errors ${o.errors}${o.first ? ` (${o.first})` : ''}`;
}

async function runWorkload(
  workload: Workload,
  store: string,
  storeConfig: Record<string, unknown>,
  dir: string,
  cli: string,
  picker: CodePicker | null,
  unitsPerDrug: number
): Promise<void> {
  const label = `${workload} [${store}]`;
  const sandbox = await startSandboxProcess(cli);
  const profileDir = values.profile ? join(values.profile, `${workload}-${store}`) : undefined;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
  }
  let server;
  try {
    server = await startServer(storeConfig, join(dir, `tracegate-${store}.yaml`), cli, profileDir, {
      insurance: {
        upstream: { baseUrl: sandbox.url },
        proxy: { mode: MODE },
        outbox: { enabled: OUTBOX },
      },
    });
  } catch (e) {
    await sandbox.stop();
    throw e;
  }
  try {
    log(`${label}: sandbox ${sandbox.url} (pid ${sandbox.pid}), tracegate ${server.url} (pid ${server.pid})`);
    let direct: BodySource;
    let proxied: BodySource;
    if (workload === 'pass-through') {
      direct = passThroughBodies();
      proxied = passThroughBodies();
    } else {
      if (!picker) {
        throw new Error('checked sales need a pre-filled ledger');
      }
      direct = saleBodies({ kind: 'look-alike', firstUnit: unitsPerDrug + 1 });
      proxied = saleBodies({ kind: 'ledger', picker });
    }
    const urls = { direct: `${sandbox.url}${SERVICE_PATH}`, proxied: `${server.url}${SERVICE_PATH}` };
    const meters = { serverCpuSeconds: () => server.cpuSeconds(), sandboxCpuSeconds: () => sandbox.cpuSeconds() };
    const okAll = emptyOutcomes();

    if (WARMUP > 0) {
      const warm = [
        new UnthrottledPath('direct', urls.direct, direct, CONNECTIONS),
        new UnthrottledPath('proxied', urls.proxied, proxied, CONNECTIONS),
      ] as const;
      await sideBySide(warm, 2, (p) => p.slice(WARMUP / 2), meters);
      for (const p of warm) {
        addOutcomes(okAll, p.outcomes);
        log(`  ${label} warm-up ${describe(resultOf(p, 'unthrottled', null, {} as Usage))}`);
      }
    }
    server.resetPeak();
    sandbox.resetPeak();

    const rows: PathResult[] = [];
    for (const rate of RATES) {
      const paced = [
        new PacedPath('direct', urls.direct, direct, CONNECTIONS),
        new PacedPath('proxied', urls.proxied, proxied, CONNECTIONS),
      ] as const;
      try {
        const usage = await sideBySide(paced, Math.ceil(SECONDS / SLICE), (p) => p.slice(SLICE, rate), meters);
        for (const p of paced) {
          const row = resultOf(p, 'paced', rate, usage.get(p.name) as Usage, p.slices());
          rows.push(row);
          addOutcomes(okAll, p.outcomes);
          log(`  ${label} paced ${rate}/s ${describe(row)}`);
        }
      } finally {
        for (const p of paced) {
          p.close();
        }
      }
    }

    const max = [
      new UnthrottledPath('direct', urls.direct, direct, CONNECTIONS),
      new UnthrottledPath('proxied', urls.proxied, proxied, CONNECTIONS),
    ] as const;
    const usage = await sideBySide(max, Math.ceil(MAX_SECONDS / MAX_SLICE), (p) => p.slice(MAX_SLICE), meters);
    for (const p of max) {
      const row = resultOf(p, 'unthrottled', null, usage.get(p.name) as Usage);
      rows.push(row);
      addOutcomes(okAll, p.outcomes);
      log(`  ${label} unthrottled ${describe(row)}`);
    }
    // Let requests still inside the server when autocannon hung up finish before the counts are read.
    await new Promise((r) => setTimeout(r, 1000));
    results.push({
      workload,
      store,
      rows,
      serverPeakRssMb: server.peakRssMb(),
      sandboxPeakRssMb: sandbox.peakRssMb(),
      okAll: okAll.ok,
      sandbox: await sandbox.stats(),
    });
  } finally {
    await server.stop();
    await sandbox.stop();
  }
  if (profileDir) {
    profiles.push(`${label}: ${summarizeProfile(profileDir)}`);
  }
}

async function benchStore(
  store: string,
  storeConfig: Record<string, unknown>,
  dir: string,
  cli: string,
  first: boolean
): Promise<void> {
  let picker: CodePicker | null = null;
  let unitsPerDrug = 0;
  if (WORKLOADS.includes('checked')) {
    log(`${store}: pre-filling ${CODES.toLocaleString('en-US')} codes`);
    const knexStore = await KnexStore.open(storeConfig as unknown as Parameters<typeof KnexStore.open>[0]);
    try {
      const filled = await prefill(knexStore, CODES, log);
      log(`${store}: ${filled.received.toLocaleString('en-US')} codes in ${filled.seconds.toFixed(0)} s`);
      unitsPerDrug = filled.unitsPerDrug;
      picker = new CodePicker(unitsPerDrug);
    } finally {
      await knexStore.close();
    }
  }
  for (const workload of WORKLOADS) {
    if (workload === 'pass-through' && !first) {
      continue;
    }
    if (workload !== 'pass-through' && workload !== 'checked') {
      throw new Error(`unknown workload ${String(workload)} (pass-through, checked)`);
    }
    await runWorkload(workload, store, storeConfig, dir, cli, picker, unitsPerDrug);
  }
}

/**
 * The added pth percentile within each pair of neighbouring turns, and the median over the pairs: a burst of
 * noise from the shared machine that hit one turn moves the pooled p99 but not this. NaN for unthrottled runs.
 */
function medianTurnAdded(direct: Float64Array[], proxied: Float64Array[], p: number): number {
  const diffs = direct
    .map((d, i) => pct(proxied[i] ?? new Float64Array(), p) - pct(d, p))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return diffs.length === 0 ? NaN : (diffs[Math.floor((diffs.length - 1) / 2)] ?? NaN);
}

function printTables(): void {
  const f = (n: number): string => Math.round(n).toLocaleString('en-US');
  const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');
  const perReq = (s: number, n: number): string => ((s * 1000) / Math.max(1, n)).toFixed(2);
  const storeOf = (w: WorkloadResult): string => (w.workload === 'pass-through' ? `– (${w.store} server)` : w.store);
  const phaseOf = (r: PathResult): string => (r.phase === 'paced' ? `paced ${f(r.rate ?? 0)}/s` : 'unthrottled');
  console.log(
    `\nNode ${process.version}; ${CONNECTIONS} connections per path; paced ${RATES.join(' and ')} req/s (Poisson) for ${SECONDS} s per path in ${SLICE} s turns; unthrottled ${MAX_SECONDS} s per path in ${MAX_SLICE} s turns; proxy mode ${MODE}, outbox ${OUTBOX ? 'on' : 'off'}; checked: ${CODES.toLocaleString('en-US')} codes pre-filled (${DRUGS} drugs), 3505 of 1 or 2 packs (1.5 codes per request)\n`
  );
  console.log(
    '| workload | store | phase | path | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | ok | refused | errors | tracegate CPU ms/req | sandbox CPU ms/req | load generator CPU ms/req | machine CPU busy |'
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const w of results) {
    for (const r of w.rows) {
      const l = r.latenciesMs;
      console.log(
        `| ${w.workload} | ${storeOf(w)} | ${phaseOf(r)} | ${r.path} | ${f(r.completed / r.seconds)} | ${ms(pct(l, 50))} | ${ms(pct(l, 90))} | ${ms(pct(l, 99))} | ${ms(l.at(-1) ?? NaN)} | ${r.outcomes.ok} | ${r.outcomes.refused} | ${r.outcomes.errors} | ${perReq(r.usage.serverCpuS, r.completed)} | ${perReq(r.usage.sandboxCpuS, r.completed)} | ${perReq(r.usage.clientCpuS, r.completed)} | ${Math.round(machineBusy(r.usage) * 100)} % |`
      );
    }
  }
  console.log(
    `\n| workload | store | phase | added p50 ms | added p90 ms | added p99 ms | added max ms | added p99 ms, median of turn pairs | p99 added ≤ ${TARGET_P99_ADDED_MS} ms | req/s direct / proxied | tracegate CPU ms/req | refused + errors |`
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const w of results) {
    for (const p of w.rows.filter((r) => r.path === 'proxied')) {
      const d = w.rows.find((r) => r.path === 'direct' && r.phase === p.phase && r.rate === p.rate);
      if (!d) {
        continue;
      }
      const added = (q: number): number => pct(p.latenciesMs, q) - pct(d.latenciesMs, q);
      const maxAdded = (p.latenciesMs.at(-1) ?? NaN) - (d.latenciesMs.at(-1) ?? NaN);
      const bad = p.outcomes.refused + p.outcomes.errors + d.outcomes.refused + d.outcomes.errors;
      const verdict = bad > 0 ? 'run had errors' : added(99) <= TARGET_P99_ADDED_MS ? 'met' : 'missed';
      console.log(
        `| ${w.workload} | ${storeOf(w)} | ${phaseOf(p)} | ${ms(added(50))} | ${ms(added(90))} | ${ms(added(99))} | ${ms(maxAdded)} | ${ms(medianTurnAdded(d.turns, p.turns, 99))} | ${p.phase === 'paced' ? verdict : '–'} | ${f(d.completed / d.seconds)} / ${f(p.completed / p.seconds)} | ${perReq(p.usage.serverCpuS, p.completed)} | ${bad} |`
      );
    }
  }
  const inFlightAtStop = CONNECTIONS * (2 + Math.ceil(MAX_SECONDS / MAX_SLICE)) * 2;
  console.log(
    `\nSandbox check (whole workload, warm-up included; autocannon stops with up to ${CONNECTIONS} requests per path in flight, whose answers it does not count: up to ${inFlightAtStop} per workload):\n`
  );
  for (const w of results) {
    const s = w.sandbox;
    const sales = s.requests.byInfno['3505'] ?? 0;
    console.log(
      `- ${w.workload} [${w.store}]: sandbox answered ${f(s.requests.total)} requests (${f(sales)} × 3505), recorded ${f(s.rows.recorded)} rows, refused ${s.rows.refused} rows, ${s.envelopeErrors.total} envelope errors, ${s.bchnoReceivedMoreThanOnce.length} bchno received twice; the load generator counted ${f(w.okAll)} answers with infcode 0; tracegate peak RSS ${f(w.serverPeakRssMb)} MB, sandbox ${f(w.sandboxPeakRssMb)} MB`
    );
  }
}

async function main(): Promise<void> {
  const dir = join('.bench', `proxy-${process.pid}`);
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
  try {
    if (MODE !== 'sync' && MODE !== 'store-and-forward') {
      throw new Error(`--mode ${MODE}: sync or store-and-forward`);
    }
    let cli = 'plugin/cli.ts';
    if (values.server === 'compiled') {
      log('compiling the server (tsc -p tsconfig.build.json)');
      cli = compileServer(join(dir, 'dist'));
    } else if (values.server !== 'tsx') {
      throw new Error(`--server ${values.server}: compiled or tsx`);
    }
    const stores = values.stores.split(',');
    for (const [i, name] of stores.entries()) {
      if (name === 'sqlite') {
        const file = join(dir, 'ledger.sqlite');
        await benchStore(name, { client: 'sqlite', filename: file }, dir, cli, i === 0);
        rmSync(file, { force: true });
      } else if (name === 'postgres') {
        scratch = await createScratchDatabase('postgres');
        const config = Object.fromEntries(Object.entries(scratch.config).filter(([, v]) => v !== undefined));
        await benchStore(name, config, dir, cli, i === 0);
        await scratch.drop();
        scratch = undefined;
      } else {
        throw new Error(`unknown store ${name} (sqlite, postgres)`);
      }
    }
  } finally {
    await cleanup();
  }
  printTables();
  for (const p of profiles) {
    console.log(`\n${p}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
