/**
 * tracegate as the CLI runs it (`node --import tsx plugin/cli.ts --config <yaml> serve`), on a SQLite file in the
 * scenario's temp dir, on a port chosen here (so a restart comes back on the same one), with the demo catalog
 * loaded into the empty store, an admin and an integration token, and the insurance relay pointed at a sandbox.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoDefaults } from '../../../plugin/demo/demo-defaults.js';
import { logPath, ManagedProcess, REPO_ROOT, sleep } from './managed-process.js';

const CLI = join(REPO_ROOT, 'plugin', 'cli.ts');

export const ADMIN_TOKEN = 'reliability-admin-token-0123456789';
export const INTEGRATION_TOKEN = 'reliability-integration-token-0123456789';
/** The institution of docs/examples and of the demo defaults. */
export const FIXMEDINS_CODE = 'H31011500001';

export interface RelayOptions {
  /** insurance.upstream.baseUrl (the sandbox). */
  upstreamUrl: string;
  mode: 'sync' | 'store-and-forward';
  /** A stable outbox instance id, so a restarted process settles its own interrupted uploads first. */
  instanceId?: string;
  upstreamTimeoutMs?: number;
  settleAfterSeconds?: number;
  allowFrom?: string[];
  backoff?: { baseMs: number; maxMs: number; maxAttempts?: number };
  settleDelayMs?: number;
  leaseSeconds?: number;
  bodyLimitMb?: number;
  /** The `channels:` section (HL7 listeners, HIS databases…), as in the YAML file. */
  channels?: Record<string, unknown>;
}

/** The scenario's configuration file, written once and reused by every start of that tracegate. */
export function writeConfig(dir: string, port: number, relay: RelayOptions): string {
  const config = {
    server: { host: '127.0.0.1', port, bodyLimitMb: relay.bodyLimitMb ?? 20 },
    store: { client: 'sqlite', filename: join(dir, 'tracegate.sqlite') },
    auth: {
      tokens: [
        { name: '信息科', token: ADMIN_TOKEN, roles: ['admin'] },
        { name: 'HIS', token: INTEGRATION_TOKEN, roles: ['integration'] },
      ],
    },
    log: { level: 'info' },
    window: { neverReceived: 'warn' },
    insurance: {
      institution: demoDefaults.insurance.institution,
      upstream: { baseUrl: relay.upstreamUrl, timeoutMs: relay.upstreamTimeoutMs ?? 5000 },
      proxy: {
        mode: relay.mode,
        allowFrom: relay.allowFrom ?? ['127.0.0.1'],
        settleAfterSeconds: relay.settleAfterSeconds ?? 30,
      },
      outbox: {
        instanceId: relay.instanceId ?? 'reliability-1',
        pollMs: 50,
        leaseSeconds: relay.leaseSeconds ?? 30,
        settleDelayMs: relay.settleDelayMs ?? 200,
        backoff: relay.backoff ?? { baseMs: 100, maxMs: 1000 },
      },
      rowDefaults: demoDefaults.insurance.rowDefaults,
      staff: demoDefaults.insurance.staff,
    },
    demo: { loadWhenEmpty: true },
    ...(relay.channels ? { channels: relay.channels } : {}),
  };
  const file = join(dir, 'tracegate.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/**
 * A port nobody listens on right now, below the kernel's ephemeral range: tracegate comes back on it after a
 * kill, and in that gap an outgoing connection (the HIS driver reconnecting) could otherwise be given it as its
 * local port and keep tracegate from listening again.
 */
export async function freePort(): Promise<number> {
  const [ephemeralFrom] = ephemeralRange();
  const high = Math.min(ephemeralFrom, 65536) - 1;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * Math.max(1, high - 20_000));
    if (await canListen(port)) {
      return port;
    }
  }
  return listenOnAny();
}

function ephemeralRange(): [number, number] {
  try {
    const [from, to] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (from && to && from > 21_000) {
      return [from, to];
    }
  } catch {
    // Not Linux: any free port will do.
  }
  return [65536, 65536];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function listenOnAny(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class TracegateProcess {
  readonly url: string;
  private current: ManagedProcess | null = null;
  private starts = 0;

  constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly configFile: string
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** The proxy endpoint the HIS posts to. */
  get serviceUrl(): string {
    return `${this.url}/fsi/api/rsfComIfsService/callService`;
  }

  get process(): ManagedProcess | null {
    return this.current;
  }

  /**
   * Start (or restart) `serve` and wait until /healthz answers. A first start right after a schema change by
   * someone else may fail; the caller sees the log tail in the error.
   */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.current?.alive) {
      throw new Error('tracegate is already running');
    }
    this.starts++;
    const proc = new ManagedProcess(
      `tracegate#${this.starts}`,
      CLI,
      ['--config', this.configFile, 'serve'],
      logPath(this.dir, 'tracegate')
    );
    this.current = proc;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!proc.alive) {
        throw new Error(`${proc.describeExit()} before /healthz answered:\n${proc.tail()}`);
      }
      if (Date.now() > deadline) {
        await proc.kill();
        throw new Error(`tracegate did not answer /healthz within ${timeoutMs} ms:\n${proc.tail()}`);
      }
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok && proc.alive) {
          return;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
  }

  /** kill -9 of the whole process group, as a power cut or the OOM killer would. */
  async kill(): Promise<void> {
    await this.current?.kill();
  }

  async stop(): Promise<void> {
    await this.current?.stop();
  }

  get alive(): boolean {
    return this.current?.alive ?? false;
  }

  tail(lines = 40): string {
    return this.current?.tail(lines) ?? '(not started)';
  }

  /** GET with the admin token; JSON answer. */
  async get<T>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
}

/** A tracegate for a scenario: its config file and a free port; not started yet. */
export async function prepareTracegate(dir: string, relay: RelayOptions): Promise<TracegateProcess> {
  const port = await freePort();
  return new TracegateProcess(dir, port, writeConfig(dir, port, relay));
}

/** A pack's state in tracegate's ledger (GET /api/v1/codes/:code), or null when the ledger has never seen it. */
export async function packState(tg: TracegateProcess, code: string): Promise<string | null> {
  const { status, body } = await tg.get<{ state?: string; error?: { code: string } }>(`/api/v1/codes/${code}`);
  if (status === 404) {
    return null;
  }
  if (status !== 200 || !body.state) {
    throw new Error(`GET /api/v1/codes/${code}: HTTP ${status} ${JSON.stringify(body)}`);
  }
  return body.state;
}
