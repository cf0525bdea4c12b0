/**
 * The insurance platform sandbox as a process of its own for the reliability tests: starts it with the options
 * given as JSON in argv[2] and prints one line `SANDBOX {"url","adminUrl"}`; stops cleanly on SIGTERM/SIGINT.
 * (Like `tracegate sandbox --port 0`, without loading the rest of the CLI.)
 */
import { startSandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import type { SandboxOptions } from '../../../adapters/insurance-sandbox/sandbox-options.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sandbox = await startSandbox(options);
console.log(`SANDBOX ${JSON.stringify({ url: sandbox.url, adminUrl: sandbox.adminUrl })}`);
const shutdown = (): void => {
  void sandbox.stop().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
