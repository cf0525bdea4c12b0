/**
 * One reliability scenario's surroundings: a temp dir, the processes it starts, and their cleanup after each
 * test whatever happened (kill -9 of every process group). A failed test keeps its dir and prints where the
 * logs are and how each process's log ends; a passed one leaves nothing behind.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxOptions } from '../../../adapters/insurance-sandbox/sandbox-options.js';
import { SandboxProcess } from './sandbox-process.js';
import type { RelayOptions, TracegateProcess } from './tracegate-process.js';
import { prepareTracegate } from './tracegate-process.js';

export interface Scenario {
  readonly dir: string;
  /** Start the platform sandbox (its own process). */
  sandbox(options?: SandboxOptions): Promise<SandboxProcess>;
  /** Start a tracegate (its own process) on a fresh store and a free port, healthy when this resolves. */
  tracegate(relay: RelayOptions, name?: string): Promise<TracegateProcess>;
}

export function useScenario(prefix: string): Scenario {
  let dir = '';
  let sandboxes: SandboxProcess[] = [];
  let tracegates: TracegateProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `tg-${prefix}-`));
    sandboxes = [];
    tracegates = [];
  });

  afterEach(async function () {
    this.timeout(60_000);
    const failed = this.currentTest?.state !== 'passed';
    if (failed) {
      for (const tg of tracegates) {
        console.error(`\n--- ${tg.url} (tracegate) log tail:\n${tg.tail(30)}`);
      }
      for (const sb of sandboxes) {
        console.error(`\n--- sandbox log tail:\n${sb.process.tail(10)}`);
      }
    }
    await Promise.all([...tracegates.map((tg) => tg.kill()), ...sandboxes.map((sb) => sb.process.kill())]);
    if (failed) {
      console.error(`\n    logs, configuration and store kept in ${dir}`);
    } else {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  return {
    get dir() {
      return dir;
    },
    async sandbox(options = {}) {
      const sb = await SandboxProcess.start(dir, options);
      sandboxes.push(sb);
      return sb;
    },
    async tracegate(relay, name) {
      const home = name ? join(dir, name) : dir;
      mkdirSync(home, { recursive: true });
      const tg = await prepareTracegate(home, relay);
      tracegates.push(tg);
      await tg.start();
      return tg;
    },
  };
}
