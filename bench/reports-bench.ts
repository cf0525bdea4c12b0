/**
 * Reconciliation, anomalies and the dashboard over a large ledger (issue 6). Not a test: the numbers depend on the
 * machine.
 *   npm run bench:reports -- [--codes 10000000] [--keep-db NAME] [--skip-seed] [--runs 5] [--page-loads 5]
 *                            [--session-days 90] [--drug D0007] [--skip-small] [--skip-api] [--server compiled|tsx]
 * Smoke run: npm run bench:reports -- --codes 200000 --runs 2 --page-loads 2
 * Again on a kept ledger: npm run bench:reports -- --keep-db NAME --skip-seed [--skip-api: the page loads only]
 *
 * 1. A PostgreSQL database (a scratch one, dropped at the end; or --keep-db NAME on the test server, created when
 *    missing and kept, so a seeded ledger can be measured again with --skip-seed) is migrated by tracegate and
 *    seeded with SQL (bench/reports/seed-ledger.ts: 1,000 drugs, --codes codes with a year of events, uploads,
 *    sessions, refusals, book stock) — minutes, where the HTTP path would take hours.
 * 2. `tracegate serve`, compiled, as a process of its own on that database (daily anomaly run and upload sender
 *    off, so nothing runs beside the calls measured), is asked over HTTP, each call --runs times: the all-drugs
 *    reconciliation today, as of yesterday, as of 30 days back and with its window since the first day of data; one
 *    drug with its codes; a page of codes; CSV and XLSX of the all-drugs report; an anomaly run; the anomaly list;
 *    the 30-day daily report and anomaly trend; the upload counts. Median, max, size, server CPU and peak RSS.
 * 3. The dashboard (/ui/dashboard.html) in Debian Chromium (playwright-core), pharmacy-head token in localStorage,
 *    timed until every section has rendered, --page-loads cold and warm loads.
 * 4. Unless --skip-small: the same dashboard on a demo-sized store (a PostgreSQL scratch database with tracegate's
 *    demo data and the pharmacy head's demo day: book stock, variance, anomalies), which shows what the page itself
 *    costs.
 * Prints Markdown for BENCHMARKS.md on stdout, progress on stderr.
 */
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { KnexStore } from '../adapters/store/knex-store.js';
import type { StoreConfig } from '../adapters/store/knex-config.js';
import { createScratchDatabase, testStoreConfig } from '../test/support/databases.js';
import type { ScratchDatabase } from '../test/support/databases.js';
import type { PageLoad, Section } from './reports/dashboard-load.js';
import { launchBrowser, measureDashboard, SECTION_NAMES } from './reports/dashboard-load.js';
import type { CallSpec, CallTiming } from './reports/http-timings.js';
import { median, timeCall } from './reports/http-timings.js';
import type { SeedResult } from './reports/seed-ledger.js';
import { seedLedger, shanghaiDay } from './reports/seed-ledger.js';
import { compileServer, startServer } from './scan/server-process.js';
import type { ServerProcess } from './scan/server-process.js';

const { values } = parseArgs({
  options: {
    codes: { type: 'string', default: '10000000' },
    'keep-db': { type: 'string' },
    'skip-seed': { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    'page-loads': { type: 'string', default: '5' },
    'session-days': { type: 'string', default: '90' },
    drug: { type: 'string', default: 'D0007' },
    'skip-small': { type: 'boolean', default: false },
    'skip-api': { type: 'boolean', default: false },
    server: { type: 'string', default: 'compiled' },
  },
});
const CODES = Number(values.codes);
const RUNS = Number(values.runs);
const PAGE_LOADS = Number(values['page-loads']);
const SESSION_DAYS = Number(values['session-days']);
const DRUG = values.drug;
const HEAD_TOKEN = 'bench-pharmacy-head-token-0001';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const f0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '–');
const kb = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${f0(n / 1024)} KB`);

function pgConnection(config: StoreConfig): pg.ClientConfig {
  const c = config as unknown as Record<string, unknown>;
  return {
    host: c.host as string,
    port: c.port as number,
    user: c.user as string | undefined,
    password: c.password as string | undefined,
    database: c.database as string,
  };
}

/** --keep-db: the named database on the test server, created when missing. */
async function keptDatabase(name: string): Promise<StoreConfig> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`--keep-db ${name}: lower-case letters, digits and _ only`);
  }
  const admin = new pg.Client(pgConnection(testStoreConfig('postgres')));
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      log(`creating database ${name}`);
      await admin.query(`create database ${name} encoding 'UTF8' template template0`);
    }
  } finally {
    await admin.end();
  }
  return testStoreConfig('postgres', name);
}

interface Shape {
  tables: { table: string; rows: number; bytes: number }[];
  databaseBytes: number;
  firstEvent: string;
  lastEvent: string;
  packsByState: Record<string, number>;
  uploadsByInfno: Record<string, number>;
  auditByCode: Record<string, number>;
  sessions: { dispense: number; return: number; agents: number; overQuantity: number };
}

async function describeShape(config: StoreConfig): Promise<Shape> {
  const client = new pg.Client(pgConnection(config));
  await client.connect();
  try {
    const tables: Shape['tables'] = [];
    for (const table of [
      'tg_drugs',
      'tg_packs',
      'tg_pack_events',
      'tg_business_rows',
      'tg_upload_keys',
      'tg_sessions',
      'tg_audit',
      'tg_book_stock',
    ]) {
      const r = await client.query(
        `select count(*)::bigint as n, pg_total_relation_size('${table}')::bigint as bytes from ${table}`
      );
      tables.push({ table, rows: Number(r.rows[0].n), bytes: Number(r.rows[0].bytes) });
    }
    const size = await client.query('select pg_database_size(current_database())::bigint as b');
    const span = await client.query('select min(occurred_at) as a, max(occurred_at) as b from tg_pack_events');
    const grouped = async (sql: string): Promise<Record<string, number>> =>
      Object.fromEntries((await client.query(sql)).rows.map((r: { k: string; n: string }) => [r.k, Number(r.n)]));
    const sessions = await client.query(
      `select count(*) filter (where kind = 'dispense') as d, count(*) filter (where kind = 'return') as r,
        count(distinct contact) as agents, count(*) filter (where max_boxes > 12) as big from tg_sessions`
    );
    return {
      tables,
      databaseBytes: Number(size.rows[0].b),
      firstEvent: String(span.rows[0].a),
      lastEvent: String(span.rows[0].b),
      packsByState: await grouped('select state as k, count(*) as n from tg_packs group by state order by 2 desc'),
      uploadsByInfno: await grouped(
        `select infno || ' ' || state as k, count(*) as n from tg_business_rows group by infno, state order by 1`
      ),
      auditByCode: await grouped('select code as k, count(*) as n from tg_audit group by code order by 2 desc'),
      sessions: {
        dispense: Number(sessions.rows[0].d),
        return: Number(sessions.rows[0].r),
        agents: Number(sessions.rows[0].agents),
        overQuantity: Number(sessions.rows[0].big),
      },
    };
  } finally {
    await client.end();
  }
}

function serverConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    auth: {
      tokens: [
        { name: '药剂科 bench', token: HEAD_TOKEN, roles: ['pharmacy-head'] },
        { name: 'bench HIS 接口', token: 'bench-integration-token-0001', roles: ['integration'] },
      ],
    },
    // Nothing in the background beside the calls measured.
    reports: { anomalies: { enabled: false } },
    insurance: { outbox: { enabled: false } },
    ...extra,
  };
}

const storeOf = (config: StoreConfig): Record<string, unknown> =>
  Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));

function calls(today: Date, firstDay: string): CallSpec[] {
  const yesterday = shanghaiDay(new Date(today.getTime() - 86_400_000));
  const monthAgo = shanghaiDay(new Date(today.getTime() - 30 * 86_400_000));
  const r = '/reports/reconciliation';
  return [
    { label: 'reconciliation, all drugs, today', method: 'GET', path: r },
    {
      label: `reconciliation, all drugs, as of yesterday (${yesterday})`,
      method: 'GET',
      path: `${r}?asOf=${yesterday}`,
    },
    {
      label: `reconciliation, all drugs, as of 30 days back (${monthAgo})`,
      method: 'GET',
      path: `${r}?asOf=${monthAgo}`,
    },
    {
      label: `reconciliation, all drugs, window since the first day (${firstDay})`,
      method: 'GET',
      path: `${r}?since=${firstDay}`,
    },
    { label: `reconciliation, one drug (${DRUG}) with 5 codes per category`, method: 'GET', path: `${r}?drug=${DRUG}` },
    {
      label: `codes page: ${DRUG} in stock, 100`,
      method: 'GET',
      path: `${r}/${DRUG}/codes?category=in_stock&limit=100`,
    },
    {
      label: `codes page: ${DRUG} dispensed never received, 100`,
      method: 'GET',
      path: `${r}/${DRUG}/codes?category=dispensed_never_received&limit=100`,
    },
    { label: 'all-drugs report as CSV', method: 'GET', path: `${r}?format=csv` },
    { label: 'all-drugs report as XLSX', method: 'GET', path: `${r}?format=xlsx` },
    { label: 'anomaly run (POST /anomalies/runs)', method: 'POST', path: '/anomalies/runs', body: {} },
    { label: 'anomaly list (open, as the dashboard asks)', method: 'GET', path: '/anomalies?status=open' },
    { label: 'daily report, 30 days', method: 'GET', path: '/reports/daily?days=30' },
    { label: 'anomaly trend, 30 days', method: 'GET', path: '/anomalies/trend?days=30' },
    { label: 'upload counts (GET /uploads?limit=1, the dashboard)', method: 'GET', path: '/uploads?limit=1' },
  ];
}

/** What a response says, for the table's last column. */
function describe(t: CallTiming): string {
  const body = t.last as Record<string, any> | null;
  if (!body) {
    return '';
  }
  if (Array.isArray(body.drugs)) {
    const tot = body.totals ?? {};
    return `${body.drugs.length} drugs, basis ${body.basis}, variance ${tot.variance}, unexplained ${tot.unexplained}`;
  }
  if (Array.isArray(body.codes)) {
    return `${body.codes.length} codes`;
  }
  if (body.run) {
    const c = body.run.counts ?? {};
    return `${body.run.state}; by type ${JSON.stringify(c.byType ?? {})}; by risk ${JSON.stringify(c.byRisk ?? {})}`;
  }
  if (Array.isArray(body.anomalies)) {
    return `${body.anomalies.length} listed of ${body.counts?.total}`;
  }
  if (Array.isArray(body.days)) {
    return `${body.days.length} days`;
  }
  if (body.counts) {
    return JSON.stringify(body.counts);
  }
  return '';
}

interface DashboardResult {
  store: string;
  cold: PageLoad[];
  warm: PageLoad[];
  serverPeakRssMb: number;
}

function printDashboard(rows: DashboardResult[]): void {
  console.log(
    `\n### Dashboard page load (/ui/dashboard.html, Debian Chromium headless, ${PAGE_LOADS} loads each; median / max ms)\n`
  );
  console.log(
    `| store | load | total (every section rendered) | DOMContentLoaded | all-drugs report's response in | ${SECTION_NAMES.join(' | ')} | variance rows | anomaly rows | errors | server peak RSS MB |`
  );
  console.log(`|---|---|---|---|---|${SECTION_NAMES.map(() => '---|').join('')}---|---|---|---|`);
  for (const r of rows) {
    for (const [kind, loads] of [
      ['cold', r.cold],
      ['warm', r.warm],
    ] as const) {
      const mm = (xs: number[]) => `${f0(median(xs))} / ${f0(Math.max(...xs))}`;
      const sec = (s: Section) => mm(loads.map((l) => l.sections[s]));
      const errors = [...new Set(loads.flatMap((l) => l.errors))];
      console.log(
        `| ${r.store} | ${kind} | ${mm(loads.map((l) => l.totalMs))} | ${mm(loads.map((l) => l.domContentLoadedMs))} | ${mm(loads.map((l) => l.reconciliationResponseMs))} | ${SECTION_NAMES.map(sec).join(' | ')} | ${loads.at(-1)?.varianceRows ?? '–'} | ${loads.at(-1)?.anomalyRows ?? '–'} | ${errors.length === 0 ? 'none' : errors.join('; ').slice(0, 200)} | ${f0(r.serverPeakRssMb)} |`
      );
    }
  }
}

async function main(): Promise<void> {
  const dir = join('.bench', `reports-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const scratches: ScratchDatabase[] = [];
  const servers: ServerProcess[] = [];
  const cleanup = async (): Promise<void> => {
    for (const s of servers.splice(0)) {
      await s.stop().catch(() => undefined);
    }
    for (const s of scratches.splice(0)) {
      await s.drop().catch((e: unknown) => log(`could not drop a scratch database: ${String(e)}`));
    }
    // The links go first, so nothing could ever follow them.
    rmSync(join(dir, 'dist', 'node_modules'), { force: true });
    rmSync(join(dir, 'dist', 'adapters', 'http', 'pages'), { force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  let seed: SeedResult | null = null;
  let shape: Shape;
  const timings: CallTiming[] = [];
  const dashboards: DashboardResult[] = [];
  let bigPeakRss: number;
  let dbName: string;
  const started = new Date();
  try {
    let cli = 'plugin/cli.ts';
    if (values.server === 'compiled') {
      log('compiling the server (tsc -p tsconfig.build.json)');
      cli = compileServer(join(dir, 'dist'));
      // tsc copies no static files; the compiled server looks for its pages beside its routes.
      symlinkSync(resolve('adapters/http/pages'), join(dir, 'dist', 'adapters', 'http', 'pages'), 'dir');
    } else if (values.server !== 'tsx') {
      throw new Error(`--server ${values.server}: compiled or tsx`);
    }

    let config: StoreConfig;
    if (values['keep-db']) {
      config = await keptDatabase(values['keep-db']);
    } else {
      if (values['skip-seed']) {
        throw new Error('--skip-seed needs --keep-db NAME (a scratch database starts empty)');
      }
      const scratch = await createScratchDatabase('postgres');
      scratches.push(scratch);
      config = scratch.config;
    }
    dbName = String((config as { database?: string }).database);

    if (!values['skip-seed']) {
      const store = await KnexStore.open(config);
      try {
        await store.migrateLatest();
        const [row] = await store.knex('tg_packs').count({ n: '*' });
        const n = Number(row?.n ?? 0);
        if (n > 0) {
          throw new Error(`database ${dbName} already holds ${n} packs: pass --skip-seed to measure it as it is`);
        }
      } finally {
        await store.close();
      }
      log(`seeding ${CODES.toLocaleString('en-US')} codes into ${dbName}`);
      seed = await seedLedger(pgConnection(config), {
        codes: CODES,
        now: new Date(Date.now() - 5 * 60_000).toISOString(),
        sessionDays: SESSION_DAYS,
        log,
      });
    }
    shape = await describeShape(config);
    const firstDay = shanghaiDay(new Date(shape.firstEvent));

    log('starting tracegate serve on it');
    const server = await startServer(storeOf(config), join(dir, 'big.yaml'), cli, undefined, serverConfig());
    servers.push(server);
    log(`server RSS after start: ${f0(server.currentRssMb())} MB`);
    for (const spec of values['skip-api'] ? [] : calls(new Date(), firstDay)) {
      log(`  ${spec.label}`);
      const t = await timeCall(server.url, HEAD_TOKEN, spec, RUNS, server);
      log(`    median ${f0(t.medianMs)} ms, max ${f0(t.maxMs)} ms; ${describe(t)}`);
      timings.push(t);
    }
    log('dashboard on the large store');
    const browser = await launchBrowser();
    try {
      server.resetPeak();
      const big = await measureDashboard(browser, server.url, HEAD_TOKEN, PAGE_LOADS);
      dashboards.push({
        store: `${(seed?.codes ?? shape.tables[1]!.rows).toLocaleString('en-US')} codes`,
        ...big,
        serverPeakRssMb: server.peakRssMb(),
      });
      bigPeakRss = Math.max(...timings.map((t) => t.serverPeakRssMb), server.peakRssMb());
      await server.stop();
      servers.splice(servers.indexOf(server), 1);

      if (!values['skip-small']) {
        log('dashboard on a demo-sized store');
        const scratch = await createScratchDatabase('postgres');
        scratches.push(scratch);
        const small = await startServer(
          storeOf(scratch.config),
          join(dir, 'small.yaml'),
          cli,
          undefined,
          serverConfig({ demo: { loadWhenEmpty: true, pharmacyHeadDay: true } })
        );
        servers.push(small);
        await timeCall(small.url, HEAD_TOKEN, calls(new Date(), firstDay)[9]!, 1, small);
        small.resetPeak();
        const demo = await measureDashboard(browser, small.url, HEAD_TOKEN, PAGE_LOADS);
        dashboards.push({ store: 'demo data', ...demo, serverPeakRssMb: small.peakRssMb() });
      }
    } finally {
      await browser.close();
    }
  } finally {
    await cleanup();
  }

  const finished = new Date();
  console.log(
    `\n### Reconciliation, anomalies and the dashboard\n\nCommand: \`npm run bench:reports -- ${process.argv.slice(2).join(' ')}\`; ${started.toISOString()} – ${finished.toISOString()}; Node ${process.version}; database ${values['keep-db'] ? `${dbName} (kept)` : 'a scratch database (dropped)'}.\n`
  );
  if (seed) {
    console.log('Seeding (SQL, bench/reports/seed-ledger.ts):\n');
    console.log('| step | rows | seconds |\n|---|---|---|');
    for (const s of seed.steps) {
      console.log(`| ${s.step} | ${s.rows === null ? '' : f0(s.rows)} | ${f1(s.seconds)} |`);
    }
    console.log(`| total | | ${f1(seed.steps.reduce((a, s) => a + s.seconds, 0))} |`);
  }
  console.log(
    `\nShape: events ${shape.firstEvent} – ${shape.lastEvent}; database ${kb(shape.databaseBytes)}.\n\n| table | rows | size with indexes |\n|---|---|---|`
  );
  for (const t of shape.tables) {
    console.log(`| ${t.table} | ${f0(t.rows)} | ${kb(t.bytes)} |`);
  }
  console.log(`\n- packs by state: ${JSON.stringify(shape.packsByState)}`);
  console.log(`- business rows by infno and state: ${JSON.stringify(shape.uploadsByInfno)}`);
  console.log(`- refusals by code: ${JSON.stringify(shape.auditByCode)}`);
  console.log(
    `- sessions: ${f0(shape.sessions.dispense)} dispenses, ${f0(shape.sessions.return)} returns, ${shape.sessions.agents} agent contacts, ${f0(shape.sessions.overQuantity)} with more than 12 boxes on a line`
  );
  if (timings.length > 0) {
    console.log(
      `\n### API over HTTP (${RUNS} runs each; server peak RSS over everything: ${f0(bigPeakRss)} MB)\n\n| call | first ms | median ms | max ms | response | server CPU ms/call | server peak RSS MB | what it answered |\n|---|---|---|---|---|---|---|---|`
    );
  }
  for (const t of timings) {
    console.log(
      `| ${t.label} | ${f0(t.firstMs)} | ${f0(t.medianMs)} | ${f0(t.maxMs)} | ${kb(t.bytes)} | ${f0(t.serverCpuMs)} | ${f0(t.serverPeakRssMb)} | ${describe(t)} |`
    );
  }
  printDashboard(dashboards);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
