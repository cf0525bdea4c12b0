/**
 * Several paths measured side by side in one run: they take turns of a few seconds each, the order reversed every
 * round (A B C D, D C B A, …), so whatever else the shared machine does falls on all of them about equally and a
 * drift over the run (a JIT settling, a growing database) does not favour the one measured first. Around every turn
 * the CPU time of the path's server and of this process (the load generator), the machine's busy share and the
 * server's peak RSS are read and charged to that path.
 */
import { cpuUsage } from 'node:process';
import { machineTimes } from '../scan/load.js';
import type { ServerProcess } from '../scan/server-process.js';

export interface TurnUsage {
  serverCpuS: number;
  clientCpuS: number;
  machineBusyTicks: number;
  machineTotalTicks: number;
  /** Highest server RSS seen during this path's turns, MB. */
  serverPeakRssMb: number;
}

export function emptyUsage(): TurnUsage {
  return { serverCpuS: 0, clientCpuS: 0, machineBusyTicks: 0, machineTotalTicks: 0, serverPeakRssMb: 0 };
}

export function machineBusy(u: TurnUsage): number {
  return u.machineTotalTicks > 0 ? u.machineBusyTicks / u.machineTotalTicks : 0;
}

export interface TurnTaker {
  name: string;
  server: Pick<ServerProcess, 'cpuSeconds' | 'resetPeak' | 'peakRssMb'>;
  usage: TurnUsage;
  /** One turn of `seconds`; resolves when the turn's last answer is in. */
  runTurn(seconds: number): Promise<void>;
}

export async function inTurns(
  paths: readonly TurnTaker[],
  rounds: number,
  seconds: number,
  log: (line: string) => void
): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? paths : [...paths].reverse();
    for (const path of order) {
      const u = path.usage;
      path.server.resetPeak();
      const server0 = path.server.cpuSeconds();
      const client0 = cpuUsage();
      const m0 = machineTimes();
      await path.runTurn(seconds);
      const m1 = machineTimes();
      const client = cpuUsage(client0);
      u.serverCpuS += path.server.cpuSeconds() - server0;
      u.clientCpuS += (client.user + client.system) / 1e6;
      u.machineBusyTicks += m1.busy - m0.busy;
      u.machineTotalTicks += m1.total - m0.total;
      u.serverPeakRssMb = Math.max(u.serverPeakRssMb, path.server.peakRssMb());
    }
    log(`  round ${i + 1}/${rounds} done`);
  }
}
