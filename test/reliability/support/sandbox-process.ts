/**
 * The platform sandbox in its own process, and its admin API as the tests read it: faults switched at run time,
 * the per-bchno counts that prove exactly-once, and the rows held with their arrival order.
 */
import { join } from 'node:path';
import type { Faults } from '../../../adapters/insurance-sandbox/fault-settings.js';
import type { SandboxOptions } from '../../../adapters/insurance-sandbox/sandbox-options.js';
import type { SandboxRow } from '../../../adapters/insurance-sandbox/sandbox-rows.js';
import type { SandboxStats } from '../../../adapters/insurance-sandbox/sandbox-stats.js';
import { logPath, ManagedProcess, REPO_ROOT } from './managed-process.js';

const ENTRY = join(REPO_ROOT, 'test', 'reliability', 'support', 'sandbox-entry.ts');

export class SandboxProcess {
  private constructor(
    readonly process: ManagedProcess,
    /** http://127.0.0.1:port of the platform listener: tracegate's insurance.upstream.baseUrl. */
    readonly url: string,
    readonly adminUrl: string
  ) {}

  static async start(dir: string, options: SandboxOptions = {}): Promise<SandboxProcess> {
    const proc = new ManagedProcess('sandbox', ENTRY, [JSON.stringify(options)], logPath(dir, 'sandbox'));
    try {
      const m = await proc.waitForOutput(/^SANDBOX (\{.*\})$/m, 60_000);
      const { url, adminUrl } = JSON.parse(m[1] as string) as { url: string; adminUrl: string };
      return new SandboxProcess(proc, url, adminUrl);
    } catch (e) {
      await proc.kill();
      throw e;
    }
  }

  /** PUT /sandbox/faults; resolves once the platform listener is down or up as asked. */
  async setFaults(patch: Partial<Faults>): Promise<Faults> {
    return this.admin<Faults>('PUT', '/sandbox/faults', patch);
  }

  stats(): Promise<SandboxStats> {
    return this.admin<SandboxStats>('GET', '/sandbox/stats');
  }

  async rows(query: Record<string, string> = {}): Promise<SandboxRow[]> {
    const qs = new URLSearchParams(query).toString();
    return (await this.admin<{ rows: SandboxRow[] }>('GET', `/sandbox/rows${qs ? `?${qs}` : ''}`)).rows;
  }

  async duplicateCodes(): Promise<unknown[]> {
    return (await this.admin<{ codes: unknown[] }>('GET', '/sandbox/report/duplicate-codes')).codes;
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }

  private async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.adminUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`sandbox admin ${method} ${path}: HTTP ${res.status} ${text}`);
    }
    return JSON.parse(text) as T;
  }
}

/** received copies per fixmedins_bchno (data type 4: 3505/3506), from the stats. */
export function receivedByBchno(stats: SandboxStats): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of stats.bchno) {
    counts.set(entry.bchno, (counts.get(entry.bchno) ?? 0) + entry.received);
  }
  return counts;
}
