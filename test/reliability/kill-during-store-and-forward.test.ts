/**
 * kill -9 of tracegate while the HIS's sales flow through the proxy (store-and-forward) and the outbox delivers
 * them: a power cut. The HIS resends every message that got no answer, with the same msgid and bytes; tracegate
 * comes back on the same store, port and outbox instance id, settles its own interrupted uploads with the
 * platform (3511 by fixmedins_bchno) before sending anything again, and delivers the rest. Every sale reaches
 * the sandbox exactly once.
 */
import { expect } from 'chai';
import type { Delivery } from './support/his-driver.js';
import { describeDelivery, driveAll } from './support/his-driver.js';
import { HisMessages } from './support/his-messages.js';
import { sleep } from './support/managed-process.js';
import { expectEachReceivedOnce } from './support/exactly-once.js';
import { listUploads, uploadCounts, waitUntilDrained } from './support/outbox-state.js';
import { useScenario } from './support/scenario.js';

const SALES = 2000;
const CONCURRENCY = 8;

describe('insurance relay: kill -9 during store-and-forward traffic (real processes)', function () {
  const scenario = useScenario('kill');

  it(`delivers each of ${SALES} sales exactly once across a kill -9 and restart`, async function () {
    this.timeout(360_000);
    const sandbox = await scenario.sandbox({ seed: 11 });
    const tg = await scenario.tracegate({
      upstreamUrl: sandbox.url,
      mode: 'store-and-forward',
      instanceId: 'reliability-kill',
    });
    const his = new HisMessages();
    const sales = Array.from({ length: SALES }, () => his.sale());

    // After a third of the answers: kill -9 the whole process group, then start again on the same store and port.
    let answered = 0;
    let restart: Promise<void> | null = null;
    let restartFailed = false;
    let killedAt: { answered: number; counts: Record<string, number> | null } | null = null;
    const killAndRestart = async (): Promise<void> => {
      const counts = await uploadCounts(tg).catch(() => null);
      await tg.kill();
      killedAt = { answered, counts };
      await sleep(500);
      await tg.start();
    };
    const started = Date.now();
    const deliveries: Delivery[] = await driveAll(sales, {
      serviceUrl: tg.serviceUrl,
      concurrency: CONCURRENCY,
      deadline: Date.now() + 240_000,
      onAnswer: () => {
        answered++;
        if (!restart && answered >= SALES / 3) {
          restart = killAndRestart();
          // Reported by the await below; meanwhile the HIS stops waiting for a tracegate that is not coming back.
          restart.catch(() => (restartFailed = true));
        }
      },
      stop: () => restartFailed,
    });
    await restart;
    const driveMs = Date.now() - started;
    expect(killedAt, 'tracegate was killed during the traffic').to.not.equal(null);

    // Every message got an answer, and since every code was new and valid, it is a success.
    const unanswered = deliveries.filter((d) => d.answer === null);
    expect(unanswered.map(describeDelivery), 'messages that never got an answer').to.deep.equal([]);
    const notOk = deliveries.filter((d) => d.answer?.status !== 200 || d.answer.json?.infcode !== 0);
    expect(
      notOk.map(describeDelivery).slice(0, 10),
      `${notOk.length} messages not answered with infcode 0 (after the restart a resent msgid must get the answer of the first send or a fresh success)`
    ).to.deep.equal([]);
    const resent = deliveries.filter((d) => d.sends > 1).length;
    expect(resent, 'some messages were cut off by the kill and sent again').to.be.greaterThan(0);

    const counts = await waitUntilDrained(tg, 180_000);
    const dead = await listUploads(tg, ['dead']);
    expect(
      dead.map((u) => `${u.id} ${u.infno} ${u.businessKey}: ${u.lastError}`),
      'uploads dead after the restart'
    ).to.deep.equal([]);

    const stats = await expectEachReceivedOnce(
      sandbox,
      deliveries.map((d) => d.message.bchno)
    );
    // And the platform holds no sale of this run that the HIS was not told succeeded.
    const toldOk = new Set(deliveries.filter((d) => d.answer?.json?.infcode === 0).map((d) => d.message.bchno));
    const recordedSales = (await sandbox.rows({ infno: '3505' })).filter((r) => r.bchno.startsWith(`S${his.runTag}`));
    expect(
      recordedSales.filter((r) => !toldOk.has(r.bchno)).map((r) => r.bchno),
      'sales at the platform whose HIS message was not answered with success'
    ).to.deep.equal([]);
    expect(recordedSales).to.have.length(SALES);
    expect(await sandbox.duplicateCodes(), 'codes sold more than once at the platform').to.deep.equal([]);

    const recovered = /"recovered":(\d+)/.exec(tg.tail(400))?.[1] ?? '0';
    console.log(
      `      ${SALES} sales in ${(driveMs / 1000).toFixed(1)} s; killed after ${JSON.stringify(killedAt)}; ` +
        `${resent} resent by the HIS; ${recovered} interrupted uploads settled first; ` +
        `3511 queries ${stats.requests.byInfno['3511'] ?? 0}; outbox ${JSON.stringify(counts)}`
    );
  });
});
