/**
 * `tracegate serve` as a process of its own (so the load generator never shares its event loop), started with
 * `node` itself (not a launcher) so that the pid we watch is the server. Its resident memory is sampled from
 * /proc every 100 ms and its CPU time can be read at any moment.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export const BENCH_TOKEN = 'bench-integration-token-0001';

export interface ServerProcess {
  url: string;
  pid: number;
  /** Highest VmRSS seen since start or the last resetPeak(), in MB. */
  peakRssMb(): number;
  resetPeak(): void;
  currentRssMb(): number;
  /** User + system CPU seconds the server process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const CLK_TCK = 100;

export function readRssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function readCpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is 14th, stime 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/**
 * The server as `bin/tracegate.js` runs it in production: the TypeScript compiled by `tsc -p tsconfig.build.json`,
 * here into `outDir` (beside a package.json for `"type": "module"` and a link to node_modules). Returns the CLI's
 * path. tsc emits even when some file in the tree has a type error; that is reported, not fatal.
 */
export function compileServer(outDir: string): string {
  const tsc = spawnSync(
    process.execPath,
    [resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
    { encoding: 'utf8' }
  );
  const cli = join(outDir, 'plugin', 'cli.js');
  if (!existsSync(cli)) {
    throw new Error(`tsc did not produce ${cli}:\n${tsc.stdout}${tsc.stderr}`);
  }
  if (tsc.status !== 0) {
    process.stderr.write(`tsc reported errors (compiled anyway):\n${tsc.stdout.split('\n').slice(0, 10).join('\n')}\n`);
  }
  copyFileSync('package.json', join(outDir, 'package.json'));
  symlinkSync(resolve('node_modules'), join(outDir, 'node_modules'), 'dir');
  return cli;
}

/**
 * `cli`: a compiled plugin/cli.js (see compileServer), or plugin/cli.ts to run the sources through tsx.
 * `profileDir`: run the server under `node --cpu-prof`, which writes its profile there when it exits.
 * `extraConfig`: further top-level sections of the configuration, e.g. `insurance` (upstream, proxy, outbox).
 */
export async function startServer(
  store: Record<string, unknown>,
  configFile: string,
  cli: string,
  profileDir?: string,
  extraConfig: Record<string, unknown> = {}
): Promise<ServerProcess> {
  writeFileSync(
    configFile,
    stringify({
      server: { host: '127.0.0.1', port: 0 },
      store,
      log: { level: 'warn' },
      auth: { tokens: [{ name: 'bench HIS 接口', token: BENCH_TOKEN, roles: ['integration'] }] },
      ...extraConfig,
    })
  );
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const name of Object.keys(env)) {
    if (name.startsWith('TRACEGATE_') || name === 'PORT') {
      delete env[name];
    }
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      ...(cli.endsWith('.ts') ? ['--import', 'tsx'] : []),
      cli,
      '--config',
      configFile,
      'serve',
      '--migrate',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error('could not start the tracegate server');
  }
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) {
      stderr = stderr.slice(-10_000);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${out}\n${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}\n${stderr}`));
    });
  });

  return { url, ...watchProcess(child, exited, 'server', () => stderr) };
}

/**
 * What the benchmarks read off a process of their own: its peak and current RSS (sampled every 100 ms), its CPU
 * time, and a stop that sends SIGTERM (SIGKILL after 10 s) and prints the tail of its stderr.
 */
export function watchProcess(
  child: ChildProcess,
  exited: Promise<number | null>,
  name: string,
  stderr: () => string
): Omit<ServerProcess, 'url'> {
  const pid = child.pid as number;
  let peakKb = readRssKb(pid);
  const sampler = setInterval(() => {
    peakKb = Math.max(peakKb, readRssKb(pid));
  }, 100);
  return {
    pid,
    peakRssMb: () => Math.max(peakKb, readRssKb(pid)) / 1024,
    resetPeak: () => {
      peakKb = readRssKb(pid);
    },
    currentRssMb: () => readRssKb(pid) / 1024,
    cpuSeconds: () => readCpuSeconds(pid),
    async stop() {
      clearInterval(sampler);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      const tail = stderr().trim();
      if (tail) {
        process.stderr.write(`${name} stderr (last lines):\n${tail.split('\n').slice(-20).join('\n')}\n`);
      }
    },
  };
}
