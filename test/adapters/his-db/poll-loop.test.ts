/** Offline: the polling loop backs off exponentially to a cap and logs a failure streak once. */
import { expect } from 'chai';
import { PollLoop } from '../../../adapters/his-db/poll-loop.js';
import { recordingLog } from './his-db-support.js';

async function until(done: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) {
      throw new Error('timed out');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('HIS database polling loop', () => {
  it('waits pollMs, then twice as long after each failure, up to the cap', () => {
    expect([0, 1, 2, 3, 4, 10].map((n) => PollLoop.backoff(n, 1000, 6000))).to.deep.equal([
      1000, 2000, 4000, 6000, 6000, 6000,
    ]);
  });

  it('logs a failure streak once and its recovery once, and runs again at once after a round with work', async () => {
    const log = recordingLog();
    let calls = 0;
    const loop = new PollLoop(
      async () => {
        calls++;
        if (calls <= 3) {
          throw new Error('ECONNREFUSED 10.10.1.20:5432');
        }
        return calls === 4;
      },
      { what: { channel: 'his-pg' }, idleMs: 5, backoffMaxMs: 20, log }
    );
    loop.start();
    await until(() => calls >= 6);
    await loop.stop();
    expect(log.lines.map((l) => l.level)).to.deep.equal(['error', 'info']);
    expect(log.lines[0]?.fields).to.include({ channel: 'his-pg', error: 'ECONNREFUSED 10.10.1.20:5432' });
    expect(log.lines[1]?.fields).to.include({ failedRounds: 3 });
  });

  it('stop() ends the wait at once and waits for the round in progress', async () => {
    let finished = false;
    const loop = new PollLoop(
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
        return false;
      },
      { what: {}, idleMs: 60_000, backoffMaxMs: 60_000, log: recordingLog() }
    );
    loop.start();
    const started = Date.now();
    await loop.stop();
    expect(finished).to.equal(true);
    expect(Date.now() - started).to.be.below(1000);
  });
});
