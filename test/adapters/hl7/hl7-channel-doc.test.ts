/** docs/hl7-channel.md says what the code does: its configuration defaults, example messages and example ACK. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Hl7Channel } from '../../../adapters/hl7/hl7-channel.js';
import { hl7ChannelSchema } from '../../../adapters/hl7/hl7-config.js';
import { Hl7Message } from '../../../adapters/hl7/hl7-message.js';
import { mapHl7Event } from '../../../adapters/hl7/map-hl7-event.js';
import type { ReadResult } from '../../../core/channels/inbound-channel.js';
import { channelWorld } from '../../support/channel-world.js';
import { silentLog } from '../../support/recording-log.js';

const doc = readFileSync(new URL('../../../docs/hl7-channel.md', import.meta.url), 'utf8');

function example(name: string): string {
  const match = new RegExp(`<!-- hl7-example: ${name} -->\\s*\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(doc);
  expect(match, `example ${name} in docs/hl7-channel.md`).to.not.equal(null);
  return (match as RegExpExecArray)[1] as string;
}

/** Segments one per line in the document, CR-separated on the wire. */
const wire = (text: string) => text.trimEnd().split('\n').join('\r');

function read(text: string): ReadResult {
  const parsed = Hl7Message.parse(wire(text));
  return parsed.ok ? mapHl7Event(parsed.message, hl7ChannelSchema.parse({ port: 0 }).mapping) : parsed;
}

describe('docs/hl7-channel.md', () => {
  it('writes out exactly the configuration defaults', () => {
    const [entry] = (parseYaml(example('config')) as { channels: { hl7: unknown[] } }).channels.hl7;
    expect(hl7ChannelSchema.parse(entry)).to.deep.equal(hl7ChannelSchema.parse({ port: 2575 }));
  });

  it('example dispense reads as the text says', () => {
    const result = read(example('dispense'));
    expect(result).to.deep.equal({
      ok: true,
      event: {
        kind: 'dispense',
        codes: ['81010010000000000001', '81010010000000000002'],
        actor: 'YS07',
        location: null,
        order: {
          prescriptionNo: 'RX20261122001',
          visitNo: 'MZ20261122000045',
          insuranceVisitId: null,
          patientId: 'P0012345',
          patientName: '王小明',
          settlementType: 'self_pay',
          settlementId: null,
          doctorName: '李医生',
          lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 2, unit: '盒' }],
        },
      },
    });
  });

  it('example return reads as the text says', () => {
    const result = read(example('return'));
    expect(result.ok).to.equal(true);
    expect((result as { event: unknown }).event).to.deep.include({
      kind: 'return',
      codes: ['81010010000000000002'],
      order: {
        dispenseId: null,
        prescriptionNo: 'RX20261122001',
        visitNo: null,
        reason: '患者过敏，未拆封退回',
        lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }],
      },
    });
  });

  it('example AR is what the channel answers (but for its own MSH-10)', async () => {
    const w = await channelWorld(2);
    const config = hl7ChannelSchema.parse({ port: 0, ack: { sendingFacility: 'PHARMACY' } });
    const channel = new Hl7Channel(config, silentLog, () => new Date('2026-11-22T01:15:02Z'));
    w.inbound.register(channel);
    const first = Buffer.from(wire(example('dispense')), 'utf8');
    const second = Buffer.from(
      wire(example('dispense'))
        .replace('MSG20261122000123', 'MSG20261122000124')
        .replace(/RX20261122001/g, 'RX20261122002'),
      'utf8'
    );
    await w.inbound.receive('hl7', channel.sourceKeyOf(first), first);
    const { message } = await w.inbound.receive('hl7', channel.sourceKeyOf(second), second);
    const withoutId = (text: string) =>
      text
        .trim()
        .split(/\r|\n/)
        .map((line) => line.replace(/\|TG[0-9A-Z]+\|/, '|ID|'));
    expect(withoutId(message.reply as string)).to.deep.equal(withoutId(example('ack')));
  });
});
