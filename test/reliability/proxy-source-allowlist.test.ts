/**
 * insurance.proxy.allowFrom: a source address outside the list may not use the proxy. The test can only reach
 * tracegate from loopback, so it runs a tracegate that allows 10.0.0.0/8 only: a valid 3505 from 127.0.0.1 is
 * refused with HTTP 403 and the platform's envelope (infcode -1 naming the address), nothing reaches the
 * platform or the ledger, and the rest of tracegate keeps answering.
 */
import { expect } from 'chai';
import { postEnvelope } from './support/his-driver.js';
import { HisMessages } from './support/his-messages.js';
import { waitUntilDrained } from './support/outbox-state.js';
import { useScenario } from './support/scenario.js';
import { packState } from './support/tracegate-process.js';

describe('insurance proxy: source address allowlist (real processes)', function () {
  const scenario = useScenario('allowlist');

  it('refuses a source outside insurance.proxy.allowFrom with 403 and infcode -1', async function () {
    this.timeout(120_000);
    const sandbox = await scenario.sandbox({ seed: 55 });
    const tg = await scenario.tracegate({
      upstreamUrl: sandbox.url,
      mode: 'sync',
      instanceId: 'reliability-allowlist',
      allowFrom: ['10.0.0.0/8'],
    });
    // The demo data's own uploads go out first, so every later request at the platform would be the proxy's.
    await waitUntilDrained(tg, 60_000);
    const before = await sandbox.stats();
    const his = new HisMessages();
    const sale = his.sale();

    const answer = await postEnvelope(tg.serviceUrl, sale.body);
    expect(answer.status, answer.text).to.equal(403);
    expect(answer.json?.infcode).to.equal(-1);
    expect(String(answer.json?.err_msg)).to.match(/127\.0\.0\.1.*allowFrom/);
    // A pass-through transaction is refused the same way: the list guards the whole proxy.
    const passThrough = await postEnvelope(tg.serviceUrl, JSON.stringify(his.envelope('1101', { data: {} })));
    expect(passThrough.status).to.equal(403);
    expect(passThrough.json?.infcode).to.equal(-1);

    const after = await sandbox.stats();
    expect(after.requests.total - before.requests.total, 'requests that reached the platform').to.equal(0);
    expect(await packState(tg, sale.codes[0] as string), 'the refused sale changed the ledger').to.equal(null);
    expect((await fetch(`${tg.url}/healthz`)).status).to.equal(200);
    expect(tg.alive).to.equal(true);
  });
});
