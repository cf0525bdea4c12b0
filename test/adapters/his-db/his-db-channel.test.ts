/**
 * The HIS database channel against REAL PostgreSQL and MariaDB acting as the hospital's HIS (the sample HIS of
 * test/fixtures/his-db in a scratch database), with tracegate's own data in memory (channelWorld).
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { createHisDbChannel, type HisDbChannelRuntime } from '../../../adapters/his-db/create-his-db-channel.js';
import type { HisDbConfig } from '../../../adapters/his-db/his-db-config.js';
import { InboundService } from '../../../core/channels/inbound-service.js';
import { isTracegateError } from '../../../core/errors.js';
import { channelWorld, type ChannelWorld } from '../../support/channel-world.js';
import { describeWithDatabase, type DatabaseKind } from '../../support/databases.js';
import { recordingLog } from '../../support/recording-log.js';
import {
  addDispenseEvent,
  addPrescription,
  clearEvents,
  hisConfigFor,
  hisDatabase,
  writtenBack,
} from './his-db-support.js';

const label: Record<DatabaseKind, string> = { postgres: 'PostgreSQL', mariadb: 'MariaDB' };

/** A second tracegate process over the same store: its own inbound service (its own message ids). */
function restartedInbound(w: ChannelWorld, prefix: string): InboundService {
  let n = 0;
  const ids = { next: (p: string) => `${p}${prefix}${String(++n).padStart(5, '0')}` };
  return new InboundService(w.store, w.window, w.clock, ids);
}

/** A process's inbound service that dies (throws) on its `nth` receive. */
function dyingInbound(w: ChannelWorld, prefix: string, nth: number): InboundService {
  const inbound = restartedInbound(w, prefix);
  const receive = inbound.receive.bind(inbound);
  let calls = 0;
  sinon.stub(inbound, 'receive').callsFake(async (...args: Parameters<InboundService['receive']>) => {
    if (++calls === nth) {
      throw new Error('killed');
    }
    return receive(...args);
  });
  return inbound;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > end) {
      return value;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const kind of ['postgres', 'mariadb'] as const) {
  await describeWithDatabase(kind, `HIS database channel: ${label[kind]} as the HIS`, () => {
    const db = hisDatabase(kind);
    const runtimes: HisDbChannelRuntime[] = [];

    afterEach(async () => {
      sinon.restore();
      for (const runtime of runtimes.splice(0)) {
        await runtime.stop();
      }
    });

    function channel(
      w: ChannelWorld,
      overrides: Record<string, unknown> = {},
      inbound: InboundService = w.inbound
    ): { runtime: HisDbChannelRuntime; log: ReturnType<typeof recordingLog>; config: HisDbConfig } {
      const config = hisConfigFor(kind, db.scratch, overrides);
      const log = recordingLog();
      const runtime = createHisDbChannel(config, {
        inbound,
        store: w.store,
        catalog: w.catalog,
        clock: w.clock,
        log,
      });
      runtimes.push(runtime);
      return { runtime, log, config };
    }

    it('syncs the HIS drug dictionary into the catalog through the import rules, saving only what changed', async () => {
      const w = await channelWorld(1);
      const { runtime } = channel(w);
      // Y0001 is already in the catalog exactly as the HIS has it; the stopped drug is not selected.
      expect(await runtime.syncCatalog()).to.deep.equal({ rows: 3, saved: 2, unchanged: 1 });
      const ibuprofen = await w.catalog.getDrug('H0101');
      expect(ibuprofen).to.deep.include({
        name: '布洛芬缓释胶囊',
        manufacturer: '中美天津史克制药有限公司',
        rxFlag: false,
        unitsPerPack: 20,
        unitName: '粒',
        prefixes: [{ prefix: '8201001', packLevel: 1, unitCount: 1 }],
      });
      expect(await w.catalog.getDrug('H0102')).to.deep.include({ exempt: true, exemptReason: '中药饮片' });
      expect((await w.catalog.getDrug('Y0001')).version).to.equal(1);
      expect(await runtime.syncCatalog()).to.deep.equal({ rows: 3, saved: 0, unchanged: 3 });

      // A row the import rules refuse: nothing is saved, the message names the statement, the row and the column.
      await db.his('his_drug').where({ drug_code: 'H0101' }).update({ trace_prefix: '1234' });
      await db.his('his_drug').where({ drug_code: 'H0102' }).update({ drug_name: '当归片' });
      const e = await rejection(runtime.syncCatalog());
      expect(isTracegateError(e) && e.code).to.equal('HISDB_CATALOG_INVALID');
      expect(e.message).to.contain('catalogQuery').and.contain('查询结果第 1 行').and.contain('unit_prefixes');
      expect((await w.catalog.getDrug('H0102')).name).to.equal('当归（饮片）');
    });

    it('decides the HIS events through the window and writes each result back', async () => {
      const w = await channelWorld(12);
      const { runtime, config } = channel(w);
      await runtime.syncCatalog();
      expect(await runtime.pollOnce()).to.deep.equal({ events: 5, replayed: 0 });

      const back = await writtenBack(db.his);
      expect(back['1']).to.include({ result: 'accepted', code: null });
      expect(back['1']?.session).to.match(/^D/);
      expect(back['2']).to.include({ result: 'refused', code: 'CODE_ALREADY_DISPENSED' });
      expect(back['2']?.message).to.match(/[\u4e00-\u9fff]/);
      expect(back['3']).to.include({ result: 'refused', code: 'RETURN_CODE_NOT_DISPENSED_HERE' });
      expect(back['4']).to.include({ result: 'accepted', code: null });
      expect(back['4']?.session).to.match(/^T/);
      expect(back['5']).to.include({ result: 'accepted' });

      const messages = await w.store.listInbound({ channel: config.name, limit: 100 });
      expect(messages.map((m) => [m.sourceKey, m.state, m.kind, m.reference])).to.deep.equal([
        ['event:1', 'accepted', 'dispense', 'RX1'],
        ['event:2', 'refused', 'dispense', 'RX2'],
        ['event:3', 'refused', 'return', 'RX1'],
        ['event:4', 'accepted', 'return', 'RX1'],
        ['event:5', 'accepted', 'dispense', 'RX3'],
      ]);
      expect(JSON.parse(messages[1]?.reply ?? '')).to.include({ result: 'refused', code: 'CODE_ALREADY_DISPENSED' });
      const packs = await w.store.getPacks(w.stock.slice(0, 3));
      expect([...packs.values()].map((p) => p.state)).to.deep.equal(['in_stock', 'dispensed', 'dispensed']);
      expect(await w.store.getChannelMark(config.name)).to.equal('5');
      expect(await runtime.pollOnce()).to.deep.equal({ events: 0, replayed: 0 });
    });

    it('a crash after deciding, before the watermark moved: the restarted poller replays those events (write-back only) and decides the rest once', async () => {
      const w = await channelWorld(12);
      await clearEvents(db.his);
      const rxs = ['RX11', 'RX12', 'RX13', 'RX14', 'RX15', 'RX16'];
      const ids: string[] = [];
      for (const [i, rx] of rxs.entries()) {
        await addPrescription(db.his, rx, 1);
        ids.push(await addDispenseEvent(db.his, rx, [w.stock[i] as string]));
      }
      // The first process decides three events, then dies on the fourth; the store refused to move the mark.
      const first = dyingInbound(w, 'A', 4);
      const markWrite = sinon.stub(w.store, 'setChannelMark').rejects(new Error('store unavailable'));
      const { runtime: crashed, config } = channel(w, {}, first);
      await rejection(crashed.pollOnce());
      await crashed.stop();
      markWrite.restore();
      expect(await w.store.getChannelMark(config.name)).to.equal(null);
      expect((await w.store.listInbound({ channel: config.name, limit: 100 })).length).to.equal(3);
      // Someone cleared the write-back meanwhile: the replay writes it again.
      await db.his('his_dispense_event').update({ trace_result: null, trace_session: null });

      const { runtime } = channel(w, {}, restartedInbound(w, 'B'));
      expect(await runtime.pollOnce()).to.deep.equal({ events: 6, replayed: 3 });
      for (const rx of rxs) {
        expect(await w.store.findSessions({ kind: 'dispense', prescriptionNo: rx }), rx).to.have.length(1);
      }
      const messages = await w.store.listInbound({ channel: config.name, limit: 100 });
      expect(messages.map((m) => m.sourceKey)).to.deep.equal(ids.map((id) => `event:${id}`));
      expect(messages.every((m) => m.state === 'accepted')).to.equal(true);
      const back = await writtenBack(db.his);
      for (const [i, id] of ids.entries()) {
        expect(back[id], id).to.include({ result: 'accepted', session: messages[i]?.sessionId });
      }
      expect(await w.store.getChannelMark(config.name)).to.equal(ids.at(-1));

      // Events the HIS adds later are picked up by the next poll.
      await addPrescription(db.his, 'RX17', 1);
      const later = await addDispenseEvent(db.his, 'RX17', [w.stock[6] as string]);
      expect(await runtime.pollOnce()).to.deep.equal({ events: 1, replayed: 0 });
      expect((await writtenBack(db.his))[later]).to.include({ result: 'accepted' });
    });

    it('a crash part-way after the watermark moved: the restarted poller goes on after the last event handled', async () => {
      const w = await channelWorld(12);
      await clearEvents(db.his);
      const ids: string[] = [];
      for (const i of [1, 2, 3, 4, 5, 6]) {
        await addPrescription(db.his, `RX2${i}`, 1);
        ids.push(await addDispenseEvent(db.his, `RX2${i}`, [w.stock[i] as string]));
      }
      const first = dyingInbound(w, 'A', 4);
      const { runtime: crashed, config } = channel(w, {}, first);
      await rejection(crashed.pollOnce());
      await crashed.stop();
      expect(await w.store.getChannelMark(config.name)).to.equal(ids[2]);

      const { runtime } = channel(w, {}, restartedInbound(w, 'B'));
      expect(await runtime.pollOnce()).to.deep.equal({ events: 3, replayed: 0 });
      expect((await w.store.listInbound({ channel: config.name, limit: 100 })).length).to.equal(6);
      expect(Object.values(await writtenBack(db.his)).map((b) => b.result)).to.deep.equal(Array(6).fill('accepted'));
    });

    it('a failing write-back is logged once and retried on every poll; decisions stand and the mark waits for it', async () => {
      const w = await channelWorld(12);
      const { runtime, log, config } = channel(w);
      await runtime.syncCatalog();
      await db.his.raw('alter table his_dispense_event rename column trace_result to trace_outcome');

      expect(await runtime.pollOnce()).to.deep.equal({ events: 5, replayed: 0 });
      const states = (await w.store.listInbound({ channel: config.name, limit: 100 })).map((m) => m.state);
      expect(states).to.deep.equal(['accepted', 'refused', 'refused', 'accepted', 'accepted']);
      expect(runtime.pendingWriteBacks()).to.equal(5);
      expect(await w.store.getChannelMark(config.name)).to.equal('0');
      expect(await runtime.pollOnce()).to.deep.equal({ events: 0, replayed: 0 });
      const errors = log.lines.filter((l) => l.level === 'error');
      expect(errors).to.have.length(1);
      expect(errors[0]?.fields).to.include({ statement: 'writeBack', eventId: '1' });

      await db.his.raw('alter table his_dispense_event rename column trace_outcome to trace_result');
      expect(await runtime.pollOnce()).to.deep.equal({ events: 0, replayed: 0 });
      expect(runtime.pendingWriteBacks()).to.equal(0);
      expect(Object.values(await writtenBack(db.his)).map((b) => b.result)).to.deep.equal([
        'accepted',
        'refused',
        'refused',
        'accepted',
        'accepted',
      ]);
      expect(await w.store.getChannelMark(config.name)).to.equal('5');
      expect(log.lines.filter((l) => l.level === 'info').map((l) => l.message)).to.have.length(1);
      expect(await w.store.findSessions({ kind: 'dispense', prescriptionNo: 'RX1' })).to.have.length(1);
    });

    it('a broken event row is invalid with HISDB_COLUMN_MISSING, written back, and does not stop the events after it', async () => {
      const w = await channelWorld(12);
      await clearEvents(db.his);
      await addPrescription(db.his, 'RX9', 1, null);
      const broken = await addDispenseEvent(db.his, 'RX9', [w.stock[9] as string]);
      await addPrescription(db.his, 'RX10', 1);
      const fine = await addDispenseEvent(db.his, 'RX10', [w.stock[10] as string]);
      const { runtime, config } = channel(w);
      expect(await runtime.pollOnce()).to.deep.equal({ events: 2, replayed: 0 });
      const [message] = await w.store.listInbound({ channel: config.name, limit: 1 });
      expect(message).to.include({ state: 'invalid', code: 'HISDB_COLUMN_MISSING' });
      const back = await writtenBack(db.his);
      expect(back[broken]).to.include({ result: 'invalid', code: 'HISDB_COLUMN_MISSING', session: null });
      expect(back[broken]?.message).to.contain('his_drug_code');
      expect(back[fine]).to.include({ result: 'accepted' });
    });

    it('reads an event cut by a full batch whole on the next poll, and grows the batch for an event bigger than it', async () => {
      const w = await channelWorld(12);
      const { runtime, config } = channel(w, { batchSize: 1 });
      await runtime.syncCatalog();
      let polls = 0;
      let events = 0;
      for (let r = await runtime.pollOnce(); r.events > 0; r = await runtime.pollOnce()) {
        polls++;
        events += r.events;
      }
      expect({ polls, events }).to.deep.equal({ polls: 5, events: 5 });
      const rx3 = (await w.store.listInbound({ channel: config.name, limit: 100 }))[4];
      expect(rx3).to.include({ sourceKey: 'event:5', state: 'accepted' });
      const session = await w.store.getSession(rx3?.sessionId ?? '');
      expect(session?.plan.map((l) => l.hisDrugCode)).to.deep.equal(['Y0001', 'H0102']);
    });

    it('an event with more lines than maxEventLines is invalid, not decided from part of its lines', async () => {
      const w = await channelWorld(12);
      const { runtime, config } = channel(w, { batchSize: 1, maxEventLines: 1 });
      await runtime.syncCatalog();
      while ((await runtime.pollOnce()).events > 0) {
        // until the end
      }
      const messages = await w.store.listInbound({ channel: config.name, limit: 100 });
      expect(messages.map((m) => m.state)).to.deep.equal(['accepted', 'refused', 'refused', 'accepted', 'invalid']);
      expect(messages[4]?.code).to.equal('HISDB_EVENT_TOO_LARGE');
      expect((await writtenBack(db.his))['5']).to.include({ result: 'invalid', code: 'HISDB_EVENT_TOO_LARGE' });
    });

    it('finds a prescription in the HIS as a DispenseOrder', async () => {
      const w = await channelWorld(1);
      const { runtime } = channel(w);
      expect(await runtime.findPrescription('RX3')).to.deep.equal({
        prescriptionNo: 'RX3',
        visitNo: 'MZ003',
        insuranceVisitId: null,
        patientId: 'P003',
        patientName: '张伟',
        settlementType: 'self_pay',
        settlementId: null,
        doctorName: '赵医生',
        lines: [
          { lineNo: 1, hisDrugCode: 'Y0001', quantity: 1, unit: '盒' },
          { lineNo: 2, hisDrugCode: 'H0102', quantity: 10, unit: 'g' },
        ],
      });
      expect(await runtime.findPrescription('RX2')).to.deep.include({
        settlementType: 'insured',
        insuranceVisitId: 'MDT002',
        settlementId: 'SETL002',
      });
      expect(await runtime.findPrescription('RX404')).to.equal(undefined);
    });

    it('runs by itself once started: syncs the catalog first, picks up events the HIS adds, and stops cleanly', async () => {
      const w = await channelWorld(12);
      const { runtime, log } = channel(w, { pollMs: 200, catalogSyncMinutes: 60 });
      await runtime.start();
      // Event 5 names the 饮片 H0102, which only the catalog sync brings in: the first poll waited for it.
      const seeded = await until(
        () => writtenBack(db.his),
        (b) => b['5']?.result != null
      );
      expect(Object.values(seeded).map((b) => b.result)).to.deep.equal([
        'accepted',
        'refused',
        'refused',
        'accepted',
        'accepted',
      ]);
      expect(log.lines.map((l) => l.message)).to.include('HIS catalog synced');
      await addPrescription(db.his, 'RX31', 1);
      const id = await addDispenseEvent(db.his, 'RX31', [w.stock[6] as string]);
      const back = await until(
        () => writtenBack(db.his),
        (b) => b[id]?.result != null
      );
      expect(back[id]).to.include({ result: 'accepted' });
      await runtime.stop();
      runtimes.splice(runtimes.indexOf(runtime), 1);
    });

    it('health check: connects and runs the event query with :limit 1; says which statement failed and how to fix it', async () => {
      const w = await channelWorld(1);
      const ok = await channel(w).runtime.checks[0]?.check();
      expect(ok).to.include({ ok: true });
      expect(ok?.detail).to.contain('eventQuery runs').and.contain('watermark 0');

      const wrongTable = await channel(await channelWorld(1), {
        name: 'his-wrong',
        eventQuery: 'select * from his_events where event_id > :watermark limit :limit',
      }).runtime.checks[0]?.check();
      expect(wrongTable).to.include({ ok: false });
      expect(wrongTable?.detail).to.match(/^eventQuery failed/);
      expect(wrongTable?.fix).to.contain('eventQuery');

      const noColumns = await channel(await channelWorld(1), {
        name: 'his-columns',
        eventQuery: 'select event_id, kind from his_dispense_event where event_id > :watermark limit :limit',
      }).runtime.checks[0]?.check();
      expect(noColumns?.detail).to.contain('event_kind, watermark, line_no, his_drug_code, quantity');

      const config = hisConfigFor(kind, db.scratch);
      const closed = await channel(await channelWorld(1), {
        name: 'his-closed',
        connection: { ...config.connection, port: 1, connectTimeoutMs: 1000 },
      }).runtime.checks[0]?.check();
      expect(closed).to.include({ ok: false });
      expect(closed?.detail).to.contain('cannot log in');
      expect(closed?.fix).to.contain('his-closed.connection');
    });
  });
}
