/**
 * Runs `tracegate sandbox` the way plugin/cli.ts will once it calls registerSandboxCommand, without the rest of
 * the CLI (no configuration, no store), so the CLI test starts fast.
 */
import { Command } from 'commander';
import { isTracegateError } from '../../../core/errors.js';
import { registerSandboxCommand } from '../../../plugin/sandbox-command.js';

const program = new Command('tracegate');
registerSandboxCommand(program);
program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(isTracegateError(e) ? `${e.code}: ${e.message}` : String(e));
  process.exitCode = 1;
});
