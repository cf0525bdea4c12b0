/**
 * A child process the reliability tests start and must never leave behind: `node --import tsx <script> …` in a
 * process group of its own (detached), so a kill reaches everything it started. Its output goes to a log file in
 * the scenario's temp dir (printed when a test fails) and is kept in memory for the lines the test waits for.
 * Every process still running when the test process exits is killed with its group (a last safety net; the
 * tests' after hooks stop them first).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = process.cwd();

const running = new Set<ManagedProcess>();
process.once('exit', () => {
  for (const p of running) {
    p.signalGroup('SIGKILL');
  }
});

export class ManagedProcess {
  private readonly child: ChildProcess;
  private output = '';
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    script: string,
    args: string[],
    readonly logFile: string,
    env: Record<string, string> = {}
  ) {
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`--- ${new Date().toISOString()} start ${name}: ${script} ${args.join(' ')}\n`);
    this.child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...inheritedEnv(), ...env },
    });
    running.add(this);
    const keep = (chunk: Buffer): void => {
      log.write(chunk);
      // Only the start-up lines are ever waited for; keep a bounded tail.
      this.output = (this.output + chunk.toString('utf8')).slice(-200_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise<void>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        running.delete(this);
      });
      // 'close' comes after 'exit' once the pipes are drained, so the log holds the last words.
      this.child.once('close', () => {
        running.delete(this);
        log.end(`--- ${new Date().toISOString()} ${this.describeExit()}\n`, () => resolve());
      });
      this.child.once('error', (e) => {
        running.delete(this);
        log.write(`--- spawn error: ${String(e)}\n`);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return running.has(this);
  }

  describeExit(): string {
    return `${this.name} exited (code ${this.exitCode}, signal ${this.exitSignal})`;
  }

  /** Output so far (stdout and stderr interleaved, the last 200 kB). */
  text(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first or on timeout. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.output);
      if (m) {
        return m;
      }
      if (!this.alive) {
        throw new Error(`${this.describeExit()} before printing ${pattern}:\n${this.tail()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.tail()}`);
      }
      await sleep(50);
    }
  }

  /** Send a signal to the whole process group (no error if it is gone already). */
  signalGroup(signal: NodeJS.Signals): void {
    if (!this.alive || this.pid <= 0) {
      return;
    }
    try {
      process.kill(-this.pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** kill -9 of the process group; resolves once it has exited. */
  async kill(): Promise<void> {
    this.signalGroup('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) {
      return;
    }
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last lines of the log file (for failure messages). */
  tail(lines = 40): string {
    let text: string;
    try {
      text = readFileSync(this.logFile, 'utf8');
    } catch {
      text = this.output;
    }
    return text.split('\n').slice(-lines).join('\n');
  }
}

/** The test runner's environment without TRACEGATE_* and PORT, which would override the scenario's configuration. */
function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('TRACEGATE_') && k !== 'PORT')
  ) as NodeJS.ProcessEnv;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function logPath(dir: string, name: string): string {
  return join(dir, `${name}.log`);
}
