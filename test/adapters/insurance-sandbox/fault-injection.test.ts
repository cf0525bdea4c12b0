import { expect } from 'chai';
import type { Sandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { startSandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { admin, call, envelope, post, sale } from './sandbox-test-kit.js';

describe('insurance sandbox: fault injection', function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: 20261122 });
  });
  after(async () => {
    await sandbox.stop();
  });
  beforeEach(async () => {
    await sandbox.reset();
  });

  /** n requests in sequence; the n-th 3505 carries bchno `${prefix}-${i}`. */
  async function burst(n: number, prefix: string, timeoutMs?: number) {
    const replies = [];
    for (let i = 0; i < n; i++) {
      replies.push(
        await post(sandbox.serviceUrl, envelope('3505', { selinfo: sale(`${prefix}-${i}`) }), { timeoutMs })
      );
    }
    return replies;
  }

  it('latency: every answer comes at least latencyMs late, and is counted', async () => {
    await sandbox.setFaults({ latencyMs: 150, latencyJitterMs: 50 });
    const replies = await burst(3, 'LAT');
    for (const reply of replies) {
      expect(reply.kind).to.equal('reply');
      expect(reply.ms).to.be.at.least(140).and.below(2000);
    }
    expect(sandbox.stats().faults.latency).to.equal(3);
    expect(sandbox.rows()).to.have.length(3);
  });

  it('errorRate: 503s that are not processed, the same ones for the same seed', async () => {
    const pattern = async (): Promise<string> => {
      await sandbox.setFaults({ errorRate: 0.5 });
      const replies = await burst(30, 'ERR');
      return replies.map((r) => (r.kind === 'reply' ? String(r.status) : r.code)).join(',');
    };
    const first = await pattern();
    const errors = first.split(',').filter((s) => s === '503').length;
    expect(first.split(',').every((s) => s === '200' || s === '503')).to.equal(true);
    expect(errors).to.be.within(6, 24);
    const stats = sandbox.stats();
    expect(stats.faults.error).to.equal(errors);
    expect(stats.requests.total).to.equal(30);
    expect(stats.requests.byInfno['3505'], 'a 503 is not processed').to.equal(30 - errors);
    expect(stats.rows.recorded).to.equal(30 - errors);
    await sandbox.reset();
    expect(await pattern(), 'reset re-seeds the RNG').to.equal(first);
  });

  it('busyRate: infcode -1 系统繁忙, nothing recorded for those requests', async () => {
    await sandbox.setFaults({ busyRate: 0.5 });
    const replies = await burst(30, 'BUSY');
    const busy = replies.flatMap((r, i) =>
      r.kind === 'reply' && r.json.infcode === -1 ? [{ i, msg: r.json.err_msg as string }] : []
    );
    expect(busy.length).to.be.within(6, 24);
    expect(busy.every((b) => b.msg === '系统繁忙，请稍后再试')).to.equal(true);
    expect(sandbox.stats().faults.busy).to.equal(busy.length);
    for (const { i } of busy) {
      expect(sandbox.receivedCount(`BUSY-${i}`)).to.equal(0);
    }
    expect(sandbox.rows()).to.have.length(30 - busy.length);
  });

  it('timeoutRate: the row is recorded, the answer held past the client’s timeout', async () => {
    await sandbox.setFaults({ timeoutRate: 1, holdMs: 5000 });
    const reply = await post(sandbox.serviceUrl, envelope('3505', { selinfo: sale('TO-1') }), { timeoutMs: 300 });
    expect(reply).to.include({ kind: 'error', code: 'CLIENT_TIMEOUT' });
    expect(sandbox.rows({ bchno: 'TO-1' })).to.have.length(1);
    expect(sandbox.stats().faults.timeout).to.equal(1);
    // The relay settles the unknown outcome with a query once the platform answers again.
    await sandbox.setFaults({ timeoutRate: 0 });
    const found = await call(sandbox, envelope('3511', { data: { fixmedins_bchno: 'TO-1' } }));
    expect(found.output.data).to.have.length(1);
    // A client patient enough gets the held answer after holdMs.
    await sandbox.setFaults({ timeoutRate: 1, holdMs: 250 });
    const late = await post(sandbox.serviceUrl, envelope('3505', { selinfo: sale('TO-2') }), { timeoutMs: 3000 });
    expect(late.kind === 'reply' && late.json.output.result.retRslt).to.equal('1');
    expect(late.ms).to.be.at.least(240);
  });

  it('dropRate: the connection is cut, half before processing and half after, both counted', async () => {
    await sandbox.setFaults({ dropRate: 1 });
    const replies = await burst(24, 'DROP');
    expect(replies.every((r) => r.kind === 'error' && r.code === 'ECONNRESET')).to.equal(true);
    const { faults, rows } = sandbox.stats();
    expect(faults.dropBeforeProcessing + faults.dropAfterProcessing).to.equal(24);
    expect(faults.dropBeforeProcessing).to.be.at.least(1);
    expect(faults.dropAfterProcessing).to.be.at.least(1);
    expect(rows.recorded, 'only the ones dropped after processing are recorded').to.equal(faults.dropAfterProcessing);
    const received = replies.map((_, i) => sandbox.receivedCount(`DROP-${i}`));
    expect(received.filter((n) => n === 1)).to.have.length(faults.dropAfterProcessing);
    expect(received.filter((n) => n === 0)).to.have.length(faults.dropBeforeProcessing);
  });

  it('down: ECONNREFUSED (also for a kept-alive client) while admin answers; up again on the same port, state kept', async () => {
    expect((await call(sandbox, envelope('3505', { selinfo: sale('DOWN-1') }))).output.result.retRslt).to.equal('1');
    const keptAlive = await fetch(sandbox.serviceUrl, { method: 'POST', body: JSON.stringify(envelope('9001', {})) });
    expect(keptAlive.status).to.equal(200);
    await keptAlive.text();

    await admin(sandbox, 'PUT', '/sandbox/faults', { down: true });
    const refused = await post(sandbox.serviceUrl, envelope('3505', { selinfo: sale('DOWN-2') }));
    expect(refused).to.include({ kind: 'error', code: 'ECONNREFUSED' });
    let fetchError: unknown;
    try {
      await fetch(sandbox.serviceUrl, { method: 'POST', body: JSON.stringify(envelope('9001', {})) });
    } catch (e) {
      fetchError = e;
    }
    expect(fetchError, 'the pooled connection was closed too').to.be.instanceOf(Error);
    const stats = await admin(sandbox, 'GET', '/sandbox/stats');
    expect(stats.body.rows.live).to.equal(1);

    const port = sandbox.port;
    expect((await sandbox.setFaults({ down: false })).down).to.equal(false);
    const back = await call(sandbox, envelope('3505', { selinfo: sale('DOWN-1') }));
    expect(back.output.result.msgRslt, 'state kept: DOWN-1 is still recorded').to.contain('已存在');
    expect(sandbox.port).to.equal(port);
    expect(sandbox.receivedCount('DOWN-1')).to.equal(2);
  });

  it('a sandbox started down comes up on the port it reserved', async () => {
    const started = await startSandbox({ faults: { down: true } });
    try {
      expect(started.port).to.be.above(0);
      expect(await post(started.serviceUrl, envelope('9001', {}))).to.include({ code: 'ECONNREFUSED' });
      await started.setFaults({ down: false });
      expect((await call(started, envelope('9001', {}))).infcode).to.equal(0);
    } finally {
      await started.stop();
    }
  });

  it('stop() ends held answers and both listeners', async () => {
    const doomed = await startSandbox({ faults: { timeoutRate: 1, holdMs: 60_000 } });
    const pending = post(doomed.serviceUrl, envelope('3505', { selinfo: sale('STOP-1') }));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await doomed.stop();
    expect(Date.now() - started).to.be.below(1000);
    expect(await pending).to.include({ kind: 'error' });
    expect(await post(doomed.serviceUrl, envelope('9001', {}))).to.include({ code: 'ECONNREFUSED' });
    const adminGone = await fetch(`${doomed.adminUrl}/sandbox/stats`).catch((e: unknown) => e);
    expect(adminGone).to.be.instanceOf(Error);
  });
});
