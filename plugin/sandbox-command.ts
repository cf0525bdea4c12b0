/**
 * `tracegate sandbox`: runs the insurance platform sandbox (see docs/insurance-sandbox.md) until SIGINT/SIGTERM.
 * Needs no configuration or store: it is the upstream hospitals and tracegate's own tests rehearse against.
 */
import type { Command } from 'commander';
import { invalid } from '../core/errors.js';
import type { Faults } from '../adapters/insurance-sandbox/fault-settings.js';
import type { DuplicateBchnoMode } from '../adapters/insurance-sandbox/sandbox-options.js';
import { DuplicateBchnoModes } from '../adapters/insurance-sandbox/sandbox-options.js';
import { startSandbox } from '../adapters/insurance-sandbox/sandbox-server.js';

interface SandboxCommandOptions {
  port: string;
  host: string;
  adminPort?: string;
  duplicateBchno: string;
  latencyMs?: string;
  latencyJitterMs?: string;
  errorRate?: string;
  busyRate?: string;
  timeoutRate?: string;
  dropRate?: string;
  holdMs?: string;
  seed?: string;
  area: string;
  requireSignIn?: boolean;
  paasToken?: string;
}

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('run the insurance platform sandbox (35xx, 9001, queries, fault injection) for 联调 and tests')
    .option('--port <port>', 'platform listener port (0 = any free port)', '8090')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--admin-port <port>', 'admin API port (default: --port + 1, or any free port when --port is 0)')
    .option('--duplicate-bchno <mode>', 'a fixmedins_bchno already recorded: reject | accept', 'reject')
    .option('--latency-ms <ms>', 'added to every request')
    .option('--latency-jitter-ms <ms>', 'up to this much more, at random')
    .option('--error-rate <fraction>', 'answered HTTP 503, not processed')
    .option('--busy-rate <fraction>', 'answered infcode -1 系统繁忙, not processed')
    .option('--timeout-rate <fraction>', 'processed, then the answer is held for --hold-ms')
    .option('--drop-rate <fraction>', 'connection cut without an answer (half before, half after processing)')
    .option('--hold-ms <ms>', 'how long a timeout fault holds the answer', '30000')
    .option('--seed <n>', 'seed of the fault RNG (same seed, same faults)')
    .option('--area <code>', '医保区划 in inf_refmsgid', '310000')
    .option('--require-sign-in', '35xx transactions need a sign_no from 9001')
    .option('--paas-token <token>', 'check x-tif-signature with this TIF paasToken')
    .action(async (opts: SandboxCommandOptions) => {
      await runSandbox(opts);
    });
}

async function runSandbox(opts: SandboxCommandOptions): Promise<void> {
  const port = integer('--port', opts.port, 0, 65535);
  const sandbox = await startSandbox({
    host: opts.host,
    port,
    adminPort:
      opts.adminPort === undefined ? defaultAdminPort(port) : integer('--admin-port', opts.adminPort, 0, 65535),
    duplicateBchno: duplicateMode(opts.duplicateBchno),
    requireSignIn: opts.requireSignIn ?? false,
    areaCode: opts.area,
    seed: opts.seed === undefined ? undefined : integer('--seed', opts.seed, 0, 2 ** 32 - 1),
    faults: faultsOf(opts),
    tif: opts.paasToken ? { paasToken: opts.paasToken } : undefined,
  });
  console.log(`insurance sandbox listening on ${sandbox.url} (service ${sandbox.serviceUrl})`);
  console.log(`insurance sandbox admin on ${sandbox.adminUrl}/sandbox/stats`);
  const shutdown = (): void => {
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function defaultAdminPort(port: number): number {
  return port === 0 || port === 65535 ? 0 : port + 1;
}

function faultsOf(opts: SandboxCommandOptions): Partial<Faults> {
  const faults: Partial<Faults> = { holdMs: integer('--hold-ms', opts.holdMs ?? '30000', 0, 600_000) };
  if (opts.latencyMs !== undefined) {
    faults.latencyMs = integer('--latency-ms', opts.latencyMs, 0, 600_000);
  }
  if (opts.latencyJitterMs !== undefined) {
    faults.latencyJitterMs = integer('--latency-jitter-ms', opts.latencyJitterMs, 0, 600_000);
  }
  const rates = [
    ['errorRate', '--error-rate', opts.errorRate],
    ['busyRate', '--busy-rate', opts.busyRate],
    ['timeoutRate', '--timeout-rate', opts.timeoutRate],
    ['dropRate', '--drop-rate', opts.dropRate],
  ] as const;
  for (const [key, flag, value] of rates) {
    if (value !== undefined) {
      faults[key] = fraction(flag, value);
    }
  }
  return faults;
}

function duplicateMode(value: string): DuplicateBchnoMode {
  const mode = DuplicateBchnoModes.find((m) => m === value);
  if (!mode) {
    throw invalid('OPTION_INVALID', `--duplicate-bchno must be ${DuplicateBchnoModes.join(' or ')}, got "${value}"`);
  }
  return mode;
}

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw invalid('OPTION_INVALID', `${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function fraction(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw invalid('OPTION_INVALID', `${flag} must be a fraction from 0 to 1, got "${value}"`);
  }
  return n;
}
