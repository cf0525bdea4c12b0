/**
 * The HIS channels under load (issue 5). Not a test: the numbers depend on the machine.
 *   npm run bench:channels -- [--parts hl7,his-db] [--stores sqlite,postgres] [--connections 1,4] [--seconds 20]
 *                             [--slice 5] [--warmup 3] [--codes-per-message 2] [--db-rates 2,10] [--db-seconds 60]
 *                             [--poll-ms 1000] [--batch-size 200] [--idle-seconds 5] [--server compiled|tsx]
 * Smoke run: npm run bench:channels -- --seconds 2 --slice 1 --warmup 1 --db-rates 5 --db-seconds 4 --idle-seconds 1
 *
 * Part A (hl7): HL7 RDS^O13 through MLLP, each connection sending one message at a time and waiting for its ACK
 * (as a HIS interface engine does). One `tracegate serve` per store (SQLite file, PostgreSQL scratch database),
 * compiled, each a process of its own with one HL7 channel; the store × connections paths take turns of --slice s
 * until each had --seconds (bench/channels/turns.ts), after a --warmup per path. Every ACK must be AA naming the
 * message's MSH-10. Reports messages/s, ACK latency, the server's CPU per message and its peak RSS.
 *
 * Part B (his-db): a PostgreSQL scratch database as the HIS (test/fixtures/his-db), tracegate (SQLite store) polling
 * it every --poll-ms with batchSize --batch-size; dispense events written at each rate of --db-rates (events/s,
 * Poisson) for --db-seconds. Lag per event = trace_time (set by the write-back, HIS clock) − created_at (the HIS's
 * insert, HIS clock). See bench/channels/his-db-part.ts.
 *
 * Both parts run tracegate with `window.businessRows: hold`: the insurance outbox builds and sends no 35xx rows,
 * so what is measured is the channel, the window decision and the ledger, not the upload. Prints Markdown tables
 * for BENCHMARKS.md on stdout, progress on stderr.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createScratchDatabase } from '../test/support/databases.js';
import type { ScratchDatabase } from '../test/support/databases.js';
import type { HisDbResult } from './channels/his-db-part.js';
import { runHisDbPart } from './channels/his-db-part.js';
import type { Hl7Result } from './channels/hl7-part.js';
import { runHl7Part } from './channels/hl7-part.js';
import { notOk } from './channels/mllp-path.js';
import { machineBusy } from './channels/turns.js';
import { pct } from './scan/load.js';
import { compileServer } from './scan/server-process.js';
import { inboundByState } from './channels/store-reader.js';

const { values } = parseArgs({
  options: {
    parts: { type: 'string', default: 'hl7,his-db' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    connections: { type: 'string', default: '1,4' },
    seconds: { type: 'string', default: '20' },
    slice: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    'codes-per-message': { type: 'string', default: '2' },
    'db-rates': { type: 'string', default: '2,10' },
    'db-seconds': { type: 'string', default: '60' },
    'poll-ms': { type: 'string', default: '1000' },
    'batch-size': { type: 'string', default: '200' },
    'idle-seconds': { type: 'string', default: '5' },
    server: { type: 'string', default: 'compiled' },
  },
});
const PARTS = values.parts.split(',');
const STORES = values.stores.split(',');
const CONNECTIONS = values.connections.split(',').map(Number);
const SECONDS = Number(values.seconds);
const SLICE = Math.min(Number(values.slice), SECONDS);
const WARMUP = Number(values.warmup);
const CODES_PER_MESSAGE = Number(values['codes-per-message']);
const DB_RATES = values['db-rates'].split(',').map(Number);
const DB_SECONDS = Number(values['db-seconds']);
const POLL_MS = Number(values['poll-ms']);
const BATCH_SIZE = Number(values['batch-size']);
const IDLE_SECONDS = Number(values['idle-seconds']);

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const f0 = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');
const perItem = (s: number, n: number): string => ((s * 1000) / Math.max(1, n)).toFixed(2);

const states = (byState: Record<string, number>): string =>
  Object.entries(byState)
    .map(([s, n]) => `${n.toLocaleString('en-US')} ${s}`)
    .join(', ') || 'none';

function printHl7(r: Hl7Result): void {
  console.log(
    `\n### HL7 RDS^O13 through MLLP with ACK\n\nNode ${process.version}; one message at a time per connection (send, wait for the ACK, send the next); ${CODES_PER_MESSAGE} codes per message (one RXD line, codes in ZTC), every message a new prescription with new codes; paths take turns of ${SLICE} s until each had ${SECONDS} s, after a ${WARMUP} s warm-up each (not reported).\n`
  );
  console.log(
    '| store | connections | messages | messages/s | ACK p50 ms | ACK p95 ms | ACK p99 ms | ACK max ms | AA | not AA | server CPU ms/message | load generator CPU ms/message | machine CPU busy | server peak RSS MB |'
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of r.rows) {
    const l = row.latenciesMs;
    console.log(
      `| ${row.store} | ${row.connections} | ${f0(l.length)} | ${f0(l.length / row.seconds)} | ${f2(pct(l, 50))} | ${f2(pct(l, 95))} | ${f2(pct(l, 99))} | ${f2(l.at(-1) ?? NaN)} | ${f0(row.outcomes.ok)} | ${f0(notOk(row.outcomes))} | ${perItem(row.usage.serverCpuS, l.length)} | ${perItem(row.usage.clientCpuS, l.length)} | ${Math.round(machineBusy(row.usage) * 100)} % | ${f0(row.usage.serverPeakRssMb)} |`
    );
  }
  console.log('');
  for (const row of r.rows) {
    const bad = [...row.outcomes.other, ...row.warmupOutcomes.other];
    if (bad.length > 0) {
      console.log(
        `- ${row.store} × ${row.connections}: not AA: ${bad.map(([k, n]) => `${n} ${k}`).join(', ')}; first: ${row.outcomes.first ?? row.warmupOutcomes.first}`
      );
    }
  }
  for (const s of r.stored) {
    const rss = r.rss.find((x) => x.store === s.store);
    const sent = r.rows
      .filter((row) => row.store === s.store)
      .reduce((a, row) => a + row.latenciesMs.length + row.warmupOutcomes.ok + notOk(row.warmupOutcomes), 0);
    console.log(
      `- ${s.store}: ${f0(sent)} messages answered (warm-up included); tracegate stored ${states(s.byState)}; server RSS idle ${f0(rss?.idleMb ?? NaN)} MB, at the end ${f0(rss?.endMb ?? NaN)} MB`
    );
  }
}

function printHisDb(r: HisDbResult): void {
  console.log(
    `\n### HIS database channel: polling lag\n\nNode ${process.version}; HIS = PostgreSQL scratch database (test/fixtures/his-db/pg-his.sql, seed events removed), channel ${r.channel} from pg-his-channel.yaml with pollMs ${POLL_MS}, batchSize ${BATCH_SIZE}; tracegate store SQLite; events at Poisson-distributed moments for ${DB_SECONDS} s per rate, one and two boxes alternately (1.5 codes per event), each a one-line prescription; lag = trace_time − created_at (HIS clock). Idle (polling an empty table): ${r.idleCpuMsPerS.toFixed(1)} ms server CPU per second, RSS ${f0(r.idleRssMb)} MB.\n`
  );
  console.log(
    '| events/s | events | lag p50 ms | lag p95 ms | lag p99 ms | lag max ms | lag mean ms | all written back accepted | server CPU ms/event | machine CPU busy | server peak RSS MB |'
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const lagsOf = (
    p: HisDbResult['phases'][number],
    from: 'createdMs' | 'receivedMs' | 'decidedMs',
    to: 'writtenMs' | 'receivedMs' | 'decidedMs'
  ): Float64Array => Float64Array.from(p.events.map((e) => e[to] - e[from]).filter(Number.isFinite)).sort();
  for (const p of r.phases) {
    const l = lagsOf(p, 'createdMs', 'writtenMs');
    const mean = l.reduce((a, b) => a + b, 0) / Math.max(1, l.length);
    const accepted = p.events.filter((e) => e.result === 'accepted').length;
    const allAccepted = accepted === p.events.length ? 'yes' : `no (${accepted} of ${p.events.length})`;
    console.log(
      `| ${p.rate} | ${f0(p.events.length)} | ${f0(pct(l, 50))} | ${f0(pct(l, 95))} | ${f0(pct(l, 99))} | ${f0(l.at(-1) ?? NaN)} | ${f0(mean)} | ${allAccepted} | ${perItem(p.serverCpuS, p.events.length)} | ${Math.round(p.machineBusy * 100)} % | ${f0(p.serverPeakRssMb)} |`
    );
  }
  console.log(
    '\n| events/s | read: created_at → stored by the poll, p50 / p99 / max ms | decide: stored → decided, p50 / p99 / max ms | write-back: decided → trace_time, p50 / p99 / max ms | generator behind schedule (> 100 ms) |'
  );
  console.log('|---|---|---|---|---|');
  for (const p of r.phases) {
    const three = (l: Float64Array): string => `${f0(pct(l, 50))} / ${f0(pct(l, 99))} / ${f0(l.at(-1) ?? NaN)}`;
    console.log(
      `| ${p.rate} | ${three(lagsOf(p, 'createdMs', 'receivedMs'))} | ${three(lagsOf(p, 'receivedMs', 'decidedMs'))} | ${three(lagsOf(p, 'decidedMs', 'writtenMs'))} | ${p.lateInserts} |`
    );
  }
  console.log('');
  for (const p of r.phases) {
    const notAccepted = p.events.filter((e) => e.result !== 'accepted');
    const unmatched = p.events.filter((e) => !Number.isFinite(e.receivedMs)).length;
    console.log(
      `- ${p.rate}/s: ${p.events.length} events, ${p.codes} codes written over ${p.seconds.toFixed(1)} s, all written back ${p.drainSeconds.toFixed(1)} s after the phase began; ${notAccepted.length === 0 ? 'every event accepted' : `not accepted: ${notAccepted.map((e) => `${e.eventId} ${e.result} ${e.code}`).join('; ')}`}${unmatched > 0 ? `; ${unmatched} events not found in tracegate's store` : ''}`
    );
  }
  console.log(
    `- warm-up: ${r.warmup.events} events, ${r.warmup.accepted} accepted; tracegate stored ${states(r.stored)} (warm-up included)`
  );
}

async function main(): Promise<void> {
  const dir = join('.bench', `channels-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const scratches: ScratchDatabase[] = [];
  const cleanup = async (): Promise<void> => {
    for (const s of scratches.splice(0)) {
      await s.drop().catch((e: unknown) => log(`could not drop a scratch database: ${String(e)}`));
    }
    // The link to node_modules goes first, so nothing could ever follow it.
    rmSync(join(dir, 'dist', 'node_modules'), { force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  let hl7: Hl7Result | undefined;
  let hisDb: HisDbResult | undefined;
  try {
    let cli = 'plugin/cli.ts';
    if (values.server === 'compiled') {
      log('compiling the server (tsc -p tsconfig.build.json)');
      cli = compileServer(join(dir, 'dist'));
    } else if (values.server !== 'tsx') {
      throw new Error(`--server ${values.server}: compiled or tsx`);
    }
    for (const part of PARTS) {
      if (part !== 'hl7' && part !== 'his-db') {
        throw new Error(`unknown part ${part} (hl7, his-db)`);
      }
    }

    if (PARTS.includes('hl7')) {
      const stores: { name: string; config: Record<string, unknown> }[] = [];
      for (const name of STORES) {
        if (name === 'sqlite') {
          stores.push({ name, config: { client: 'sqlite', filename: join(dir, 'hl7-ledger.sqlite') } });
        } else if (name === 'postgres') {
          const scratch = await createScratchDatabase('postgres');
          scratches.push(scratch);
          const config = Object.fromEntries(Object.entries(scratch.config).filter(([, v]) => v !== undefined));
          stores.push({ name, config });
        } else {
          throw new Error(`unknown store ${name} (sqlite, postgres)`);
        }
      }
      hl7 = await runHl7Part(
        {
          stores,
          connections: CONNECTIONS,
          seconds: SECONDS,
          slice: SLICE,
          warmup: WARMUP,
          codesPerMessage: CODES_PER_MESSAGE,
          dir,
          cli,
          log,
        },
        (store) => inboundByState(stores.find((s) => s.name === store)?.config ?? {})
      );
    }

    if (PARTS.includes('his-db')) {
      const scratch = await createScratchDatabase('postgres');
      scratches.push(scratch);
      hisDb = await runHisDbPart({
        scratch,
        rates: DB_RATES,
        seconds: DB_SECONDS,
        pollMs: POLL_MS,
        batchSize: BATCH_SIZE,
        idleSeconds: IDLE_SECONDS,
        dir,
        cli,
        log,
      });
    }
  } finally {
    await cleanup();
  }
  if (hl7) {
    printHl7(hl7);
  }
  if (hisDb) {
    printHisDb(hisDb);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
