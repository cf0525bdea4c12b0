/**
 * The HL7 channel over real loopback TCP, the HIS being node-hl7-client's Client: ACKs say AA/AR with the same
 * machine codes the HTTP API gives, and the ledger moves only for accepted messages.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { createHl7Channel, type Hl7ChannelRuntime } from '../../../adapters/hl7/create-hl7-channel.js';
import { hl7ChannelSchema } from '../../../adapters/hl7/hl7-config.js';
import { channelWorld, type ChannelWorld } from '../../support/channel-world.js';
import { silentLog } from '../../support/recording-log.js';
import { ackOf, HisClient, rds } from './hl7-fixtures.js';

describe('HL7 channel over MLLP (node-hl7-client as the HIS)', () => {
  let w: ChannelWorld;
  let runtime: Hl7ChannelRuntime;
  let his: HisClient;

  beforeEach(async () => {
    w = await channelWorld(10);
    runtime = createHl7Channel(hl7ChannelSchema.parse({ host: '127.0.0.1', port: 0 }), {
      inbound: w.inbound,
      log: silentLog,
    });
    await runtime.start();
    his = new HisClient(runtime.address()?.port as number);
  });

  afterEach(async () => {
    sinon.restore();
    await his.close();
    await runtime.stop();
  });

  const states = async (codes: string[]) =>
    [...(await w.store.getPacks(codes)).values()].map((p) => [p.traceCode, p.state, p.ref]);

  it('accepts a dispense (AA, MSA-2 = MSH-10) and the packs are dispensed in the ledger', async () => {
    const codes = w.stock.slice(0, 2);
    const ack = ackOf(await his.send(rds({ controlId: 'MSG0001', prescriptionNo: 'RX1', codes })));
    expect(ack).to.include({ code: 'AA', controlId: 'MSG0001', errCode: '' });
    expect(await states(codes)).to.deep.equal(codes.map((c) => [c, 'dispensed', 'RX1']));
    const [stored] = await w.inbound.list({ channel: 'hl7', limit: 10 });
    expect(stored).to.include({ sourceKey: 'MSG0001', state: 'accepted', kind: 'dispense', reference: 'RX1' });
    // RXD-10 (the dispensing provider) is who dispensed.
    expect(await w.store.getSession(stored?.sessionId as string)).to.include({ createdBy: 'YS01', state: 'completed' });
  });

  it('refuses the same box on a second prescription: AR with ERR naming CODE_ALREADY_DISPENSED', async () => {
    const code = w.stock[0] as string;
    await his.send(rds({ controlId: 'MSG0001', prescriptionNo: 'RX1', codes: [code] }));
    const ack = ackOf(await his.send(rds({ controlId: 'MSG0002', prescriptionNo: 'RX2', codes: [code] })));
    expect(ack).to.include({ code: 'AR', controlId: 'MSG0002', errCode: 'CODE_ALREADY_DISPENSED' });
    expect(ack.errText).to.contain(code).and.contain('同一药盒不能重复发药');
    expect(await states([code])).to.deep.equal([[code, 'dispensed', 'RX1']]);
  });

  it('refuses a return of a box not dispensed on that prescription (RETURN_CODE_NOT_DISPENSED_HERE)', async () => {
    const [a, b, c] = w.stock as [string, string, string];
    await his.send(rds({ controlId: 'D1', prescriptionNo: 'RX1', codes: [a, b] }));
    await his.send(rds({ controlId: 'D2', prescriptionNo: 'RX2', codes: [c] }));
    const ack = ackOf(await his.send(rds({ controlId: 'R1', prescriptionNo: 'RX1', codes: [c], quantity: -1 })));
    expect(ack).to.include({ code: 'AR', controlId: 'R1', errCode: 'RETURN_CODE_NOT_DISPENSED_HERE' });
    expect(await states([c])).to.deep.equal([[c, 'dispensed', 'RX2']]);
  });

  it('accepts the return of the right box (negative quantity), and by ORC-1 CR', async () => {
    const [a, b] = w.stock as [string, string];
    await his.send(rds({ controlId: 'D1', prescriptionNo: 'RX1', codes: [a, b] }));
    const negative = ackOf(await his.send(rds({ controlId: 'R1', prescriptionNo: 'RX1', codes: [a], quantity: -1 })));
    expect(negative).to.include({ code: 'AA', controlId: 'R1' });
    const cancel = ackOf(
      await his.send(rds({ controlId: 'R2', prescriptionNo: 'RX1', codes: [b], quantity: 1, orderControl: 'CR' }))
    );
    expect(cancel).to.include({ code: 'AA', controlId: 'R2' });
    expect((await states([a, b])).map(([, state]) => state)).to.deep.equal(['in_stock', 'in_stock']);
    const returns = await w.inbound.list({ channel: 'hl7', kind: 'return', limit: 10 });
    expect(returns.map((m) => m.state)).to.deep.equal(['accepted', 'accepted']);
  });

  it('answers a repeated MSH-10 with the stored ACK and decides nothing again', async () => {
    const message = rds({ controlId: 'MSG0001', prescriptionNo: 'RX1', codes: [w.stock[0] as string] });
    const first = await his.send(message);
    const decide = sinon.spy(w.window, 'decideMessage');
    const again = await his.send(message);
    expect(again.toString()).to.equal(first.toString());
    expect(decide.called).to.equal(false);
    const stored = await w.inbound.list({ channel: 'hl7', limit: 10 });
    expect(stored).to.have.length(1);
    expect(stored[0]?.reply?.trimEnd()).to.equal(first.toString());
  });

  it('answers a message missing a required field AR with HL7_FIELD_MISSING and where (ERR-2)', async () => {
    const text = rds({ controlId: 'MSG0009', prescriptionNo: 'RX1', codes: [w.stock[0] as string] }).replace(
      'Y0001^阿托伐他汀钙片',
      ''
    );
    const ack = await his.send(text);
    expect(ackOf(ack)).to.include({ code: 'AR', controlId: 'MSG0009', errCode: 'HL7_FIELD_MISSING' });
    expect(ack.get('ERR.2').toRaw()).to.equal('RXD^1^2');
    expect(ackOf(ack).errText).to.contain('RXD-2（药品编码）');
    const [stored] = await w.inbound.list({ channel: 'hl7', limit: 10 });
    expect(stored).to.include({ state: 'invalid', code: 'HL7_FIELD_MISSING' });
  });

  it('answers AE when the store fails, stores nothing as decided, and takes the resent message', async () => {
    const message = rds({ controlId: 'MSG0001', prescriptionNo: 'RX1', codes: [w.stock[0] as string] });
    const insert = sinon.stub(w.store, 'insertInbound').rejects(new Error('disk full'));
    const failed = ackOf(await his.send(message));
    expect(failed).to.include({ code: 'AE', controlId: 'MSG0001', errCode: 'STORE_UNAVAILABLE' });
    expect(failed.errText).to.equal('存储失败，请重发');
    expect(await w.inbound.list({ channel: 'hl7', limit: 10 })).to.have.length(0);
    insert.restore();
    expect(ackOf(await his.send(message))).to.include({ code: 'AA', controlId: 'MSG0001' });
  });
});
