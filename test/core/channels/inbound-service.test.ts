import { expect } from 'chai';
import type { HisEvent } from '../../../core/channels/his-event.js';
import type { InboundChannel } from '../../../core/channels/inbound-channel.js';
import { invalid } from '../../../core/errors.js';
import { atorvastatinOrder, channelWorld, type ChannelWorld } from '../../support/channel-world.js';
import { inboundMessage } from '../../support/inbound-message.js';

const bytes = (event: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(event));

/** A channel whose bytes are the event's JSON ("broken" for unreadable input), answering `state:code`. */
function jsonChannel(name = 'test', after: string[] = []): InboundChannel {
  return {
    name,
    read(raw) {
      const text = new TextDecoder().decode(raw);
      return text === 'broken'
        ? { ok: false, error: invalid('TEST_UNREADABLE', '无法读取') }
        : { ok: true, event: JSON.parse(text) as HisEvent };
    },
    replyOf: (m) => `${m.state}:${m.code ?? ''}`,
    afterDecision: async (m) => {
      after.push(`${m.id}:${m.state}`);
    },
  };
}

function dispense(w: ChannelWorld, rx: string, codes: string[]): HisEvent {
  return {
    kind: 'dispense',
    order: atorvastatinOrder(rx, codes.length),
    codes,
    actor: '药师 张敏',
    location: '门诊药房',
  };
}

function returnOf(rx: string, codes: string[]): HisEvent {
  return {
    kind: 'return',
    order: {
      dispenseId: null,
      prescriptionNo: rx,
      visitNo: null,
      reason: '患者退药',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: codes.length }],
    },
    codes,
    actor: null,
    location: null,
  };
}

describe('HIS channels: the inbound service', () => {
  it('stores, decides through the window and answers; the packs are dispensed once', async () => {
    const w = await channelWorld(4);
    const after: string[] = [];
    w.inbound.register(jsonChannel('test', after));
    const { message, replayed } = await w.inbound.receive(
      'test',
      'MSG1',
      bytes(dispense(w, 'RX1', w.stock.slice(0, 2)))
    );
    expect(replayed).to.equal(false);
    expect(message).to.include({ state: 'accepted', kind: 'dispense', reference: 'RX1', reply: 'accepted:' });
    expect(message.sessionId).to.match(/^D/);
    const packs = await w.store.getPacks(w.stock.slice(0, 2));
    expect([...packs.values()].map((p) => p.state)).to.deep.equal(['dispensed', 'dispensed']);
    expect(after).to.deep.equal([`${message.id}:accepted`]);
  });

  it('a repeated key gets the stored answer and no second decision', async () => {
    const w = await channelWorld(4);
    w.inbound.register(jsonChannel());
    const event = bytes(dispense(w, 'RX1', w.stock.slice(0, 1)));
    const first = await w.inbound.receive('test', 'MSG1', event);
    const again = await w.inbound.receive('test', 'MSG1', event);
    expect(again.replayed).to.equal(true);
    expect(again.message).to.deep.equal(first.message);
    expect(await w.store.findSessions({ kind: 'dispense', prescriptionNo: 'RX1' })).to.have.length(1);
  });

  it('refuses a dispense of a code already dispensed and a return of a box not sold on that prescription, with the HTTP API codes', async () => {
    const w = await channelWorld(4);
    w.inbound.register(jsonChannel());
    await w.inbound.receive('test', 'M1', bytes(dispense(w, 'RX1', w.stock.slice(0, 2))));
    const twice = await w.inbound.receive('test', 'M2', bytes(dispense(w, 'RX2', [w.stock[1] as string])));
    expect(twice.message).to.include({
      state: 'refused',
      code: 'CODE_ALREADY_DISPENSED',
      reply: 'refused:CODE_ALREADY_DISPENSED',
    });
    expect(twice.message.message).to.contain(w.stock[1]);
    const foreign = await w.inbound.receive('test', 'M3', bytes(returnOf('RX1', [w.stock[3] as string])));
    expect(foreign.message).to.include({ state: 'refused', code: 'RETURN_CODE_NOT_DISPENSED_HERE' });
    const right = await w.inbound.receive('test', 'M4', bytes(returnOf('RX1', [w.stock[0] as string])));
    expect(right.message).to.include({ state: 'accepted', kind: 'return' });
    // Nothing is left open behind a refused message.
    for (const kind of ['dispense', 'return'] as const) {
      expect(await w.store.findSessions({ kind, state: 'open' })).to.deep.equal([]);
    }
  });

  it('refuses a message naming the same code twice', async () => {
    const w = await channelWorld(2);
    w.inbound.register(jsonChannel());
    const code = w.stock[0] as string;
    const { message } = await w.inbound.receive('test', 'M1', bytes(dispense(w, 'RX1', [code, code])));
    expect(message).to.include({ state: 'refused', code: 'CODE_TWICE_IN_MESSAGE' });
  });

  it('keeps an unreadable message as invalid, with its bytes', async () => {
    const w = await channelWorld(1);
    w.inbound.register(jsonChannel());
    const raw = new TextEncoder().encode('broken');
    const { message } = await w.inbound.receive('test', 'sha256:x', raw);
    expect(message).to.include({ state: 'invalid', code: 'TEST_UNREADABLE', reply: 'invalid:TEST_UNREADABLE' });
    expect(Buffer.from((await w.inbound.get(message.id)).raw).toString()).to.equal('broken');
  });

  it('finishes a message stored but not decided before a crash, and never decides it twice', async () => {
    const w = await channelWorld(3);
    w.inbound.register(jsonChannel());
    // What a crash leaves: the message stored as received, its session completed but the decision not recorded.
    const event = dispense(w, 'RX1', w.stock.slice(0, 1));
    const now = w.clock.now().toISOString();
    const { message } = await w.store.insertInbound(
      inboundMessage({
        id: 'M900001',
        channel: 'test',
        sourceKey: 'K1',
        receivedAt: now,
        raw: bytes(event),
        updatedAt: now,
      })
    );
    const session = await w.window.openWithScans(
      'dispense',
      event.order,
      event.codes,
      { actor: 'x', roles: [] },
      { sessionId: 'D900001' }
    );
    await w.window.complete(session.session.id, { actor: 'x', roles: [] });
    const recovered = await w.inbound.recover('2999-01-01T00:00:00.000Z');
    expect(recovered.map((m) => [m.id, m.state, m.sessionId])).to.deep.equal([[message.id, 'accepted', 'D900001']]);
    // The HIS resending the message gets the recovered answer.
    const resent = await w.inbound.receive('test', 'K1', bytes(event));
    expect(resent).to.deep.include({ replayed: true });
    expect(await w.store.findSessions({ kind: 'dispense', prescriptionNo: 'RX1' })).to.have.length(1);
  });

  it('re-drives a refused message as a new one linked to it, and refuses to re-drive an accepted one', async () => {
    const w = await channelWorld(2);
    const after: string[] = [];
    w.inbound.register(jsonChannel('test', after));
    // Refused because the box is out with RX1; once RX1 returns it to stock, the re-drive is accepted.
    const box = w.stock[0] as string;
    await w.inbound.receive('test', 'M0', bytes(dispense(w, 'RX1', [box])));
    const refusedMsg = (await w.inbound.receive('test', 'M1', bytes(dispense(w, 'RX9', [box])))).message;
    expect(refusedMsg.state).to.equal('refused');
    await w.inbound.receive('test', 'M2', bytes(returnOf('RX1', [box])));
    const redriven = await w.inbound.redrive(refusedMsg.id);
    expect(redriven).to.include({ state: 'accepted', originalId: refusedMsg.id, channel: 'test' });
    expect((await w.inbound.get(refusedMsg.id)).state).to.equal('refused');
    expect(await w.inbound.list({ originalId: refusedMsg.id, limit: 10 })).to.have.length(1);
    expect(after).to.have.length(4);
    const again = await w.inbound.redrive(redriven.id).catch((e: unknown) => e);
    expect(again).to.include({ code: 'INBOUND_ALREADY_ACCEPTED' });
  });

  it('re-drives a filtered batch, skipping accepted messages', async () => {
    const w = await channelWorld(3);
    w.inbound.register(jsonChannel());
    await w.inbound.receive('test', 'A', bytes(dispense(w, 'RX1', [w.stock[0] as string])));
    await w.inbound.receive('test', 'B', bytes(dispense(w, 'RX2', [w.stock[0] as string])));
    await w.inbound.receive('test', 'C', new TextEncoder().encode('broken'));
    const { redriven, skipped } = await w.inbound.redriveMany({ channel: 'test' });
    expect(redriven.map((m) => m.state)).to.deep.equal(['refused', 'invalid']);
    expect(skipped).to.have.length(1);
  });
});

describe('HIS channels: sender keys', () => {
  it('keeps keys up to 191 characters and makes longer ones distinct and bounded', async () => {
    const { boundedKey } = await import('../../../core/channels/inbound-keys.js');
    expect(boundedKey('MSG-1')).to.equal('MSG-1');
    const a = boundedKey(`${'x'.repeat(200)}a`);
    const b = boundedKey(`${'x'.repeat(200)}b`);
    expect(a).to.have.length(191);
    expect(a).to.not.equal(b);
  });
});
