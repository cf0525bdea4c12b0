/**
 * kill -9 of tracegate while it polls a HIS database (PostgreSQL acting as the HIS) that keeps writing dispense
 * events. tracegate comes back on the same store; every event ends written back accepted, each decided exactly
 * once: one stored message and one completed dispense per event, each pack dispensed once in its history.
 */
import { expect } from 'chai';
import type { Knex } from 'knex';
import { demoCode } from '../../plugin/demo/demo-catalog.js';
import { createScratchDatabase, describeWithDatabase, type ScratchDatabase } from '../support/databases.js';
import {
  addDispenseEvent,
  addPrescription,
  clearEvents,
  fixtureConfig,
  hisKnex,
  loadHisFixture,
  writtenBack,
} from '../adapters/his-db/his-db-support.js';
import { sleep } from './support/managed-process.js';
import { useScenario } from './support/scenario.js';
import { packState } from './support/tracegate-process.js';

const EVENTS = 150;

await describeWithDatabase('postgres', 'HIS database channel: kill -9 while polling (real processes)', () => {
  const scenario = useScenario('hisdb-kill');
  let scratch: ScratchDatabase;
  let his: Knex;

  before(async () => {
    scratch = await createScratchDatabase('postgres');
    his = hisKnex('postgres', scratch);
    await loadHisFixture(his, 'postgres');
    await clearEvents(his);
  });
  after(async () => {
    await his?.destroy();
    await scratch?.drop();
  });

  it(`writes back each of ${EVENTS} events once, decided once, across a kill -9`, async function () {
    this.timeout(240_000);
    const sandbox = await scenario.sandbox({ seed: 9 });
    const { host, port, user, password, database } = scratch.config as unknown as Record<string, unknown>;
    const tg = await scenario.tracegate({
      upstreamUrl: sandbox.url,
      mode: 'sync',
      channels: {
        hisDb: [
          {
            ...fixtureConfig('pg-his-channel.yaml'),
            connection: { host, port, user, password, database },
            pollMs: 200,
            batchSize: 10,
          },
        ],
      },
    });
    // The HIS writes events while tracegate polls; a third of the way through, tracegate is killed and restarted.
    const codes: string[] = [];
    let restarted = false;
    for (let i = 1; i <= EVENTS; i++) {
      const rx = `RX-DB-${i}`;
      const code = demoCode('8101001', 7000 + i);
      codes.push(code);
      await addPrescription(his, rx, 1);
      await addDispenseEvent(his, rx, [code]);
      if (i === Math.floor(EVENTS / 3)) {
        await waitForWrittenBack(his, 10, 30_000);
        await tg.kill();
        const atKill = Object.values(await writtenBack(his)).filter((b) => b.result !== null).length;
        expect(atKill, 'killed while events were still waiting').to.be.lessThan(i);
        restarted = true;
        await sleep(200);
        await tg.start();
      } else if (i % 10 === 0) {
        await sleep(20);
      }
    }
    expect(restarted).to.equal(true);
    await waitForWrittenBack(his, EVENTS, 120_000);

    const back = Object.values(await writtenBack(his));
    expect(back.filter((b) => b.result !== 'accepted')).to.deep.equal([]);
    expect(new Set(back.map((b) => b.session)).size).to.equal(EVENTS);
    const { body } = await tg.get<{ messages: { state: string }[] }>('/api/v1/inbound?channel=his-pg&limit=1000');
    expect(body.messages).to.have.length(EVENTS);
    for (const code of codes) {
      expect(await packState(tg, code), code).to.equal('dispensed');
      const { body: pack } = await tg.get<{ history: { action: string }[] }>(`/api/v1/codes/${code}`);
      expect(
        pack.history.filter((e) => e.action === 'dispense'),
        code
      ).to.have.length(1);
    }
  });
});

async function waitForWrittenBack(his: Knex, count: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const done = Object.values(await writtenBack(his)).filter((b) => b.result !== null).length;
    if (done >= count) {
      return;
    }
    if (Date.now() > until) {
      throw new Error(`only ${done} of ${count} events written back within ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}
