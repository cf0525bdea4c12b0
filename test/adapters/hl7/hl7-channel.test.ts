import { expect } from 'chai';
import { Message } from 'node-hl7-client';
import { buildAck, hl7Time } from '../../../adapters/hl7/build-ack.js';
import { agrees, declaredCharset } from '../../../adapters/hl7/hl7-charset.js';
import { Hl7Channel } from '../../../adapters/hl7/hl7-channel.js';
import { hl7ChannelSchema, type Hl7ChannelInput } from '../../../adapters/hl7/hl7-config.js';
import type { InboundMessage } from '../../../core/channels/inbound-message.js';
import { inboundMessage } from '../../support/inbound-message.js';
import { recordingLog } from '../../support/recording-log.js';
import { rds } from './hl7-fixtures.js';

const AT = new Date('2026-11-22T00:30:05.000Z');

function channel(config: Partial<Hl7ChannelInput> = {}, log = recordingLog()): Hl7Channel {
  return new Hl7Channel(hl7ChannelSchema.parse({ port: 0, ...config }), log, () => AT);
}

function decided(raw: string, patch: Partial<InboundMessage>): InboundMessage {
  return inboundMessage({
    id: 'M000001',
    sourceKey: 'MSG0001',
    kind: 'dispense',
    receivedAt: AT.toISOString(),
    raw: Buffer.from(raw, 'utf8'),
    state: 'accepted',
    sessionId: 'D000001',
    reference: 'RX1',
    updatedAt: AT.toISOString(),
    ...patch,
  });
}

const inbound = rds({ controlId: 'MSG0001', prescriptionNo: 'RX1', codes: ['C1'] });

describe('Hl7Channel ACKs', () => {
  it('answers an accepted message AA, addressed back to the sender, without ERR', () => {
    const text = channel({ ack: { sendingApplication: 'TG', sendingFacility: 'PHARM' } }).replyOf(
      decided(inbound, {})
    ) as string;
    expect(text.endsWith('\r')).to.equal(true);
    const ack = new Message({ text });
    expect(ack.get('MSH.3').toString()).to.equal('TG');
    expect(ack.get('MSH.4').toString()).to.equal('PHARM');
    expect(ack.get('MSH.5').toString()).to.equal('HIS');
    expect(ack.get('MSH.6').toString()).to.equal('HOSP');
    expect(ack.get('MSH.7').toString()).to.equal('20261122083005+0800');
    expect(ack.get('MSH.9').toRaw()).to.equal('ACK^O13^ACK');
    expect(ack.get('MSH.11').toString()).to.equal('P');
    expect(ack.get('MSH.12').toString()).to.equal('2.5');
    expect(ack.get('MSH.18').toString()).to.equal('UNICODE UTF-8');
    expect(ack.get('MSA').toString()).to.equal('MSA|AA|MSG0001');
    expect(ack.get('ERR').toString()).to.equal('');
  });

  it('answers a refusal AR with ERR-3 code^text, ERR-4 E, ERR-8 and MSA-3, escaping | ^ ~ \\ & and line breaks', () => {
    const why = '追溯码 A|B^C~D\\E&F 不能发药\r请核查';
    const text = channel().replyOf(
      decided(inbound, { state: 'refused', code: 'CODE_ALREADY_DISPENSED', message: why })
    );
    expect(text).to.contain('A\\F\\B\\S\\C\\R\\D\\E\\E\\T\\F');
    const ack = new Message({ text: text as string });
    expect(ack.get('MSA.1').toString()).to.equal('AR');
    expect(ack.get('MSA.2').toString()).to.equal('MSG0001');
    expect(ack.get('MSA.3').toString()).to.equal('追溯码 A|B^C~D\\E&F 不能发药 请核查');
    expect(ack.get('ERR.3.1').toString()).to.equal('CODE_ALREADY_DISPENSED');
    expect(ack.get('ERR.3.2').toString()).to.equal('追溯码 A|B^C~D\\E&F 不能发药 请核查');
    expect(ack.get('ERR.4').toString()).to.equal('E');
    expect(ack.get('ERR.8').toString()).to.equal('追溯码 A|B^C~D\\E&F 不能发药 请核查');
  });

  it('points ERR-2 at the missing field of an invalid message (segment^occurrence^field)', () => {
    const raw = inbound.replace('RXD|1|Y0001^阿托伐他汀钙片', 'RXD|1|');
    const ch = channel();
    const read = ch.read(Buffer.from(raw, 'utf8'));
    expect(read.ok).to.equal(false);
    const error = (read as { ok: false; error: { code: string; message: string } }).error;
    const text = ch.replyOf(decided(raw, { state: 'invalid', kind: null, code: error.code, message: error.message }));
    expect(new Message({ text: text as string }).get('ERR.2').toRaw()).to.equal('RXD^1^2');
  });

  it('gives each ACK its own MSH-10 (≤ 20 characters), and no reply for an undecided message', () => {
    const ch = channel();
    const ids = [1, 2, 3].map((n) => new Message({ text: ch.replyOf(decided(inbound, { id: `M${n}` })) as string }));
    const controlIds = ids.map((m) => m.get('MSH.10').toString());
    expect(new Set(controlIds).size).to.equal(3);
    controlIds.forEach((id) => expect(id.length).to.be.within(1, 20));
    expect(ch.replyOf(decided(inbound, { state: 'received' }))).to.equal(null);
  });

  it('keeps MSA-3 within 80 characters, ERR-8 whole', () => {
    const long = '原因'.repeat(100);
    const text = buildAck({
      ackCode: 'AR',
      inbound: null,
      problem: { code: 'X', message: long },
      charset: 'gbk',
      sender: { application: 'TG', facility: '' },
      at: AT,
    });
    const ack = new Message({ text });
    expect([...ack.get('MSA.3').toString()]).to.have.length(80);
    expect(ack.get('ERR.8').toString()).to.equal(long);
    expect(ack.get('MSA.2').toString()).to.equal('');
    expect(ack.get('MSH.18').toString()).to.equal('');
  });

  it('writes hospital time whatever the server zone', () => {
    expect(hl7Time(new Date('2026-12-31T16:00:00.000Z'))).to.equal('20270101000000+0800');
  });
});

describe('Hl7Channel keys and charsets', () => {
  it('keys a message by MSH-10, and by the hash of its bytes when MSH-10 is missing or not plain ASCII', () => {
    const ch = channel();
    expect(ch.sourceKeyOf(Buffer.from(inbound, 'utf8'))).to.equal('MSG0001');
    const garbage = Buffer.from('not hl7', 'utf8');
    expect(ch.sourceKeyOf(garbage)).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(ch.sourceKeyOf(garbage)).to.equal(ch.sourceKeyOf(Buffer.from('not hl7', 'utf8')));
    const chinese = Buffer.from(inbound.replace('MSG0001', '消息1'), 'utf8');
    expect(ch.sourceKeyOf(chinese)).to.match(/^sha256:/);
  });

  it('warns once when MSH-18 disagrees with the configured charset (the configured one is used)', () => {
    const log = recordingLog();
    const ch = channel({}, log);
    const declared = Buffer.from(rds({ controlId: 'A', prescriptionNo: 'RX1', codes: ['C1'], msh18: 'GB 18030-2000' }));
    expect(ch.read(declared).ok).to.equal(true);
    expect(ch.read(declared).ok).to.equal(true);
    expect(log.lines.filter((l) => l.level === 'warn')).to.have.length(1);
    expect(log.lines[0]?.fields).to.deep.include({ msh18: 'GB 18030-2000', charset: 'utf-8' });
    ch.read(Buffer.from(rds({ controlId: 'B', prescriptionNo: 'RX1', codes: ['C1'], msh18: 'UNICODE UTF-8' })));
    expect(log.lines.filter((l) => l.level === 'warn')).to.have.length(1);
  });

  it('maps HL7 table 0211 names (and the usual non-standard ones) to charsets', () => {
    expect(declaredCharset('UNICODE UTF-8')).to.equal('utf-8');
    expect(declaredCharset('GB 18030-2000')).to.equal('gb18030');
    expect(declaredCharset('gbk')).to.equal('gbk');
    expect(declaredCharset('ASCII')).to.equal('ascii');
    expect(declaredCharset('')).to.equal(null);
    expect(declaredCharset('8859/1')).to.equal('unknown');
    expect(agrees('gb18030', 'gbk')).to.equal(true);
    expect(agrees('gbk', 'gb18030')).to.equal(false);
    expect(agrees('utf-8', 'ascii')).to.equal(true);
  });
});
