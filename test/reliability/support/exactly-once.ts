/**
 * The promise, checked at the platform: every fixmedins_bchno tracegate answered for reached the sandbox
 * exactly once (the sandbox counts every copy of a row it processed, recorded or refused as a duplicate), and no
 * bchno at all reached it twice.
 */
import { expect } from 'chai';
import type { SandboxStats } from '../../../adapters/insurance-sandbox/sandbox-stats.js';
import type { SandboxProcess } from './sandbox-process.js';
import { receivedByBchno } from './sandbox-process.js';

export async function expectEachReceivedOnce(sandbox: SandboxProcess, bchnos: string[]): Promise<SandboxStats> {
  const stats = await sandbox.stats();
  expect(
    stats.bchnoReceivedMoreThanOnce,
    `fixmedins_bchno received more than once by the sandbox: ${JSON.stringify(stats.bchnoReceivedMoreThanOnce.slice(0, 10))}`
  ).to.deep.equal([]);
  const received = receivedByBchno(stats);
  const wrong = bchnos.filter((b) => received.get(b) !== 1).map((b) => `${b}: ${received.get(b) ?? 0}`);
  expect(
    wrong,
    `bchnos not received exactly once (${wrong.length} of ${bchnos.length}): ${wrong.slice(0, 20).join(', ')}`
  ).to.deep.equal([]);
  return stats;
}
