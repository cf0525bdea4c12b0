/**
 * kill -9 of tracegate while a HIS streams HL7 dispenses over MLLP (four connections, each one message at a time,
 * resending the same bytes when no ACK comes). tracegate comes back on the same store and ports; every message ends
 * acknowledged AA, each decided exactly once: one stored message and one completed dispense per control id, each
 * pack dispensed once in its history.
 */
import { expect } from 'chai';
import { demoCode } from '../../plugin/demo/demo-catalog.js';
import { rds } from '../adapters/hl7/hl7-fixtures.js';
import { sleep } from './support/managed-process.js';
import { type Acked, MllpSender } from './support/mllp-sender.js';
import { useScenario } from './support/scenario.js';
import { freePort, packState, type TracegateProcess } from './support/tracegate-process.js';

const MESSAGES = 240;
const SENDERS = 4;

interface StoredMessage {
  sourceKey: string;
  state: string;
  sessionId: string | null;
}

describe('HL7 channel: kill -9 while a HIS streams dispenses (real processes)', function () {
  const scenario = useScenario('hl7-kill');

  it(`acknowledges each of ${MESSAGES} dispenses and decides each exactly once across a kill -9`, async function () {
    this.timeout(300_000);
    const sandbox = await scenario.sandbox({ seed: 5 });
    const hl7Port = await freePort();
    const tg = await scenario.tracegate({
      upstreamUrl: sandbox.url,
      mode: 'sync',
      channels: { hl7: [{ name: 'hl7', host: '127.0.0.1', port: hl7Port }] },
    });
    // Never-received boxes (policy warn): every message is accepted unless it is decided twice.
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({
      controlId: `MSG${String(i + 1).padStart(5, '0')}`,
      code: demoCode('8101001', 5000 + i),
      prescriptionNo: `RX-HL7-${i + 1}`,
    }));

    let acked = 0;
    let restart: Promise<void> | null = null;
    const deadline = Date.now() + 200_000;
    const killAndRestart = async (): Promise<void> => {
      await tg.kill();
      await sleep(300);
      await tg.start();
    };
    const lanes = Array.from({ length: SENDERS }, (_, lane) => messages.filter((_, i) => i % SENDERS === lane));
    const results: Acked[] = [];
    await Promise.all(
      lanes.map(async (lane) => {
        const sender = new MllpSender(hl7Port);
        try {
          for (const m of lane) {
            const text = rds({ controlId: m.controlId, prescriptionNo: m.prescriptionNo, codes: [m.code] });
            results.push(await sender.send(m.controlId, text, deadline));
            if (++acked >= MESSAGES / 3 && !restart) {
              restart = killAndRestart();
            }
          }
        } finally {
          sender.close();
        }
      })
    );
    await restart;

    expect(results.filter((r) => r.code !== 'AA')).to.deep.equal([]);
    const resent = results.filter((r) => r.sends > 1).length;
    expect(resent, 'some messages were in flight at the kill and sent again').to.be.greaterThan(0);
    await expectDecidedOnce(tg, messages);
  });
});

async function expectDecidedOnce(tg: TracegateProcess, messages: { controlId: string; code: string }[]): Promise<void> {
  const { body } = await tg.get<{ messages: StoredMessage[] }>('/api/v1/inbound?channel=hl7&limit=1000');
  expect(body.messages).to.have.length(messages.length);
  expect(new Set(body.messages.map((m) => m.sourceKey))).to.deep.equal(new Set(messages.map((m) => m.controlId)));
  expect(body.messages.filter((m) => m.state !== 'accepted')).to.deep.equal([]);
  expect(new Set(body.messages.map((m) => m.sessionId)).size).to.equal(messages.length);
  for (const m of messages) {
    expect(await packState(tg, m.code), m.code).to.equal('dispensed');
    const { body: pack } = await tg.get<{ history: { action: string }[] }>(`/api/v1/codes/${m.code}`);
    expect(
      pack.history.filter((e) => e.action === 'dispense'),
      m.code
    ).to.have.length(1);
  }
}
