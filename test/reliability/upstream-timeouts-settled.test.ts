/**
 * The platform processes a share of the calls but answers them too late (timeoutRate 0.25, holdMs 3000 against
 * tracegate's insurance.upstream.timeoutMs 500): each such call is ambiguous, and is settled by the platform's
 * own 3511 query by fixmedins_bchno, never by a blind resend.
 * - store-and-forward: the outbox settles its timed-out uploads; every sale reaches the platform exactly once.
 * - sync: the HIS may be told infcode -1 UPSTREAM_UNCERTAIN; the settling round (settleAfterSeconds 1) finds the
 *   sale at the platform and completes it in the ledger, so the ledger and the platform agree, and a resend of
 *   the same msgid then gets the settled answer without another copy reaching the platform.
 */
import { expect } from 'chai';
import type { Delivery } from './support/his-driver.js';
import { describeDelivery, driveAll, postEnvelope } from './support/his-driver.js';
import { HisMessages } from './support/his-messages.js';
import { sleep } from './support/managed-process.js';
import { expectEachReceivedOnce } from './support/exactly-once.js';
import { listUploads, waitUntilDrained } from './support/outbox-state.js';
import { useScenario } from './support/scenario.js';
import type { TracegateProcess } from './support/tracegate-process.js';
import { packState } from './support/tracegate-process.js';

const FAULTS = { timeoutRate: 0.25, holdMs: 3000 };
const UPSTREAM_TIMEOUT_MS = 500;

describe('insurance relay: platform answers too late (real processes)', function () {
  const scenario = useScenario('timeouts');

  it('store-and-forward: settles every timed-out upload by query and delivers each sale exactly once', async function () {
    this.timeout(300_000);
    const sales = 200;
    const sandbox = await scenario.sandbox({ seed: 33 });
    const tg = await scenario.tracegate({
      upstreamUrl: sandbox.url,
      mode: 'store-and-forward',
      instanceId: 'reliability-timeouts-saf',
      upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
    });
    await sandbox.setFaults(FAULTS);
    const his = new HisMessages();
    const messages = Array.from({ length: sales }, () => his.sale());
    const started = Date.now();
    const deliveries = await driveAll(messages, {
      serviceUrl: tg.serviceUrl,
      concurrency: 8,
      deadline: Date.now() + 120_000,
    });
    const driveMs = Date.now() - started;
    const notQueued = deliveries.filter((d) => d.answer?.status !== 200 || d.answer.json?.infcode !== 0);
    expect(notQueued.map(describeDelivery).slice(0, 10)).to.deep.equal([]);

    const counts = await waitUntilDrained(tg, 180_000);
    const drainMs = Date.now() - started - driveMs;
    const dead = await listUploads(tg, ['dead']);
    expect(dead.map((u) => `${u.id} ${u.infno} ${u.businessKey}: ${u.lastError}`)).to.deep.equal([]);
    const stats = await expectEachReceivedOnce(
      sandbox,
      messages.map((m) => m.bchno)
    );
    expect(stats.faults.timeout, 'the sandbox did hold answers past the timeout').to.be.greaterThan(10);
    expect(stats.requests.byInfno['3511'] ?? 0, 'timed-out uploads were settled by 3511 queries').to.be.greaterThan(0);
    console.log(
      `      ${sales} sales queued in ${(driveMs / 1000).toFixed(1)} s, delivered ${(drainMs / 1000).toFixed(1)} s later; ` +
        `${stats.faults.timeout} answers held past the timeout; ` +
        `${stats.requests.byInfno['3511'] ?? 0} settling queries; outbox ${JSON.stringify(counts)}`
    );
  });

  it('sync: an uncertain sale is settled by query, and the ledger then agrees with the platform', async function () {
    this.timeout(300_000);
    const sales = 150;
    const sandbox = await scenario.sandbox({ seed: 34 });
    const tg = await scenario.tracegate({
      upstreamUrl: sandbox.url,
      mode: 'sync',
      instanceId: 'reliability-timeouts-sync',
      upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
      settleAfterSeconds: 1,
    });
    await waitUntilDrained(tg, 60_000);
    await sandbox.setFaults(FAULTS);
    const his = new HisMessages();
    const messages = Array.from({ length: sales }, () => his.sale());
    const started = Date.now();
    const deliveries = await driveAll(messages, {
      serviceUrl: tg.serviceUrl,
      concurrency: 8,
      deadline: Date.now() + 120_000,
    });
    const driveMs = Date.now() - started;
    const ok = deliveries.filter(
      (d) =>
        d.answer?.status === 200 &&
        d.answer.json?.infcode === 0 &&
        (d.answer.json.output as { result?: { retRslt?: unknown } } | null)?.result?.retRslt === '1'
    );
    const uncertain = deliveries.filter((d) => /UPSTREAM_UNCERTAIN/.test(String(d.answer?.json?.err_msg ?? '')));
    const other = deliveries.filter((d) => !ok.includes(d) && !uncertain.includes(d));
    expect(other.map(describeDelivery).slice(0, 10), 'answers other than success or uncertain').to.deep.equal([]);
    expect(uncertain.length, 'some HIS calls ran into the timeout').to.be.greaterThan(0);
    for (const d of uncertain) {
      expect(d.answer?.status).to.equal(200);
      expect(d.answer?.json?.infcode).to.equal(-1);
    }

    // The platform recorded every call it processed (a held answer is processed first): the uncertain ones too.
    const recorded = new Set((await sandbox.rows({ infno: '3505' })).map((r) => r.bchno));
    const unrecorded = deliveries.filter((d) => !recorded.has(d.message.bchno)).map(describeDelivery);
    expect(unrecorded.slice(0, 10), 'sales the sandbox never recorded').to.deep.equal([]);

    // Settling (the fault stays on: a settling query that times out is asked again in the next round): every
    // recorded sale's packs end up dispensed in tracegate.
    const settling = Date.now();
    const notDispensed = await waitForDispensed(tg, deliveries, 90_000);
    const settleMs = Date.now() - settling;
    expect(notDispensed.slice(0, 10), 'packs of sales the platform has, not dispensed in tracegate').to.deep.equal([]);

    // The HIS asks again with the same msgid: the settled answer, and no second copy at the platform.
    const again = await Promise.all(uncertain.map((d) => postEnvelope(tg.serviceUrl, d.message.body)));
    expect(
      again.filter((a) => a.json?.infcode !== 0).map((a) => a.text.slice(0, 200)),
      'a resent uncertain msgid after settling gets the stored success'
    ).to.deep.equal([]);
    const stats = await expectEachReceivedOnce(
      sandbox,
      deliveries.map((d) => d.message.bchno)
    );
    expect(await sandbox.duplicateCodes()).to.deep.equal([]);
    console.log(
      `      ${sales} sync sales in ${(driveMs / 1000).toFixed(1)} s: ${ok.length} answered at once, ` +
        `${uncertain.length} uncertain, settled within ${(settleMs / 1000).toFixed(1)} s ` +
        `(${stats.requests.byInfno['3511'] ?? 0} settling queries)`
    );
  });
});

/** Poll until every pack of every delivery is dispensed; returns the ones still not dispensed at the deadline. */
async function waitForDispensed(tg: TracegateProcess, deliveries: Delivery[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = deliveries.flatMap((d) => d.message.codes.map((code) => ({ code, bchno: d.message.bchno })));
  for (;;) {
    const states = await Promise.all(pending.map(async (p) => ({ ...p, state: await packState(tg, p.code) })));
    pending = states.filter((s) => s.state !== 'dispensed');
    if (pending.length === 0 || Date.now() > deadline) {
      return states
        .filter((s) => s.state !== 'dispensed')
        .map((s) => `${s.bchno} ${s.code}: ${s.state ?? 'not in ledger'}`);
    }
    await sleep(500);
  }
}
