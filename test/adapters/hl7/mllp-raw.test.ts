/**
 * The MLLP listener as bytes see it (a raw TCP peer): GBK messages and answers, broken and oversized frames, several
 * frames per chunk and one frame over several chunks, replayed ACKs byte for byte, raw bytes stored byte-exact.
 */
import { expect } from 'chai';
import iconv from 'iconv-lite';
import sinon from 'sinon';
import { createHl7Channel, type Hl7ChannelRuntime } from '../../../adapters/hl7/create-hl7-channel.js';
import { hl7ChannelSchema, type Hl7ChannelInput } from '../../../adapters/hl7/hl7-config.js';
import type { Session } from '../../../core/window/session.js';
import { channelWorld, type ChannelWorld } from '../../support/channel-world.js';
import { silentLog } from '../../support/recording-log.js';
import { frame, RawPeer, rds, readAck, sleep } from './hl7-fixtures.js';

describe('HL7 MLLP listener (raw TCP peer)', () => {
  let w: ChannelWorld;
  let runtime: Hl7ChannelRuntime;
  let peer: RawPeer;

  async function open(config: Partial<Hl7ChannelInput> = {}): Promise<void> {
    runtime = createHl7Channel(hl7ChannelSchema.parse({ host: '127.0.0.1', port: 0, ...config }), {
      inbound: w.inbound,
      log: silentLog,
    });
    await runtime.start();
    peer = new RawPeer(runtime.address()?.port as number);
  }

  beforeEach(async () => {
    w = await channelWorld(10);
  });

  afterEach(async () => {
    sinon.restore();
    peer.close();
    await runtime.stop();
  });

  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  const stored = () => w.inbound.list({ channel: 'hl7', limit: 100 });

  it('decodes a GBK message (Chinese name and reason) and answers in GBK', async () => {
    await open({ charset: 'gbk' });
    const [a, c] = w.stock as [string, string, string];
    const dispense = iconv.encode(
      rds({ controlId: 'G1', prescriptionNo: 'RX1', codes: [a], patientName: '张三丰' }),
      'gbk'
    );
    const wrongBox = iconv.encode(
      rds({ controlId: 'G2', prescriptionNo: 'RX1', codes: [c], quantity: -1, reason: '患者过敏，退回' }),
      'gbk'
    );
    await peer.write(frame(dispense), frame(wrongBox));
    const [first, second] = (await peer.answersFor(2)).map((bytes) => iconv.decode(bytes, 'gbk'));
    expect(readAck(first as string)).to.include({ code: 'AA', controlId: 'G1' });
    const refusal = readAck(second as string);
    expect(refusal).to.include({ code: 'AR', controlId: 'G2', errCode: 'RETURN_CODE_NOT_DISPENSED_HERE' });
    expect(refusal.errText).to.contain('不能退药');
    const [dispensed, returned] = await stored();
    const sale = (await w.store.getSession(dispensed?.sessionId as string)) as Session;
    expect(sale.order).to.include({ patientName: '张三丰' });
    const refusedReturn = (await w.store.getSession(returned?.sessionId as string)) as Session;
    expect(refusedReturn.order).to.include({ reason: '患者过敏，退回' });
    expect(Buffer.from(dispensed?.raw as Uint8Array).equals(dispense)).to.equal(true);
    expect(Buffer.from(returned?.raw as Uint8Array).equals(wrongBox)).to.equal(true);
  });

  it('refuses GBK bytes on a UTF-8 channel (HL7_CHARSET_MISMATCH) instead of storing a garbled name', async () => {
    await open();
    const gbk = iconv.encode(rds({ controlId: 'G1', prescriptionNo: 'RX1', codes: [w.stock[0] as string] }), 'gbk');
    await peer.write(frame(gbk));
    const [answer] = await peer.answersFor(1);
    expect(readAck(answer?.toString('utf8') as string)).to.include({ code: 'AR', errCode: 'HL7_CHARSET_MISMATCH' });
  });

  it('answers a broken frame AR with an ERR, stores it invalid with its bytes, and replays it for a resend', async () => {
    await open();
    const garbage = utf8('hello, this is not HL7 \u0001\u00ff');
    const noMsh = utf8('PID|1||P001||王^小明\rRXD|1|Y0001');
    await peer.write(frame(garbage), frame(noMsh), frame(garbage));
    const answers = await peer.answersFor(3);
    for (const answer of answers) {
      expect(readAck(answer.toString('utf8'))).to.include({ code: 'AR', controlId: '', errCode: 'HL7_UNREADABLE' });
    }
    expect(answers[2]?.equals(answers[0] as Buffer)).to.equal(true);
    const messages = await stored();
    expect(messages.map((m) => [m.state, m.code])).to.deep.equal([
      ['invalid', 'HL7_UNREADABLE'],
      ['invalid', 'HL7_UNREADABLE'],
    ]);
    expect(messages[0]?.sourceKey).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(Buffer.from(messages[0]?.raw as Uint8Array).equals(garbage)).to.equal(true);
    expect(Buffer.from(messages[1]?.raw as Uint8Array).equals(noMsh)).to.equal(true);
  });

  it('answers two frames in one chunk, in order, and a frame split over chunks (inside a character)', async () => {
    await open();
    const [a, b, c] = w.stock as [string, string, string];
    const one = utf8(rds({ controlId: 'M1', prescriptionNo: 'RX1', codes: [a] }));
    const two = utf8(rds({ controlId: 'M2', prescriptionNo: 'RX2', codes: [b] }));
    const three = frame(utf8(rds({ controlId: 'M3', prescriptionNo: 'RX3', codes: [c], patientName: '欧阳^娜娜' })));
    // Split inside 欧 (three UTF-8 bytes), with noise before the start byte.
    const cut = three.indexOf(Buffer.from('欧', 'utf8')) + 1;
    await peer.write(
      Buffer.concat([utf8('\r\n'), frame(one), frame(two)]),
      three.subarray(0, cut),
      three.subarray(cut)
    );
    const answers = (await peer.answersFor(3)).map((bytes) => readAck(bytes.toString('utf8')));
    expect(answers.map((x) => [x.code, x.controlId])).to.deep.equal([
      ['AA', 'M1'],
      ['AA', 'M2'],
      ['AA', 'M3'],
    ]);
    const messages = await stored();
    expect(messages.map((m) => Buffer.from(m.raw).toString('utf8'))).to.deep.equal(
      [one, two, three.subarray(1, -2)].map((x) => x.toString('utf8'))
    );
    expect(Buffer.from(messages[2]?.raw as Uint8Array).equals(three.subarray(1, -2))).to.equal(true);
    const third = (await w.store.getSession(messages[2]?.sessionId as string)) as Session;
    expect(third.order).to.include({ patientName: '欧阳娜娜' });
  });

  it('replays the stored ACK byte for byte for a repeated MSH-10, with no second decision', async () => {
    await open();
    const message = frame(utf8(rds({ controlId: 'M1', prescriptionNo: 'RX1', codes: [w.stock[0] as string] })));
    await peer.write(message);
    await peer.answersFor(1);
    const decide = sinon.spy(w.window, 'decideMessage');
    await peer.write(message);
    const [first, second] = await peer.answersFor(2);
    expect(second?.equals(first as Buffer)).to.equal(true);
    expect(first?.toString('utf8')).to.equal((await stored())[0]?.reply);
    expect(decide.called).to.equal(false);
  });

  it('answers an oversized frame AR (HL7_FRAME_TOO_LARGE), closes that connection and keeps listening', async () => {
    await open({ maxFrameBytes: 2048 });
    const big =
      rds({ controlId: 'BIG1', prescriptionNo: 'RX1', codes: [w.stock[0] as string] }) + `\rNTE|1||${'x'.repeat(5000)}`;
    await peer.write(frame(utf8(big)));
    const [answer] = await peer.answersFor(1);
    expect(readAck(answer?.toString('utf8') as string)).to.include({
      code: 'AR',
      controlId: 'BIG1',
      errCode: 'HL7_FRAME_TOO_LARGE',
    });
    await peer.waitClosed();
    expect(await stored()).to.have.length(0);
    peer = new RawPeer(runtime.address()?.port as number);
    await peer.write(frame(utf8(rds({ controlId: 'M2', prescriptionNo: 'RX2', codes: [w.stock[1] as string] }))));
    expect(readAck(((await peer.answersFor(1))[0] as Buffer).toString('utf8'))).to.include({ code: 'AA' });
  });

  it('survives random bytes and a peer that resets while its answer is pending', async () => {
    await open({ maxFrameBytes: 4096 });
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const noise = Buffer.from(Array.from({ length: 20_000 }, () => random() % 256));
    await peer.write(noise.subarray(0, 7000), noise.subarray(7000));
    const insert = w.store.insertInbound.bind(w.store);
    sinon.stub(w.store, 'insertInbound').callsFake(async (m) => {
      await sleep(100);
      return insert(m);
    });
    const reset = new RawPeer(runtime.address()?.port as number);
    await reset.write(frame(utf8(rds({ controlId: 'R1', prescriptionNo: 'RX1', codes: [w.stock[0] as string] }))));
    reset.close();
    await sleep(200);
    sinon.restore();
    const fresh = new RawPeer(runtime.address()?.port as number);
    await fresh.write(frame(utf8(rds({ controlId: 'M2', prescriptionNo: 'RX2', codes: [w.stock[1] as string] }))));
    const [answer] = await fresh.answersFor(1);
    expect(readAck(answer?.toString('utf8') as string)).to.include({ code: 'AA', controlId: 'M2' });
    fresh.close();
    // The reset peer's message was still stored and decided; its resend would get the stored ACK.
    expect((await stored()).find((m) => m.sourceKey === 'R1')?.state).to.equal('accepted');
  });

  it('answers a peer that half-closes after its last frame, then closes the connection', async () => {
    await open();
    await peer.write(frame(utf8(rds({ controlId: 'M1', prescriptionNo: 'RX1', codes: [w.stock[0] as string] }))));
    peer.end();
    const [answer] = await peer.answersFor(1);
    expect(readAck(answer?.toString('utf8') as string)).to.include({ code: 'AA', controlId: 'M1' });
    await peer.waitClosed();
  });

  it('stop() answers the frames in hand before closing, then reports not listening', async () => {
    await open();
    const [check] = runtime.checks;
    expect(check?.name).to.equal('hl7 channel hl7');
    expect((await check?.check())?.ok).to.equal(true);
    const insert = w.store.insertInbound.bind(w.store);
    sinon.stub(w.store, 'insertInbound').callsFake(async (m) => {
      await sleep(200);
      return insert(m);
    });
    await peer.write(frame(utf8(rds({ controlId: 'M1', prescriptionNo: 'RX1', codes: [w.stock[0] as string] }))));
    await runtime.stop();
    const [answer] = await peer.answersFor(1);
    expect(readAck(answer?.toString('utf8') as string)).to.include({ code: 'AA', controlId: 'M1' });
    await peer.waitClosed();
    expect((await check?.check())?.ok).to.equal(false);
  });
});
