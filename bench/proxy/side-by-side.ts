/**
 * Two paths measured side by side: they take turns in short slices (A B, B A, A B, …), so whatever else the
 * shared machine does at the time falls on both about equally, and a drift over the run (a JIT settling, a
 * growing database) cancels out of the difference. Around every slice the CPU time of the tracegate server, of
 * the sandbox and of this process (the load generator), and the machine's busy share, are read and charged to
 * the path whose slice it was.
 */
import { cpuUsage } from 'node:process';
import { machineTimes } from '../scan/load.js';

export interface Usage {
  serverCpuS: number;
  sandboxCpuS: number;
  clientCpuS: number;
  machineBusyTicks: number;
  machineTotalTicks: number;
}

export interface Meters {
  serverCpuSeconds(): number;
  sandboxCpuSeconds(): number;
}

export function machineBusy(u: Usage): number {
  return u.machineTotalTicks > 0 ? u.machineBusyTicks / u.machineTotalTicks : 0;
}

export async function sideBySide<P extends { name: string }>(
  paths: readonly [P, P],
  slices: number,
  runSlice: (path: P) => Promise<void>,
  meters: Meters
): Promise<Map<string, Usage>> {
  const usage = new Map<string, Usage>(
    paths.map((p) => [
      p.name,
      { serverCpuS: 0, sandboxCpuS: 0, clientCpuS: 0, machineBusyTicks: 0, machineTotalTicks: 0 },
    ])
  );
  for (let i = 0; i < slices; i++) {
    const order = i % 2 === 0 ? paths : ([paths[1], paths[0]] as const);
    for (const path of order) {
      const u = usage.get(path.name) as Usage;
      const server0 = meters.serverCpuSeconds();
      const sandbox0 = meters.sandboxCpuSeconds();
      const client0 = cpuUsage();
      const m0 = machineTimes();
      await runSlice(path);
      const m1 = machineTimes();
      const client = cpuUsage(client0);
      u.serverCpuS += meters.serverCpuSeconds() - server0;
      u.sandboxCpuS += meters.sandboxCpuSeconds() - sandbox0;
      u.clientCpuS += (client.user + client.system) / 1e6;
      u.machineBusyTicks += m1.busy - m0.busy;
      u.machineTotalTicks += m1.total - m0.total;
    }
  }
  return usage;
}
