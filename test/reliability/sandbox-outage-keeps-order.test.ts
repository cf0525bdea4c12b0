/**
 * The platform is down for a while, then back (store-and-forward): the HIS's sales, and later returns of some of
 * the same packs, are accepted and queued while nothing can be sent; once the platform is back every row arrives
 * once, and each pack's 3505 arrives before its 3506 (a return never overtakes its sale).
 *
 * PRODUCT.md's 5-minute outage is the same mechanism with the production backoff (insurance.outbox.backoff
 * baseMs 1000, maxMs 300000): connection refused is transient, retried with exponential backoff and full jitter
 * until the platform answers. This test keeps the outage at ~10 s and shortens the backoff to baseMs 100,
 * maxMs 1000 so the retries it relies on happen within the test's time.
 */
import { expect } from 'chai';
import { describeDelivery, driveAll } from './support/his-driver.js';
import type { HisMessage } from './support/his-messages.js';
import { HisMessages } from './support/his-messages.js';
import { sleep } from './support/managed-process.js';
import { expectEachReceivedOnce } from './support/exactly-once.js';
import { listUploads, uploadCounts, waitUntilDrained } from './support/outbox-state.js';
import { useScenario } from './support/scenario.js';

const SALES = 300;
/** Every third sale comes back. */
const RETURN_EVERY = 3;
const OUTAGE_MS = 10_000;

describe('insurance relay: platform down, then back (real processes)', function () {
  const scenario = useScenario('outage');

  it('queues sales and returns while the platform is down and delivers them once, each sale before its return', async function () {
    this.timeout(300_000);
    const sandbox = await scenario.sandbox({ seed: 22 });
    const tg = await scenario.tracegate({
      upstreamUrl: sandbox.url,
      mode: 'store-and-forward',
      instanceId: 'reliability-outage',
      backoff: { baseMs: 100, maxMs: 1000 },
    });
    // The demo data's own window uploads go out first, so the outage starts on an idle outbox.
    const deliveredBefore = (await waitUntilDrained(tg, 60_000)).delivered;
    const before = await sandbox.stats();

    await sandbox.setFaults({ down: true });
    const downAt = Date.now();
    const his = new HisMessages();
    // One or two packs per sale; every third sale's packs come back later.
    const sales = Array.from({ length: SALES }, (_, i) => his.sale(1 + (i % 2)));
    const saleDeliveries = await driveAll(sales, {
      serviceUrl: tg.serviceUrl,
      concurrency: 8,
      deadline: Date.now() + 120_000,
    });
    const returns: HisMessage[] = sales.filter((_, i) => i % RETURN_EVERY === 0).map((s) => his.returnOf(s));
    const returnDeliveries = await driveAll(returns, {
      serviceUrl: tg.serviceUrl,
      concurrency: 8,
      deadline: Date.now() + 120_000,
    });
    const notQueued = [...saleDeliveries, ...returnDeliveries].filter(
      (d) => d.answer?.status !== 200 || d.answer.json?.infcode !== 0
    );
    expect(
      notQueued.map(describeDelivery).slice(0, 10),
      'the proxy accepts and queues sales and returns while the platform is down'
    ).to.deep.equal([]);

    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
    const during = await sandbox.stats();
    expect(during.requests.total, 'nothing reached the platform while it was down').to.equal(before.requests.total);
    const waiting = await uploadCounts(tg);
    expect(waiting.delivered, 'nothing delivered during the outage').to.equal(deliveredBefore);
    const retried = (await listUploads(tg, ['pending'])).filter((u) => u.attempts > 0);
    expect(retried.length, 'the outbox kept trying (connection refused is transient)').to.be.greaterThan(0);
    expect(
      retried.some((u) => /^UPSTREAM_REFUSED/.test(u.lastError ?? '')),
      `a refused connection was recorded as such: ${retried[0]?.lastError}`
    ).to.equal(true);

    await sandbox.setFaults({ down: false });
    const upAt = Date.now();
    const counts = await waitUntilDrained(tg, 120_000);
    const drainMs = Date.now() - upAt;
    const dead = await listUploads(tg, ['dead']);
    expect(dead.map((u) => `${u.id} ${u.infno} ${u.businessKey}: ${u.lastError}`)).to.deep.equal([]);

    await expectEachReceivedOnce(
      sandbox,
      [...sales, ...returns].map((m) => m.bchno)
    );
    const rows = await sandbox.rows();
    const ridOf = new Map(rows.map((r) => [r.bchno, r.rid]));
    const overtaken = returns.filter((r) => (ridOf.get(r.bchno) ?? -1) < (ridOf.get(r.saleBchno ?? '') ?? Infinity));
    expect(
      overtaken.map(
        (r) =>
          `${r.bchno} (rid ${ridOf.get(r.bchno)}) before its sale ${r.saleBchno} (rid ${ridOf.get(r.saleBchno ?? '')})`
      ),
      'returns the platform received before their sale'
    ).to.deep.equal([]);
    expect(rows.filter((r) => r.infno === '3506' && r.bchno.startsWith(`R${his.runTag}`))).to.have.length(
      returns.length
    );
    expect(await sandbox.duplicateCodes(), 'a returned pack is not a second sale').to.deep.equal([]);
    console.log(
      `      ${SALES} sales and ${returns.length} returns queued during a ${OUTAGE_MS / 1000} s outage; ` +
        `drained ${(drainMs / 1000).toFixed(1)} s after the platform came back; outbox ${JSON.stringify(counts)}`
    );
  });
});
