/**
 * The insurance platform sandbox (`tracegate sandbox`) as a process of its own, started with `node` itself so the
 * pid we watch is the sandbox: the upstream both the direct and the proxied path end at. Any free ports; its RSS
 * is sampled every 100 ms and its CPU time can be read at any moment, as for the server.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { watchProcess } from '../scan/server-process.js';

export interface SandboxProcess {
  /** http://127.0.0.1:port of the platform listener. */
  url: string;
  /** http://127.0.0.1:port of the admin API (/sandbox/stats). */
  adminUrl: string;
  pid: number;
  peakRssMb(): number;
  resetPeak(): void;
  cpuSeconds(): number;
  /** GET /sandbox/stats. */
  stats(): Promise<SandboxCounts>;
  stop(): Promise<void>;
}

/** The parts of the sandbox's statistics the benchmark reads. */
export interface SandboxCounts {
  requests: { total: number; byInfno: Record<string, number> };
  envelopeErrors: { total: number };
  rows: { received: number; recorded: number; refused: number };
  bchnoReceivedMoreThanOnce: unknown[];
}

/** `cli`: a compiled plugin/cli.js, or plugin/cli.ts to run the sources through tsx. */
export async function startSandboxProcess(cli: string): Promise<SandboxProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('TRACEGATE_') || name === 'PORT') {
      delete env[name];
    }
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(cli.endsWith('.ts') ? ['--import', 'tsx'] : []),
      cli,
      'sandbox',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--admin-port',
      '0',
      '--seed',
      '1',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error('could not start the insurance sandbox');
  }
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-10_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const { url, adminUrl } = await new Promise<{ url: string; adminUrl: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 60 s:\n${out}\n${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const platform = /sandbox listening on (http:\/\/[^\s]+)/.exec(out);
      const admin = /sandbox admin on (http:\/\/[^\s/]+:\d+)/.exec(out);
      if (platform?.[1] && admin?.[1]) {
        clearTimeout(timer);
        resolve({ url: platform[1], adminUrl: admin[1] });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code} before listening:\n${out}\n${stderr}`));
    });
  });

  return {
    url,
    adminUrl,
    ...watchProcess(child, exited, 'sandbox', () => stderr),
    async stats() {
      const res = await fetch(`${adminUrl}/sandbox/stats`);
      return (await res.json()) as SandboxCounts;
    },
  };
}
