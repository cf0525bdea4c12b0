/**
 * Part A: HL7 RDS^O13 through MLLP with ACK. One `tracegate serve` per store (compiled, a process of its own, one
 * HL7 channel on a free loopback port, the demo catalog loaded, `window.businessRows: hold` so the insurance outbox
 * has no rows to build or send), all started at once; one path per store × connection count, each with its own
 * persistent connections, and the paths take turns (bench/channels/turns.ts). Every message is a new prescription
 * with new codes; every ACK must be AA naming its MSH-10.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pct } from '../scan/load.js';
import type { ServerProcess } from '../scan/server-process.js';
import { startServer } from '../scan/server-process.js';
import { rdsMessages } from './hl7-messages.js';
import type { AckOutcomes } from './mllp-path.js';
import { addOutcomes, emptyOutcomes, MllpPath, notOk } from './mllp-path.js';
import type { TurnTaker, TurnUsage } from './turns.js';
import { emptyUsage, inTurns } from './turns.js';

export interface Hl7Options {
  stores: { name: string; config: Record<string, unknown> }[];
  connections: number[];
  seconds: number;
  slice: number;
  warmup: number;
  codesPerMessage: number;
  dir: string;
  cli: string;
  log: (line: string) => void;
}

export interface Hl7Row {
  store: string;
  connections: number;
  latenciesMs: Float64Array;
  seconds: number;
  outcomes: AckOutcomes;
  usage: TurnUsage;
  warmupOutcomes: AckOutcomes;
}

export interface Hl7Result {
  rows: Hl7Row[];
  /** Per store: RSS after start (demo data loaded, nothing sent yet) and at the end, MB. */
  rss: { store: string; idleMb: number; endMb: number }[];
  /** Per store: the inbound messages tracegate stored, by state, read from its store after the run. */
  stored: { store: string; byState: Record<string, number> }[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

class Hl7TurnTaker implements TurnTaker {
  readonly usage = emptyUsage();
  readonly latenciesMs: number[] = [];
  readonly outcomes = emptyOutcomes();
  seconds = 0;

  constructor(
    readonly store: string,
    readonly connections: number,
    readonly server: ServerProcess,
    readonly path: MllpPath
  ) {}

  get name(): string {
    return `${this.store} × ${this.connections}`;
  }

  async runTurn(seconds: number): Promise<void> {
    const t = await this.path.turn(seconds);
    this.latenciesMs.push(...t.latenciesMs);
    addOutcomes(this.outcomes, t.outcomes);
    this.seconds += t.seconds;
  }
}

export async function runHl7Part(
  o: Hl7Options,
  countStored: (store: string) => Promise<Record<string, number>>
): Promise<Hl7Result> {
  const servers = new Map<string, { server: ServerProcess; port: number }>();
  const takers: Hl7TurnTaker[] = [];
  const rss: Hl7Result['rss'] = [];
  const warmup = new Map<Hl7TurnTaker, AckOutcomes>();
  try {
    for (const s of o.stores) {
      const port = await freePort();
      const server = await startServer(s.config, join(o.dir, `tracegate-hl7-${s.name}.yaml`), o.cli, undefined, {
        window: { businessRows: 'hold' },
        demo: { loadWhenEmpty: true },
        channels: { hl7: [{ name: 'hl7', host: '127.0.0.1', port, charset: 'utf-8' }] },
      });
      servers.set(s.name, { server, port });
      o.log(`hl7 [${s.name}]: tracegate ${server.url} (pid ${server.pid}), MLLP on 127.0.0.1:${port}`);
    }
    // Let the servers settle (JIT of start-up code, demo data written) before the idle RSS is read.
    await new Promise((r) => setTimeout(r, 2000));
    for (const s of o.stores) {
      const { server, port } = servers.get(s.name) as { server: ServerProcess; port: number };
      rss.push({ store: s.name, idleMb: server.currentRssMb(), endMb: 0 });
      const messages = rdsMessages(s.name, o.codesPerMessage);
      for (const n of o.connections) {
        const path = new MllpPath(`${s.name} × ${n}`, port, n, messages);
        await path.open();
        takers.push(new Hl7TurnTaker(s.name, n, server, path));
      }
    }

    if (o.warmup > 0) {
      o.log(`hl7: warm-up ${o.warmup} s per path (not reported)`);
      for (const t of takers) {
        const w = await t.path.turn(o.warmup);
        warmup.set(t, w.outcomes);
        o.log(
          `  warm-up ${t.name}: ${w.latenciesMs.length} messages, ${(w.latenciesMs.length / w.seconds).toFixed(0)}/s, not AA: ${notOk(w.outcomes)}${w.outcomes.first ? ` (${w.outcomes.first})` : ''}`
        );
      }
    }

    const rounds = Math.max(1, Math.ceil(o.seconds / o.slice));
    o.log(`hl7: ${takers.length} paths, ${rounds} turns of ${o.slice} s each`);
    await inTurns(takers, rounds, o.slice, o.log);

    for (const t of takers) {
      const l = Float64Array.from(t.latenciesMs).sort();
      o.log(
        `  ${t.name}: ${(l.length / t.seconds).toFixed(0)} msg/s, p50 ${pct(l, 50).toFixed(2)} p99 ${pct(l, 99).toFixed(2)} ms, AA ${t.outcomes.ok}, other ${notOk(t.outcomes)}${t.outcomes.first ? ` (${t.outcomes.first})` : ''}`
      );
    }
    for (const r of rss) {
      r.endMb = servers.get(r.store)?.server.currentRssMb() ?? 0;
    }
  } finally {
    for (const t of takers) {
      t.path.close();
    }
    for (const { server } of servers.values()) {
      await server.stop();
    }
  }
  const stored: Hl7Result['stored'] = [];
  for (const s of o.stores) {
    stored.push({ store: s.name, byState: await countStored(s.name) });
  }
  return {
    rss,
    stored,
    rows: takers.map((t) => ({
      store: t.store,
      connections: t.connections,
      latenciesMs: Float64Array.from(t.latenciesMs).sort(),
      seconds: t.seconds,
      outcomes: t.outcomes,
      usage: t.usage,
      warmupOutcomes: warmup.get(t) ?? emptyOutcomes(),
    })),
  };
}
