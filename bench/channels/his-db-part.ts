/**
 * Part B: how long a dispense written into the HIS's tables waits before tracegate's decision is written back.
 * A PostgreSQL scratch database is the HIS (test/fixtures/his-db/pg-his.sql, its seed events removed); tracegate
 * (SQLite store, compiled, a process of its own, `window.businessRows: hold`) polls it with the channel of
 * pg-his-channel.yaml as written, only `connection`, `pollMs` and `batchSize` set here. Its catalog comes from the
 * HIS's drug dictionary through the channel's catalog sync at start (Y0001 阿托伐他汀钙片, unit prefix 8101001).
 *
 * The generator (this process) writes dispense events at Poisson-distributed moments: a one-line prescription
 * (his_rx, his_rx_line) and then its 发药 event (his_dispense_event), one and two boxes alternately, each box a unit
 * code never used before (so the window accepts it as never received here, with a warning). Inserts run one after
 * another; one that falls due while the previous is still running goes right after it. Then it waits until every
 * event has trace_time.
 *
 * Lag = trace_time − created_at, both set by the HIS's clock: created_at by the column default when the event row is
 * inserted, trace_time by the channel's write-back statement (`trace_time = current_timestamp`). From tracegate's
 * own store (tg_inbound_msgs, read after it stops) it splits into: read (created_at → received_at, when the poll
 * stored it: waiting for the next poll plus the query), decide (received_at → updated_at) and write-back
 * (updated_at → trace_time). Same machine, same clock.
 */
import type { Knex } from 'knex';
import { join } from 'node:path';
import { demoCode } from '../../plugin/demo/demo-catalog.js';
import {
  addDispenseEvent,
  addPrescription,
  clearEvents,
  fixtureConfig,
  hisKnex,
  loadHisFixture,
} from '../../test/adapters/his-db/his-db-support.js';
import type { ScratchDatabase } from '../../test/support/databases.js';
import { machineTimes, poissonGap } from '../scan/load.js';
import type { ServerProcess } from '../scan/server-process.js';
import { startServer } from '../scan/server-process.js';
import { inboundByState, inboundTimes } from './store-reader.js';

export interface HisDbOptions {
  scratch: ScratchDatabase;
  rates: number[];
  seconds: number;
  pollMs: number;
  batchSize: number;
  idleSeconds: number;
  dir: string;
  cli: string;
  log: (line: string) => void;
}

export interface EventTimes {
  eventId: string;
  result: string | null;
  code: string | null;
  createdMs: number;
  writtenMs: number;
  /** From tracegate's store; NaN if not found there. */
  receivedMs: number;
  decidedMs: number;
}

export interface RatePhase {
  rate: number;
  events: EventTimes[];
  /** Generation time (first to last insert due), seconds. */
  seconds: number;
  /** From the phase's start until the last event was written back, seconds. */
  drainSeconds: number;
  codes: number;
  serverCpuS: number;
  serverPeakRssMb: number;
  machineBusy: number;
  /** Inserts that went out more than 100 ms after they fell due (the generator fell behind). */
  lateInserts: number;
}

export interface HisDbResult {
  phases: RatePhase[];
  channel: string;
  idleCpuMsPerS: number;
  idleRssMb: number;
  warmup: { events: number; accepted: number };
  stored: Record<string, number>;
}

const FIRST_CODE = 100_000;
const CHANNEL = 'his-pg';

interface Generated {
  ids: string[];
  codes: number;
  late: number;
  seconds: number;
}

class EventWriter {
  private nextCode = FIRST_CODE;
  private seq = 0;

  constructor(private readonly db: Knex) {}

  /** One prescription of one or two boxes (alternately) and its 发药 event; the event id. */
  async dispense(): Promise<{ id: string; codes: number }> {
    this.seq++;
    const boxes = this.seq % 2 === 1 ? 1 : 2;
    const rx = `RXB${String(this.seq).padStart(7, '0')}`;
    const codes = Array.from({ length: boxes }, () => demoCode('8101001', this.nextCode++));
    await addPrescription(this.db, rx, boxes);
    return { id: await addDispenseEvent(this.db, rx, codes), codes: boxes };
  }

  /** Events at Poisson-distributed moments, `rate` per second on average, for `seconds`. */
  async poisson(rate: number, seconds: number): Promise<Generated> {
    const ids: string[] = [];
    let codes = 0;
    let late = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    let due = start + poissonGap(1000 / rate);
    while (due < end) {
      const wait = due - performance.now();
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
      } else if (wait < -100) {
        late++;
      }
      const e = await this.dispense();
      ids.push(e.id);
      codes += e.codes;
      due += poissonGap(1000 / rate);
    }
    return { ids, codes, late, seconds: (performance.now() - start) / 1000 };
  }
}

async function waitWrittenBack(db: Knex, ids: string[], timeoutMs: number): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = (await db('his_dispense_event')
      .whereIn('event_id', ids.map(Number))
      .whereNull('trace_time')
      .count({ n: '*' })) as { n: string | number }[];
    const open = Number(row?.n ?? 0);
    if (open === 0) {
      return;
    }
    if (Date.now() > until) {
      throw new Error(`${open} of ${ids.length} events not written back after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The HIS-side times of these events, ms since the epoch (timestamps without time zone read in the session's). */
async function hisTimes(db: Knex, ids: string[]): Promise<EventTimes[]> {
  if (ids.length === 0) {
    return [];
  }
  const { rows } = (await db.raw(
    `select event_id, trace_result, trace_code,
            extract(epoch from created_at at time zone current_setting('TimeZone')) * 1000 as created_ms,
            extract(epoch from trace_time at time zone current_setting('TimeZone')) * 1000 as written_ms
       from his_dispense_event
      where event_id = any(?::bigint[])
      order by event_id`,
    [ids.map(Number)]
  )) as { rows: Record<string, unknown>[] };
  return rows.map((r) => ({
    eventId: String(r.event_id),
    result: (r.trace_result as string | null) ?? null,
    code: (r.trace_code as string | null) ?? null,
    createdMs: Number(r.created_ms),
    writtenMs: r.written_ms === null ? NaN : Number(r.written_ms),
    receivedMs: NaN,
    decidedMs: NaN,
  }));
}

export async function runHisDbPart(o: HisDbOptions): Promise<HisDbResult> {
  const his = hisKnex('postgres', o.scratch);
  const sqliteFile = join(o.dir, 'tracegate-his-db.sqlite');
  let server: ServerProcess | undefined;
  const phases: RatePhase[] = [];
  const phaseIds: string[][] = [];
  const idle = { cpuMsPerS: 0, rssMb: 0 };
  const warmIds: string[] = [];
  try {
    await loadHisFixture(his, 'postgres');
    await clearEvents(his);
    const { host, port, user, password, database } = o.scratch.config;
    const channel: Record<string, unknown> = {
      ...fixtureConfig('pg-his-channel.yaml'),
      connection: Object.fromEntries(
        Object.entries({ host, port, user, password, database }).filter(([, v]) => v !== undefined)
      ),
      pollMs: o.pollMs,
      batchSize: o.batchSize,
    };
    if (channel.name !== CHANNEL) {
      throw new Error(`pg-his-channel.yaml names its channel ${String(channel.name)}, not ${CHANNEL}`);
    }
    server = await startServer(
      { client: 'sqlite', filename: sqliteFile },
      join(o.dir, 'tracegate-his-db.yaml'),
      o.cli,
      undefined,
      { window: { businessRows: 'hold' }, channels: { hisDb: [channel] } }
    );
    o.log(`his-db: tracegate ${server.url} (pid ${server.pid}) polling ${database} every ${o.pollMs} ms`);
    const writer = new EventWriter(his);

    // Warm-up: a few events, one every half second, all the way to their write-back (catalog synced, JIT warm).
    const warm: string[] = [];
    for (let i = 0; i < 6; i++) {
      warm.push((await writer.dispense()).id);
      await new Promise((r) => setTimeout(r, 500));
    }
    await waitWrittenBack(his, warm, 30_000 + 5 * o.pollMs);
    warmIds.push(...warm);
    o.log(`his-db: warm-up: ${warm.length} events written back`);

    // Idle: what polling an empty table costs.
    await new Promise((r) => setTimeout(r, o.pollMs));
    const idle0 = server.cpuSeconds();
    await new Promise((r) => setTimeout(r, o.idleSeconds * 1000));
    idle.cpuMsPerS = ((server.cpuSeconds() - idle0) * 1000) / o.idleSeconds;
    idle.rssMb = server.currentRssMb();
    o.log(`his-db: idle ${idle.cpuMsPerS.toFixed(1)} ms CPU per s, RSS ${idle.rssMb.toFixed(0)} MB`);

    for (const rate of o.rates) {
      server.resetPeak();
      const cpu0 = server.cpuSeconds();
      const m0 = machineTimes();
      const t0 = performance.now();
      o.log(`his-db: ${rate} events/s (Poisson) for ${o.seconds} s`);
      const g = await writer.poisson(rate, o.seconds);
      await waitWrittenBack(his, g.ids, 60_000 + 10 * o.pollMs);
      const drainSeconds = (performance.now() - t0) / 1000;
      const m1 = machineTimes();
      const serverCpuS = server.cpuSeconds() - cpu0;
      phases.push({
        rate,
        events: [],
        seconds: g.seconds,
        drainSeconds,
        codes: g.codes,
        serverCpuS,
        serverPeakRssMb: server.peakRssMb(),
        machineBusy: m1.total > m0.total ? (m1.busy - m0.busy) / (m1.total - m0.total) : 0,
        lateInserts: g.late,
      });
      phaseIds.push(g.ids);
      o.log(
        `  ${g.ids.length} events (${g.codes} codes) in ${g.seconds.toFixed(1)} s, all written back after ${drainSeconds.toFixed(1)} s; server CPU ${(serverCpuS * 1000).toFixed(0)} ms`
      );
      // One quiet poll between rates, so the next phase starts from an idle channel.
      await new Promise((r) => setTimeout(r, o.pollMs));
    }
  } finally {
    await server?.stop();
  }
  try {
    const store = { client: 'sqlite', filename: sqliteFile };
    const times = await inboundTimes(store, CHANNEL);
    for (const [i, p] of phases.entries()) {
      p.events = await hisTimes(his, phaseIds[i] ?? []);
      for (const e of p.events) {
        const t = times.get(`event:${e.eventId}`);
        if (t) {
          [e.receivedMs, e.decidedMs] = t;
        }
      }
    }
    const warm = await hisTimes(his, warmIds);
    return {
      phases,
      channel: CHANNEL,
      idleCpuMsPerS: idle.cpuMsPerS,
      idleRssMb: idle.rssMb,
      warmup: { events: warm.length, accepted: warm.filter((e) => e.result === 'accepted').length },
      stored: await inboundByState(store),
    };
  } finally {
    await his.destroy();
  }
}
