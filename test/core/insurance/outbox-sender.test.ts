import { expect } from 'chai';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import type { RequestEnvelope } from '../../../core/insurance/envelope.js';
import { MsgIdSource } from '../../../core/insurance/msgid-source.js';
import { OutboxSender, type OutboxSenderOptions } from '../../../core/insurance/outbox-sender.js';
import {
  accept,
  businessRowOf,
  code,
  failure,
  queryAnswer,
  reply,
  returnRow,
  saleRow,
  ScriptedPlatform,
  TestClock,
} from './outbox-fixtures.js';

const options: OutboxSenderOptions = {
  owner: 'tg-1',
  institution: {
    fixmedinsCode: 'H31011500001',
    fixmedinsName: '某某医院',
    mdtrtareaAdmvs: '310115',
    insuplcAdmdvs: '310115',
    recerSysCode: 'YBXT',
    infver: 'V1.0',
  },
  operator: { opterType: '1', opter: 'tracegate', opterName: '溯码网关' },
  completion: { defaults: {}, staff: [] },
  retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 3 },
  leaseMs: 30_000,
  batchSize: 10,
  concurrency: 2,
  settleDelayMs: 500,
};

function setup(over: Partial<OutboxSenderOptions> = {}) {
  const store = new MemoryStore();
  const clock = new TestClock();
  const platform = new ScriptedPlatform();
  const sender = new OutboxSender(
    store,
    platform,
    new MsgIdSource('H31011500001'),
    clock,
    { ...options, ...over },
    () => 0.999
  );
  return { store, clock, platform, sender };
}

const nodeOf = (e: RequestEnvelope): Record<string, unknown> =>
  (e.input as { selinfo: Record<string, unknown> }).selinfo;

describe('the outbox sender', () => {
  it('sends a pending row once, in the single-row node with a fresh msgid, and marks it delivered', async () => {
    const { store, clock, platform, sender } = setup();
    const [u] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), clock.now().toISOString()),
    ]);
    expect(await sender.runOnce()).to.equal(1);
    expect(await sender.runOnce()).to.equal(0);
    expect(platform.infnos()).to.deep.equal(['3505']);
    expect(nodeOf(platform.received[0] as RequestEnvelope).fixmedins_bchno).to.equal('D1-1');
    const { upload, attempts } = { upload: await store.getUpload(u!.id), attempts: await store.listAttempts(u!.id) };
    expect(upload).to.include({ state: 'delivered', attempts: 1, infRefmsgid: '310000202611291000000000000001' });
    expect(attempts).to.have.length(1);
    expect(attempts[0]).to.include({ infno: '3505', outcome: 'delivered', msgid: platform.received[0]?.msgid });
    expect(attempts[0]?.msgid).to.have.length(30);
  });

  it('a transient failure waits (backoff) and is sent again later; the platform sees two requests, two msgids', async () => {
    const { store, clock, platform, sender } = setup();
    const [u] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), clock.now().toISOString()),
    ]);
    platform.script = () => failure('transient');
    await sender.runOnce();
    expect(await store.getUpload(u!.id)).to.include({ state: 'pending', errorClass: 'transient', attempts: 1 });
    expect(await sender.runOnce()).to.equal(0); // not due yet
    clock.advance(2000);
    platform.script = accept;
    await sender.runOnce();
    expect(await store.getUpload(u!.id)).to.include({ state: 'delivered', attempts: 2 });
    expect(new Set(platform.received.map((e) => e.msgid)).size).to.equal(2);
  });

  it('a timeout is settled by a 3511 query before any resend: found → delivered, the row sent once', async () => {
    const { store, clock, platform, sender } = setup();
    const [u] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), clock.now().toISOString()),
    ]);
    platform.script = () => failure('ambiguous');
    await sender.runOnce();
    expect(await store.getUpload(u!.id)).to.include({ state: 'ambiguous' });
    clock.advance(2000);
    platform.script = (e) => (e.infno === '3511' ? queryAnswer(['D1-1']) : accept(e));
    await sender.runOnce();
    expect(platform.infnos()).to.deep.equal(['3505', '3511']);
    expect(await store.getUpload(u!.id)).to.include({ state: 'delivered' });
    const query = platform.received[1]?.input as { data: Record<string, unknown> };
    expect(query.data).to.include({ fixmedins_bchno: 'D1-1', med_list_codg: 'XC10AAA034A001010100445' });
  });

  it('a timeout the platform did not record is sent again after the query says so', async () => {
    const { store, clock, platform, sender } = setup();
    const [u] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), clock.now().toISOString()),
    ]);
    platform.script = () => failure('ambiguous');
    await sender.runOnce();
    clock.advance(2000);
    platform.script = (e) => (e.infno === '3511' ? queryAnswer([]) : accept(e));
    await sender.runOnce();
    expect(platform.infnos()).to.deep.equal(['3505', '3511', '3505']);
    expect(await store.getUpload(u!.id)).to.include({ state: 'delivered', attempts: 3 });
  });

  it('a query that fails leaves the upload ambiguous; nothing is resent blind', async () => {
    const { store, clock, platform, sender } = setup();
    const [u] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), clock.now().toISOString()),
    ]);
    platform.script = () => failure('ambiguous');
    await sender.runOnce();
    clock.advance(2000);
    await sender.runOnce();
    expect(platform.infnos()).to.deep.equal(['3505', '3511']);
    expect(await store.getUpload(u!.id)).to.include({ state: 'ambiguous' });
  });

  it('a refusal by the platform is a dead letter with the platform reason; a row over the limits is never sent', async () => {
    const { store, clock, platform, sender } = setup();
    const at = clock.now().toISOString();
    const [refused, invalid] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), at),
      businessRowOf('3505', saleRow('D1-2', [code(2)], { manu_date: null }), at),
    ]);
    platform.script = () => reply({ infcode: 0, output: { result: { retRslt: '0', msgRslt: '医疗目录编码不存在' } } });
    await sender.runOnce();
    expect(platform.received).to.have.length(1);
    expect(await store.getUpload(refused!.id)).to.include({ state: 'dead', errorClass: 'permanent' });
    expect((await store.getUpload(refused!.id))?.lastError).to.contain('医疗目录编码不存在');
    const dead = await store.getUpload(invalid!.id);
    expect(dead).to.include({ state: 'dead', errorClass: 'permanent' });
    expect(dead?.lastError).to.match(/^ROW_INVALID: .*manu_date/);
  });

  it('a return never overtakes its sale: the 3506 waits while the 3505 of the same pack is undelivered', async () => {
    const { store, clock, platform, sender } = setup();
    const at = clock.now().toISOString();
    await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), at),
      businessRowOf('3506', returnRow('T1-1', 'D1-1', [code(1)]), at),
      businessRowOf('3505', saleRow('D2-1', [code(2)]), at),
    ]);
    platform.script = (e) => (nodeOf(e).fixmedins_bchno === 'D1-1' ? failure('transient') : accept(e));
    await sender.runOnce();
    expect(platform.received.map((e) => nodeOf(e).fixmedins_bchno)).to.deep.equal(['D1-1', 'D2-1']);
    clock.advance(5000);
    platform.script = accept;
    await sender.runOnce();
    await sender.runOnce();
    expect(platform.received.map((e) => nodeOf(e).fixmedins_bchno)).to.deep.equal(['D1-1', 'D2-1', 'D1-1', 'T1-1']);
  });

  it('a 3507 whose answer was lost is sent again, and "not found" then means the first one deleted the row', async () => {
    const { store, clock, platform, sender } = setup();
    const deletion = {
      ...businessRowOf('3505', { fixmedins_bchno: 'D1-1', inv_data_type: '4' }, clock.now().toISOString()),
      infno: '3507' as const,
      businessKey: 'D1-1:del',
    };
    const [u] = await store.enqueueUploads([deletion]);
    platform.script = () => failure('ambiguous');
    await sender.runOnce();
    clock.advance(2000);
    platform.script = () =>
      reply({ infcode: 0, output: { result: { retRslt: '0', msgRslt: '未找到批次流水号 D1-1 的销售信息' } } });
    await sender.runOnce();
    expect(platform.infnos()).to.deep.equal(['3507', '3507']);
    expect(await store.getUpload(u!.id)).to.include({ state: 'delivered', attempts: 2 });
  });

  it('too many transient failures make a dead letter', async () => {
    const { store, clock, platform, sender } = setup();
    const [u] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), clock.now().toISOString()),
    ]);
    platform.script = () => failure('transient');
    for (let i = 0; i < 3; i++) {
      await sender.runOnce();
      clock.advance(120_000);
    }
    const dead = await store.getUpload(u!.id);
    expect(dead).to.include({ state: 'dead', attempts: 3 });
    expect(dead?.lastError).to.match(/^MAX_ATTEMPTS/);
  });

  it('an attempt written before a stop but not yet counted does not block the settling (attempt numbers catch up)', async () => {
    const { store, clock, platform, sender } = setup();
    const [u] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), clock.now().toISOString()),
    ]);
    await store.claimDue({
      now: clock.now().toISOString(),
      limit: 10,
      owner: 'tg-1',
      leaseUntil: new Date(clock.ms + 60_000).toISOString(),
    });
    await store.startAttempt({
      uploadId: u!.id,
      attempt: 1,
      infno: '3505',
      msgid: 'H31011500001202611291000000001',
      startedAt: clock.now().toISOString(),
      finishedAt: null,
      outcome: null,
      httpStatus: null,
      infcode: null,
      message: null,
      request: '{}',
      response: null,
    });
    await sender.recoverOwnLeases();
    platform.script = (e) => (e.infno === '3511' ? queryAnswer([]) : accept(e));
    await sender.runOnce();
    expect(platform.infnos()).to.deep.equal(['3511', '3505']);
    expect(await store.getUpload(u!.id)).to.include({ state: 'delivered', attempts: 3 });
    expect((await store.listAttempts(u!.id)).map((a) => a.attempt)).to.deep.equal([1, 2, 3]);
  });

  it('a failure on one upload is reported and the rest of the round goes on', async () => {
    const store = new MemoryStore();
    const clock = new TestClock();
    const platform = new ScriptedPlatform();
    const errors: unknown[] = [];
    const sender = new OutboxSender(store, platform, new MsgIdSource('H31011500001'), clock, options, () => 0.5, {
      onError: (_u, e) => errors.push(e),
    });
    const at = clock.now().toISOString();
    await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), at),
      businessRowOf('3505', saleRow('D2-1', [code(2)]), at),
    ]);
    platform.script = (e) => {
      if ((e.input as { selinfo: { fixmedins_bchno: string } }).selinfo.fixmedins_bchno === 'D1-1') {
        throw new Error('boom');
      }
      return accept(e);
    };
    await sender.runOnce();
    expect(errors).to.have.length(1);
    expect((await store.getUploadByKey('D2-1'))?.state).to.equal('delivered');
  });

  it('after a restart its own uploads left mid-call are settled first, not resent', async () => {
    const { store, clock, platform, sender } = setup();
    const [u] = await store.enqueueUploads([
      businessRowOf('3505', saleRow('D1-1', [code(1)]), clock.now().toISOString()),
    ]);
    // The process claimed the row and died during the call (the lease is still running).
    await store.claimDue({
      now: clock.now().toISOString(),
      limit: 10,
      owner: 'tg-1',
      leaseUntil: new Date(clock.ms + 60_000).toISOString(),
    });
    expect(await sender.recoverOwnLeases()).to.equal(1);
    platform.script = (e) => (e.infno === '3511' ? queryAnswer(['D1-1']) : accept(e));
    await sender.runOnce();
    expect(platform.infnos()).to.deep.equal(['3511']);
    expect(await store.getUpload(u!.id)).to.include({ state: 'delivered' });
  });
});
