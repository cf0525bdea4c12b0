/**
 * The HIS channels' inbound messages and polling watermarks, part of the one Store contract (store-contract.ts
 * calls this inside its suite, so every store runs it after the same truncateAll).
 */
import { expect } from 'chai';
import type { InboundMessage, InboundQuery } from '../../core/channels/inbound-message.js';
import type { InboundDecision } from '../../core/ports/inbound-store.js';
import type { Store } from '../../core/ports/store.js';
import { inboundMessage } from '../support/inbound-message.js';
import { tracegateError } from './contract-assertions.js';
import { T0, T1 } from './store-fixtures.js';

export interface InboundContractContext {
  /** The suite's store (opened in its `before`). */
  store(): Store;
  /** Runs `fn` on one store, then (where the store allows it) on two instances sharing its data. */
  withTwoHandles(fn: (a: Store, b: Store) => Promise<void>): Promise<void>;
}

/** T1 plus `n` minutes, as an ISO instant. */
function minutes(n: number): string {
  return new Date(Date.parse(T1) + n * 60_000).toISOString();
}

/** tracegate's message ids: `M` + time + sequence (21 characters, id order = the sequence's order). */
function msgId(n: number): string {
  return `M20250701093000${String(n).padStart(6, '0')}`;
}

const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];

/**
 * An HL7 v2 message as a GBK-speaking HIS sends it: 你好 is 0xC4 0xE3 0xBA 0xC3 and 张三 0xD5 0xC5 0xC8 0xFD,
 * which are not UTF-8 (a decode would replace them), followed by a NUL, 0xFF and a lone continuation byte.
 */
const GBK_HL7 = Uint8Array.from([
  ...ascii('MSH|^~\\&|HIS|HOSP|TRACEGATE|HOSP|20250701093000||RDS^O13^RDS_O13|MSG00001|P|2.5|||||CHN|GBK\r'),
  ...ascii('PID|||P0001||'),
  0xd5,
  0xc5,
  0xc8,
  0xfd,
  ...ascii('\rNTE|1||'),
  0xc4,
  0xe3,
  0xba,
  0xc3,
  ...ascii('\r'),
  0x00,
  0xff,
  0x80,
]);

function inbound(n: number, overrides: Partial<InboundMessage> = {}): InboundMessage {
  return inboundMessage({
    id: msgId(n),
    sourceKey: `MSG${String(n).padStart(5, '0')}`,
    receivedAt: T1,
    raw: Uint8Array.from(GBK_HL7),
    updatedAt: T1,
    ...overrides,
  });
}

/** 2 MiB of every byte value, not text in any charset. */
function bigPayload(): Uint8Array {
  const bytes = new Uint8Array(2 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  }
  return bytes;
}

function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  expect(actual, what).to.be.instanceOf(Uint8Array);
  expect(actual.byteLength, `${what}: length`).to.equal(expected.byteLength);
  expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected)), `${what}: bytes`).to.equal(0);
}

const ACK = 'MSH|^~\\&|TRACEGATE|HOSP|HIS|HOSP|20250701093001||ACK^O13^ACK|A00001|P|2.5\rMSA|AA|MSG00001\r';

function accepted(overrides: Partial<InboundDecision> = {}): InboundDecision {
  return {
    state: 'accepted',
    code: null,
    message: null,
    sessionId: 'D20250701093000000001',
    reply: ACK,
    kind: 'dispense',
    reference: 'CF20250701-0001',
    ...overrides,
  };
}

const ids = (messages: InboundMessage[]) => messages.map((m) => m.id);

export function inboundContract(ctx: InboundContractContext): void {
  const store = () => ctx.store();

  describe('inbound messages', () => {
    it('stores a message and finds it by key and by id, its raw bytes exactly as received', async () => {
      const m = inbound(1);
      expect(await store().insertInbound(m)).to.deep.equal({ message: m, inserted: true });
      const byId = await store().getInbound(m.id);
      const byKey = await store().findInbound('hl7', m.sourceKey);
      expect(byId).to.deep.equal(m);
      expect(byKey).to.deep.equal(m);
      sameBytes(byId!.raw, GBK_HL7, 'by id');
      sameBytes(byKey!.raw, GBK_HL7, 'by key');
      expect(await store().getInbound(msgId(2))).to.equal(undefined);
      expect(await store().findInbound('hl7', 'MSG99999')).to.equal(undefined);
      expect(await store().findInbound('fhir', m.sourceKey)).to.equal(undefined);
    });

    it('copies bytes in and out: changing a given or returned array changes nothing stored', async () => {
      const m = inbound(1);
      const { message } = await store().insertInbound(m);
      m.raw[0] = 0x21;
      message.raw[1] = 0x21;
      (await store().getInbound(m.id))!.raw[2] = 0x21;
      sameBytes((await store().getInbound(m.id))!.raw, GBK_HL7, 'stored');
    });

    it('stores a 2 MB message and no bytes at all', async () => {
      const big = bigPayload();
      await store().insertInbound(inbound(1, { channel: 'fhir', raw: big }));
      await store().insertInbound(inbound(2, { raw: new Uint8Array(0) }));
      sameBytes((await store().getInbound(msgId(1)))!.raw, big, '2 MB');
      sameBytes((await store().findInbound('fhir', 'MSG00001'))!.raw, big, '2 MB by key');
      const listed = await store().listInbound({ limit: 10 });
      expect(ids(listed)).to.deep.equal([msgId(1), msgId(2)]);
      sameBytes(listed[0]!.raw, big, '2 MB listed');
      sameBytes(listed[1]!.raw, new Uint8Array(0), 'empty');
    });

    it('answers a second insert of the same (channel, key) with the first message and writes nothing', async () => {
      const first = inbound(1);
      await store().insertInbound(first);
      const again = inbound(2, { sourceKey: first.sourceKey, raw: Uint8Array.from([1, 2, 3]), receivedAt: minutes(1) });
      expect(await store().insertInbound(again)).to.deep.equal({ message: first, inserted: false });
      expect(await store().getInbound(again.id)).to.equal(undefined);
      expect(await store().findInbound('hl7', first.sourceKey)).to.deep.equal(first);
      expect(ids(await store().listInbound({ limit: 10 }))).to.deep.equal([first.id]);
      // Decided, the stored message (decision and answer) is what a repeat gets.
      const decided = await store().decideInbound(first.id, accepted(), minutes(2));
      expect(await store().insertInbound(inbound(3, { sourceKey: first.sourceKey }))).to.deep.equal({
        message: decided,
        inserted: false,
      });
    });

    it('keeps the same key on another channel as a different message', async () => {
      const hl7 = inbound(1);
      const fhir = inbound(2, { channel: 'fhir', sourceKey: hl7.sourceKey, raw: Uint8Array.from([0x7b, 0x7d]) });
      expect((await store().insertInbound(hl7)).inserted).to.equal(true);
      expect(await store().insertInbound(fhir)).to.deep.equal({ message: fhir, inserted: true });
      expect(await store().findInbound('hl7', hl7.sourceKey)).to.deep.equal(hl7);
      expect(await store().findInbound('fhir', hl7.sourceKey)).to.deep.equal(fhir);
    });

    it('lets exactly one of concurrent inserts of the same key store its message', async () => {
      await ctx.withTwoHandles(async (a, b) => {
        const tries = Array.from({ length: 6 }, (_, i) => inbound(i + 1, { sourceKey: 'MSG-SAME' }));
        const results = await Promise.all(tries.map((m, i) => (i % 2 ? b : a).insertInbound(m)));
        const winners = results.filter((r) => r.inserted);
        expect(winners).to.have.length(1);
        for (const r of results) {
          expect(r.message).to.deep.equal(winners[0]!.message);
        }
        expect(ids(await a.listInbound({ limit: 10 }))).to.deep.equal([winners[0]!.message.id]);
      });
    });

    it('records a decision: its fields and updatedAt, everything else as received', async () => {
      const m = inbound(1, { originalId: msgId(9) });
      await store().insertInbound(m);
      // A refusal can list every line it refused; an OperationOutcome can be long (and Chinese).
      const reason = Array.from({ length: 120 }, (_, i) => `第${i + 1}行追溯码未入库`).join('、');
      const outcome = JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: Array.from({ length: 400 }, (_, i) => ({
          severity: 'error',
          code: 'business-rule',
          diagnostics: `第${i + 1}行：追溯码 81000010000000000${i} 不在库存中`,
        })),
      });
      const refused: InboundDecision = {
        state: 'refused',
        code: 'CODE_NOT_IN_STOCK',
        message: reason,
        sessionId: 'T20250701093000000001',
        reply: outcome,
        kind: 'return',
        reference: 'CF20250701-0001',
      };
      const saved = await store().decideInbound(m.id, refused, minutes(1));
      expect(saved).to.deep.equal({ ...m, ...refused, updatedAt: minutes(1) });
      expect(await store().getInbound(m.id)).to.deep.equal(saved);
      sameBytes(saved.raw, GBK_HL7, 'raw after the decision');
      // Decided again (a recovery finishing it): the later decision stands, nulls included.
      const invalid: InboundDecision = {
        state: 'invalid',
        code: 'HL7_PARSE_ERROR',
        message: 'MSH 段缺失',
        sessionId: null,
        reply: null,
        kind: null,
        reference: null,
      };
      const again = await store().decideInbound(m.id, invalid, minutes(2));
      expect(again).to.deep.equal({ ...m, ...invalid, updatedAt: minutes(2) });
      expect(await store().findInbound('hl7', m.sourceKey)).to.deep.equal(again);
    });

    it('refuses to decide an unknown message with INBOUND_NOT_FOUND', async () => {
      await store().insertInbound(inbound(1));
      const e = await tracegateError(store().decideInbound(msgId(2), accepted(), minutes(1)), 'INBOUND_NOT_FOUND');
      expect(e.details).to.deep.equal({ id: msgId(2) });
      expect(await store().getInbound(msgId(2))).to.equal(undefined);
      expect((await store().getInbound(msgId(1)))!.state).to.equal('received');
    });

    describe('listing', () => {
      /** Eight messages over two channels, states, kinds, times, references and a re-drive chain. */
      const messages: InboundMessage[] = [
        inbound(1, { receivedAt: minutes(0) }),
        inbound(2, { channel: 'fhir', receivedAt: minutes(1), state: 'accepted', kind: 'dispense', reference: 'CF1' }),
        inbound(3, { receivedAt: minutes(2), state: 'refused', kind: 'dispense', reference: 'CF1', code: 'X' }),
        inbound(4, { channel: 'his-db', receivedAt: minutes(3), state: 'invalid', code: 'HIS_ROW_INVALID' }),
        inbound(5, {
          receivedAt: minutes(4),
          state: 'refused',
          kind: 'return',
          reference: 'CF2',
          originalId: msgId(3),
        }),
        inbound(6, { channel: 'fhir', receivedAt: minutes(5), state: 'accepted', kind: 'return', reference: 'CF2' }),
        inbound(7, { receivedAt: minutes(6), state: 'accepted', kind: 'dispense', originalId: msgId(3) }),
        inbound(8, { channel: 'fhir', receivedAt: minutes(7) }),
      ];

      beforeEach(async () => {
        // Inserted out of id order: the list's order is the ids', not the insertion's.
        for (const i of [4, 0, 7, 2, 6, 1, 5, 3]) {
          await store().insertInbound(messages[i]!);
        }
      });

      const list = async (query: Omit<InboundQuery, 'limit'> & { limit?: number }) =>
        ids(await store().listInbound({ limit: 100, ...query }));
      const expected = (...ns: number[]) => ns.map(msgId);

      it('lists every message in id order, whole', async () => {
        expect(await store().listInbound({ limit: 100 })).to.deep.equal(messages);
      });

      it('filters by channel, state, kind, reference and original', async () => {
        expect(await list({ channel: 'fhir' })).to.deep.equal(expected(2, 6, 8));
        expect(await list({ channel: 'nope' })).to.deep.equal([]);
        expect(await list({ state: 'received' })).to.deep.equal(expected(1, 8));
        expect(await list({ state: 'accepted' })).to.deep.equal(expected(2, 6, 7));
        expect(await list({ kind: 'dispense' })).to.deep.equal(expected(2, 3, 7));
        expect(await list({ kind: 'return' })).to.deep.equal(expected(5, 6));
        expect(await list({ reference: 'CF1' })).to.deep.equal(expected(2, 3));
        expect(await list({ originalId: msgId(3) })).to.deep.equal(expected(5, 7));
        expect(await list({ channel: 'hl7', state: 'accepted', kind: 'dispense' })).to.deep.equal(expected(7));
        expect(await list({ channel: 'fhir', reference: 'CF2' })).to.deep.equal(expected(6));
      });

      it('filters by received time: from inclusive, to exclusive', async () => {
        expect(await list({ from: minutes(2) })).to.deep.equal(expected(3, 4, 5, 6, 7, 8));
        expect(await list({ to: minutes(2) })).to.deep.equal(expected(1, 2));
        expect(await list({ from: minutes(2), to: minutes(5) })).to.deep.equal(expected(3, 4, 5));
        expect(await list({ from: minutes(5), to: minutes(5) })).to.deep.equal([]);
        // Recovery's question: received, before a time.
        expect(await list({ state: 'received', to: minutes(7) })).to.deep.equal(expected(1));
        expect(await list({ from: T0, to: minutes(60) })).to.have.length(8);
      });

      it('pages by afterId and limit', async () => {
        expect(await list({ limit: 3 })).to.deep.equal(expected(1, 2, 3));
        expect(await list({ limit: 3, afterId: msgId(3) })).to.deep.equal(expected(4, 5, 6));
        expect(await list({ limit: 3, afterId: msgId(6) })).to.deep.equal(expected(7, 8));
        expect(await list({ limit: 3, afterId: msgId(8) })).to.deep.equal([]);
        expect(await list({ limit: 0 })).to.deep.equal([]);
        // The filter applies before the limit.
        expect(await list({ channel: 'fhir', limit: 2 })).to.deep.equal(expected(2, 6));
        expect(await list({ channel: 'fhir', limit: 2, afterId: msgId(6) })).to.deep.equal(expected(8));
        // An afterId that is no message's id still pages by order.
        expect(await list({ afterId: `${msgId(4)}0`, limit: 2 })).to.deep.equal(expected(5, 6));
        const all: string[] = [];
        let afterId: string | undefined;
        for (;;) {
          const page = await store().listInbound({ limit: 3, ...(afterId === undefined ? {} : { afterId }) });
          if (page.length === 0) {
            break;
          }
          all.push(...ids(page));
          afterId = page[page.length - 1]!.id;
        }
        expect(all).to.deep.equal(expected(1, 2, 3, 4, 5, 6, 7, 8));
      });
    });
  });

  describe('channel marks', () => {
    it('has no mark before the first, then the last one set, per channel', async () => {
      expect(await store().getChannelMark('his-db')).to.equal(null);
      await store().setChannelMark('his-db', '2025-07-01T09:30:00.000Z|10086', T1);
      expect(await store().getChannelMark('his-db')).to.equal('2025-07-01T09:30:00.000Z|10086');
      expect(await store().getChannelMark('his-db-2')).to.equal(null);
      await store().setChannelMark('his-db-2', '事件 42', T1);
      await store().setChannelMark('his-db', '2025-07-01T09:31:00.000Z|10087', minutes(1));
      // The same mark again (an idle poll) is not an error.
      await store().setChannelMark('his-db', '2025-07-01T09:31:00.000Z|10087', minutes(2));
      expect(await store().getChannelMark('his-db')).to.equal('2025-07-01T09:31:00.000Z|10087');
      expect(await store().getChannelMark('his-db-2')).to.equal('事件 42');
      expect(await store().getChannelMark('HIS-DB')).to.equal(null);
    });

    it('keeps one of two concurrent first marks of a channel, without an error', async () => {
      await ctx.withTwoHandles(async (a, b) => {
        await Promise.all([a.setChannelMark('his-db', 'A-1', T1), b.setChannelMark('his-db', 'B-1', T1)]);
        expect(await a.getChannelMark('his-db')).to.be.oneOf(['A-1', 'B-1']);
        await b.setChannelMark('his-db', 'B-2', minutes(1));
        expect(await a.getChannelMark('his-db')).to.equal('B-2');
      });
    });

    it('are cleared with the inbound messages by truncateAll', async () => {
      await store().insertInbound(inbound(1));
      await store().setChannelMark('his-db', '42', T1);
      await store().truncateAll();
      expect(await store().getInbound(msgId(1))).to.equal(undefined);
      expect(await store().listInbound({ limit: 10 })).to.deep.equal([]);
      expect(await store().getChannelMark('his-db')).to.equal(null);
      // The key is free again.
      expect((await store().insertInbound(inbound(2, { sourceKey: 'MSG00001' }))).inserted).to.equal(true);
    });
  });
}
