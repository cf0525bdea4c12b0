/** Offline: the background loop backs off exponentially to a cap, logs a failure streak once, wakes and stops. */
import { expect } from 'chai';
import { BackgroundLoop } from '../../adapters/background-loop.js';
import { recordingLog } from '../support/recording-log.js';

async function until(done: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) {
      throw new Error('timed out');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Background loop', () => {
  it('waits idleMs after the first failure, then twice as long after each further one, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 11, 100].map((n) => BackgroundLoop.backoff(n, 1000, 6000))).to.deep.equal([
      1000, 2000, 4000, 6000, 6000, 6000, 6000,
    ]);
    // Without a cap above idleMs (the default), a failed round is retried after the idle wait.
    expect([1, 2, 5].map((n) => BackgroundLoop.backoff(n, 1000, 1000))).to.deep.equal([1000, 1000, 1000]);
  });

  it('logs a failure streak once and its recovery once, and runs again at once after a round with work', async () => {
    const log = recordingLog();
    let calls = 0;
    const loop = new BackgroundLoop({
      name: 'HIS database round',
      round: async () => {
        calls++;
        if (calls <= 3) {
          throw new Error('ECONNREFUSED 10.10.1.20:5432');
        }
        return calls === 4 ? 1 : 0;
      },
      idleMs: 5,
      backoffMaxMs: 20,
      log,
      fields: { channel: 'his-pg' },
    });
    loop.start();
    await until(() => calls >= 6);
    await loop.stop();
    expect(log.lines.map((l) => l.level)).to.deep.equal(['error', 'info']);
    expect(log.lines[0]?.fields).to.include({ channel: 'his-pg', error: 'ECONNREFUSED 10.10.1.20:5432' });
    expect(log.lines[1]).to.deep.include({ message: 'HIS database round recovered' });
    expect(log.lines[1]?.fields).to.include({ channel: 'his-pg', failedRounds: 3 });
  });

  it('wake() ends the idle wait', async () => {
    let calls = 0;
    const loop = new BackgroundLoop({
      name: 'outbox round',
      round: async () => {
        calls++;
        return 0;
      },
      idleMs: 60_000,
      log: recordingLog(),
    });
    loop.start();
    await loop.firstRound;
    expect(calls).to.equal(1);
    loop.wake();
    await until(() => calls === 2, 1000);
    await loop.stop();
  });

  it('stop() ends the wait at once and waits for the round in progress', async () => {
    let finished = false;
    const loop = new BackgroundLoop({
      name: 'job',
      round: async () => {
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
        return 0;
      },
      idleMs: 60_000,
      log: recordingLog(),
    });
    loop.start();
    const started = Date.now();
    await loop.stop();
    expect(finished).to.equal(true);
    expect(Date.now() - started).to.be.below(1000);
  });

  it('stop() aborts the round’s signal, and the round failing for it is not logged', async () => {
    const log = recordingLog();
    let began = false;
    const loop = new BackgroundLoop({
      name: 'FHIR poll',
      round: (signal) =>
        new Promise((_, reject) => {
          began = true;
          signal.addEventListener('abort', () => reject(new Error('This operation was aborted')));
        }),
      idleMs: 60_000,
      log,
    });
    loop.start();
    await until(() => began);
    await loop.stop();
    expect(log.lines).to.deep.equal([]);
  });
});
