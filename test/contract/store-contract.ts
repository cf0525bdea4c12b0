/**
 * The Store contract: every behaviour the core relies on, run unchanged against MemoryStore and KnexStore on
 * each dialect. A store that passes this suite can be bound to the Store port.
 */
import { expect } from 'chai';
import type { Drug } from '../../core/catalog/drug.js';
import type { TracegateError } from '../../core/errors.js';
import type { LedgerChange } from '../../core/ledger/pack.js';
import { StoreConflict } from '../../core/ports/ledger-store.js';
import type { Store } from '../../core/ports/store.js';
import type { DispenseOrder, Session, SessionScan } from '../../core/window/session.js';
import { rejection, storeConflict, tracegateError } from './contract-assertions.js';
import {
  T0,
  T1,
  auditEntry,
  businessRow,
  completed,
  dispenseSession,
  drugDraft,
  move,
  receiptSession,
  receive,
  receivedPack,
  relation,
  returnSession,
  traceCode,
} from './store-fixtures.js';
import { inboundContract } from './inbound-contract.js';
import { uploadContract } from './upload-contract.js';

export interface StoreContractOptions {
  /**
   * makeStore() returns another handle on the same data (its own connection pool), so concurrency can be
   * tested between two "instances" as well as inside one. False for MemoryStore (each one is separate data)
   * and SQLite (a second synchronous connection in one process would block the event loop on the lock).
   */
  concurrentInstances?: boolean;
}

const change = { actor: '信息科-王五', source: 'import', at: T0 };

export function storeContract(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup?: () => Promise<void>,
  options: StoreContractOptions = {}
): void {
  describe(`Store contract: ${name}`, function () {
    this.timeout(60_000);
    let store: Store;

    before(async () => {
      store = await makeStore();
    });
    beforeEach(async () => {
      await store.truncateAll();
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    /** Two handles for concurrency: a second instance when the store allows one, else the same store. */
    async function withTwoHandles(fn: (a: Store, b: Store) => Promise<void>): Promise<void> {
      await fn(store, store);
      if (!options.concurrentInstances) {
        return;
      }
      await store.truncateAll();
      const other = await makeStore();
      try {
        await fn(store, other);
      } finally {
        await other.close();
      }
    }

    describe('ledger', () => {
      it('round-trips new packs and their receipt event: nulls, Chinese text, JSON details', async () => {
        const a = receive(traceCode(1));
        const b = receive(traceCode(2), { lot: null, expiry: null, location: null, ref: null, unitsRemaining: null });
        await store.commit([a, b]);
        const packs = await store.getPacks([traceCode(1), traceCode(2)]);
        expect(packs.get(traceCode(1))).to.deep.equal(a.after);
        expect(packs.get(traceCode(2))).to.deep.equal(b.after);
        expect(await store.history(traceCode(1))).to.deep.equal([a.event]);
        expect(await store.history(traceCode(2))).to.deep.equal([b.event]);
      });

      it('returns nothing for unknown codes and an empty history', async () => {
        expect((await store.getPacks([traceCode(404)])).size).to.equal(0);
        expect(await store.getPacks([])).to.be.instanceOf(Map);
        expect(await store.history(traceCode(404))).to.deep.equal([]);
      });

      it('reads many codes at once (beyond one IN list) and ignores unknown and repeated ones', async () => {
        const codes = Array.from({ length: 2_600 }, (_, i) => traceCode(i));
        await store.commit(codes.map((c) => receive(c)));
        const packs = await store.getPacks([...codes, traceCode(99_999), codes[0]!]);
        expect(packs.size).to.equal(codes.length);
        expect(packs.get(codes[2_599]!)?.seq).to.equal(1);
      });

      it('ingests a large receipt that crosses every dialect batch size', async () => {
        const codes = Array.from({ length: 5_003 }, (_, i) => traceCode(i, '8200002'));
        await store.commit(codes.map((c) => receive(c)));
        expect(await store.countByState()).to.deep.equal({ in_stock: 5_003 });
        const sample = await store.getPacks([codes[0]!, codes[2_500]!, codes[5_002]!]);
        expect([...sample.values()].map((p) => p.traceCode)).to.have.members([codes[0], codes[2_500], codes[5_002]]);
        expect(await store.history(codes[5_002]!)).to.have.length(1);
      });

      it('refuses a second receipt with StoreConflict(exists) naming the code, and writes nothing of that commit', async () => {
        await store.commit([receive(traceCode(1))]);
        const e = await storeConflict(
          store.commit([receive(traceCode(2)), receive(traceCode(1), { lot: '别的批号' })])
        );
        expect(e.reason).to.equal('exists');
        expect(e.traceCodes).to.deep.equal([traceCode(1)]);
        expect((await store.getPacks([traceCode(2)])).size).to.equal(0);
        expect((await store.getPacks([traceCode(1)])).get(traceCode(1))?.lot).to.equal('批号A2501');
        expect(await store.history(traceCode(1))).to.have.length(1);
      });

      it('names every already-received code of a bulk receipt', async () => {
        await store.commit([receive(traceCode(10)), receive(traceCode(500)), receive(traceCode(999))]);
        const batch = Array.from({ length: 1_000 }, (_, i) => receive(traceCode(i)));
        const e = await storeConflict(store.commit(batch));
        expect(e.reason).to.equal('exists');
        expect([...e.traceCodes].sort()).to.deep.equal([traceCode(10), traceCode(500), traceCode(999)]);
        expect(await store.countByState()).to.deep.equal({ in_stock: 3 });
      });

      it('refuses the same new code twice in one commit', async () => {
        const e = await storeConflict(
          store.commit([receive(traceCode(1)), receive(traceCode(2)), receive(traceCode(1))])
        );
        expect(e.reason).to.equal('exists');
        expect(e.traceCodes).to.deep.equal([traceCode(1)]);
        expect(await store.countByState()).to.deep.equal({});
      });

      it('updates a pack guarded by before.seq and appends the event', async () => {
        const r = receive(traceCode(1));
        await store.commit([r]);
        const d = move(r.after, 'dispense', 'dispensed', { location: '门诊药房' });
        await store.commit([d]);
        expect((await store.getPacks([traceCode(1)])).get(traceCode(1))).to.deep.equal(d.after);
        expect(await store.history(traceCode(1))).to.deep.equal([r.event, d.event]);
      });

      it('refuses a stale update with StoreConflict(stale), and a commit with one bad change writes nothing', async () => {
        const a = receive(traceCode(1));
        const b = receive(traceCode(2));
        await store.commit([a, b]);
        await store.commit([move(a.after, 'dispense', 'dispensed')]);
        // b's move is fine, a's is from seq 1 but a is at seq 2 now.
        const good = move(b.after, 'dispense', 'dispensed');
        const stale = move(a.after, 'scrap', 'scrapped');
        const fresh = receive(traceCode(3));
        const e = await storeConflict(store.commit([fresh, good, stale]));
        expect(e.reason).to.equal('stale');
        expect(e.traceCodes).to.deep.equal([traceCode(1)]);
        const packs = await store.getPacks([traceCode(1), traceCode(2), traceCode(3)]);
        expect(packs.get(traceCode(1))?.state).to.equal('dispensed');
        expect(packs.get(traceCode(2))).to.deep.equal(b.after);
        expect(packs.has(traceCode(3))).to.equal(false);
        expect(await store.history(traceCode(2))).to.have.length(1);
      });

      it('refuses an update of a pack that was never received as stale', async () => {
        const ghost = receivedPack(traceCode(7));
        const e = await storeConflict(store.commit([move(ghost, 'dispense', 'dispensed')]));
        expect(e.reason).to.equal('stale');
        expect(e.traceCodes).to.deep.equal([traceCode(7)]);
      });

      it('applies several changes to one pack within one commit, in order', async () => {
        const r = receive(traceCode(1));
        const open = move(r.after, 'open', 'opened', { unitsRemaining: 24 });
        const take = move(open.after, 'dispense_units', 'opened', { unitsRemaining: 18, units: 6 });
        await store.commit([r, open, take]);
        expect((await store.getPacks([traceCode(1)])).get(traceCode(1))).to.deep.equal(take.after);
        expect((await store.history(traceCode(1))).map((e) => [e.seq, e.action, e.units])).to.deep.equal([
          [1, 'receive', null],
          [2, 'open', null],
          [3, 'dispense_units', 6],
        ]);
      });

      it('keeps each history in seq order across commits', async () => {
        const r = receive(traceCode(1));
        await store.commit([r, receive(traceCode(2))]);
        const d = move(r.after, 'dispense', 'dispensed');
        await store.commit([d]);
        const back = move(d.after, 'return_to_quarantine', 'quarantined', { reason: '患者退药，外包装破损' });
        await store.commit([back]);
        const rel = move(back.after, 'release', 'in_stock', { reason: '复核合格' });
        await store.commit([rel]);
        const history = await store.history(traceCode(1));
        expect(history.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
        expect(history.map((e) => e.action)).to.deep.equal(['receive', 'dispense', 'return_to_quarantine', 'release']);
        expect(history[2]?.reason).to.equal('患者退药，外包装破损');
        expect(history[2]?.fromState).to.equal('dispensed');
      });

      it('lets exactly one of two concurrent commits from the same before.seq win', async () => {
        await withTwoHandles(async (a, b) => {
          const r = receive(traceCode(1));
          await a.commit([r]);
          const window1 = move(r.after, 'dispense', 'dispensed', { actor: '窗口1', ref: '处方-1' });
          const window2 = move(r.after, 'dispense', 'dispensed', { actor: '窗口2', ref: '处方-2' });
          const results = await Promise.allSettled([a.commit([window1]), b.commit([window2])]);
          const won = results.filter((x) => x.status === 'fulfilled');
          const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
          expect(won, JSON.stringify(results)).to.have.length(1);
          expect(lost[0]?.reason).to.be.instanceOf(StoreConflict);
          expect((lost[0]?.reason as StoreConflict).reason).to.equal('stale');
          expect((lost[0]?.reason as StoreConflict).traceCodes).to.deep.equal([traceCode(1)]);
          const history = await a.history(traceCode(1));
          expect(history).to.have.length(2);
          const winner = results[0]?.status === 'fulfilled' ? window1 : window2;
          expect(history[1]).to.deep.equal(winner.event);
        });
      });

      it('lets exactly one of many concurrent dispensers of one pack win', async () => {
        await withTwoHandles(async (a, b) => {
          const r = receive(traceCode(1));
          await a.commit([r]);
          const attempts = Array.from({ length: 6 }, (_, i) =>
            (i % 2 ? b : a).commit([move(r.after, 'dispense', 'dispensed', { ref: `处方-${i}` })])
          );
          const results = await Promise.allSettled(attempts);
          expect(results.filter((x) => x.status === 'fulfilled')).to.have.length(1);
          for (const x of results) {
            if (x.status === 'rejected') {
              expect(x.reason).to.be.instanceOf(StoreConflict);
            }
          }
          expect(await a.history(traceCode(1))).to.have.length(2);
        });
      });

      it('lets exactly one of two concurrent receipts of the same code win', async () => {
        await withTwoHandles(async (a, b) => {
          const codes = Array.from({ length: 50 }, (_, i) => traceCode(i));
          const results = await Promise.allSettled([
            a.commit(codes.map((c) => receive(c, { location: '一号库' }))),
            b.commit(codes.map((c) => receive(c, { location: '二号库' }))),
          ]);
          const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
          expect(lost, JSON.stringify(results)).to.have.length(1);
          expect(lost[0]?.reason).to.be.instanceOf(StoreConflict);
          expect((lost[0]?.reason as StoreConflict).reason).to.equal('exists');
          const packs = await a.getPacks(codes);
          expect(new Set([...packs.values()].map((p) => p.location)).size).to.equal(1);
          expect(await a.countByState()).to.deep.equal({ in_stock: 50 });
        });
      });

      it('counts packs per state', async () => {
        const r = [1, 2, 3, 4].map((n) => receive(traceCode(n)));
        await store.commit(r);
        await store.commit([
          move(r[0]!.after, 'dispense', 'dispensed'),
          move(r[1]!.after, 'dispense', 'dispensed'),
          move(r[2]!.after, 'quarantine', 'quarantined', { reason: '召回' }),
        ]);
        expect(await store.countByState()).to.deep.equal({ in_stock: 1, dispensed: 2, quarantined: 1 });
      });

      it('treats an empty commit as a no-op', async () => {
        await store.commit([]);
        expect(await store.countByState()).to.deep.equal({});
      });

      it('rejects a change whose event names another pack or seq, and writes nothing', async () => {
        const bad: LedgerChange = { ...receive(traceCode(1)), event: { ...receive(traceCode(2)).event } };
        await rejection(store.commit([receive(traceCode(3)), bad]));
        expect(await store.countByState()).to.deep.equal({});
      });

      it('returns copies: mutating a result does not change the store', async () => {
        await store.commit([receive(traceCode(1))]);
        const pack = (await store.getPacks([traceCode(1)])).get(traceCode(1))!;
        pack.state = 'scrapped';
        const [event] = await store.history(traceCode(1));
        (event!.details as Record<string, unknown>).raw = 'changed';
        expect((await store.getPacks([traceCode(1)])).get(traceCode(1))?.state).to.equal('in_stock');
        expect((await store.history(traceCode(1)))[0]?.details?.raw).to.equal(`]d2${traceCode(1)}`);
      });
    });

    describe('catalog', () => {
      const amoxicillin = drugDraft('Y0001', {
        prefixes: [
          { prefix: '8100003', packLevel: 3, unitCount: 200 },
          { prefix: '8100001', packLevel: 1, unitCount: 1 },
          { prefix: '8100002', packLevel: 2, unitCount: 10 },
        ],
        gtins: [{ gtin: '06901234567892', packLevel: 1, unitCount: 1 }],
        barcode69: '6901234567892',
      });

      it('saves a new drug at version 1 and reads it back, codes in canonical order', async () => {
        const [saved] = await store.saveDrugs([amoxicillin], change);
        expect(saved?.version).to.equal(1);
        expect(saved?.updatedAt).to.equal(T0);
        expect(saved?.updatedBy).to.equal('信息科-王五');
        expect(saved?.prefixes.map((p) => p.prefix)).to.deep.equal(['8100001', '8100002', '8100003']);
        expect(await store.getDrug('Y0001')).to.deep.equal(saved);
        expect(await store.getDrug('NOPE')).to.equal(undefined);
      });

      it('round-trips nulls, flags and Chinese text', async () => {
        const herb = drugDraft('ZY001', {
          insuranceCode: null,
          name: '黄芪（饮片）',
          spec: null,
          manufacturer: null,
          rxFlag: false,
          vbpFlag: true,
          unitsPerPack: 1,
          unitName: null,
          exempt: true,
          exemptReason: '中药饮片无追溯码',
        });
        const [saved] = await store.saveDrugs([herb], change);
        const read = await store.getDrug('ZY001');
        expect(read).to.deep.equal(saved);
        expect(read).to.include({ insuranceCode: null, rxFlag: false, vbpFlag: true, exempt: true, spec: null });
        expect(read?.exemptReason).to.equal('中药饮片无追溯码');
      });

      it('lists every drug ordered by HIS code', async () => {
        await store.saveDrugs(
          [drugDraft('Y0003'), drugDraft('Y0001'), drugDraft('Y0002', { name: '布洛芬缓释胶囊' })],
          change
        );
        const list = await store.listDrugs();
        expect(list.map((d: Drug) => d.hisDrugCode)).to.deep.equal(['Y0001', 'Y0002', 'Y0003']);
        expect(list[1]?.name).to.equal('布洛芬缓释胶囊');
      });

      it('bumps the version on each save and replaces prefixes and GTINs', async () => {
        await store.saveDrugs([amoxicillin], change);
        const edited = {
          ...amoxicillin,
          spec: '0.5g*24粒',
          prefixes: [{ prefix: '8100009', packLevel: 1 as const, unitCount: 1 }],
          gtins: [],
        };
        const [saved] = await store.saveDrugs([edited], { ...change, at: T1, source: 'api', actor: '药剂科-赵六' });
        expect(saved?.version).to.equal(2);
        const read = await store.getDrug('Y0001');
        expect(read).to.deep.equal(saved);
        expect(read?.spec).to.equal('0.5g*24粒');
        expect(read?.updatedAt).to.equal(T1);
        expect(await store.findByPrefix('8100001')).to.equal(undefined);
        expect(await store.findByGtin('06901234567892')).to.equal(undefined);
        expect((await store.findByPrefix('8100009'))?.drug.version).to.equal(2);
      });

      it('keeps a version row per save with who, when, source and a snapshot', async () => {
        await store.saveDrugs([amoxicillin], change);
        await store.saveDrugs([{ ...amoxicillin, name: '阿莫西林胶囊（新包装）' }], {
          ...change,
          at: T1,
          source: 'learn',
          actor: '药剂科-赵六',
        });
        const history = await store.drugHistory('Y0001');
        expect(history.map((v) => [v.version, v.changedAt, v.changedBy, v.source])).to.deep.equal([
          [1, T0, '信息科-王五', 'import'],
          [2, T1, '药剂科-赵六', 'learn'],
        ]);
        expect(history[0]?.snapshot.name).to.equal('阿莫西林胶囊');
        expect(history[1]?.snapshot.name).to.equal('阿莫西林胶囊（新包装）');
        expect(history[0]?.snapshot.prefixes.map((p) => p.prefix)).to.deep.equal(['8100001', '8100002', '8100003']);
        expect(history[0]?.snapshot).to.not.have.property('version');
        expect(await store.drugHistory('NOPE')).to.deep.equal([]);
      });

      it('finds the owner of a prefix or GTIN with the full drug and the pack level', async () => {
        const [saved] = await store.saveDrugs([amoxicillin], change);
        expect(await store.findByPrefix('8100002')).to.deep.equal({ drug: saved, packLevel: 2, unitCount: 10 });
        expect(await store.findByGtin('06901234567892')).to.deep.equal({ drug: saved, packLevel: 1, unitCount: 1 });
        expect(await store.findByPrefix('8199999')).to.equal(undefined);
        expect(await store.findByGtin('00000000000000')).to.equal(undefined);
      });

      it('refuses a prefix owned by another drug (CATALOG_CODE_TAKEN naming prefix and owner) and writes nothing', async () => {
        await store.saveDrugs([amoxicillin], change);
        const intruder = drugDraft('Y0002', {
          name: '头孢克肟片',
          prefixes: [{ prefix: '8100002', packLevel: 2, unitCount: 10 }],
        });
        const e = await tracegateError(store.saveDrugs([drugDraft('Y0003'), intruder], change), 'CATALOG_CODE_TAKEN');
        expect(e.kind).to.equal('conflict');
        expect(e.message).to.contain('8100002').and.contain('Y0001').and.contain('阿莫西林胶囊');
        expect(await store.getDrug('Y0002')).to.equal(undefined);
        expect(await store.getDrug('Y0003')).to.equal(undefined);
        expect((await store.findByPrefix('8100002'))?.drug.hisDrugCode).to.equal('Y0001');
      });

      it('refuses a GTIN owned by another drug', async () => {
        await store.saveDrugs([amoxicillin], change);
        const intruder = drugDraft('Y0002', { gtins: [{ gtin: '06901234567892', packLevel: 1, unitCount: 1 }] });
        const e = await tracegateError(store.saveDrugs([intruder], change), 'CATALOG_CODE_TAKEN');
        expect(e.message).to.contain('06901234567892').and.contain('Y0001');
        expect(await store.getDrug('Y0002')).to.equal(undefined);
      });

      it('refuses one prefix claimed by two drugs of the same batch', async () => {
        const p = [{ prefix: '8100005', packLevel: 1 as const, unitCount: 1 }];
        const e = await tracegateError(
          store.saveDrugs([drugDraft('Y0001', { prefixes: p }), drugDraft('Y0002', { prefixes: p })], change),
          'CATALOG_CODE_TAKEN'
        );
        expect(e.message).to.contain('8100005');
        expect(await store.listDrugs()).to.deep.equal([]);
      });

      it('lets a prefix move between two drugs saved in the same batch', async () => {
        await store.saveDrugs([amoxicillin, drugDraft('Y0002')], change);
        const moved = amoxicillin.prefixes.find((p) => p.packLevel === 3)!;
        await store.saveDrugs(
          [
            { ...amoxicillin, prefixes: amoxicillin.prefixes.filter((p) => p !== moved) },
            drugDraft('Y0002', { prefixes: [moved] }),
          ],
          change
        );
        expect((await store.findByPrefix(moved.prefix))?.drug.hisDrugCode).to.equal('Y0002');
      });

      it('refuses a stale expectedVersions with DRUG_VERSION_CONFLICT and writes nothing', async () => {
        await store.saveDrugs([amoxicillin], change);
        await store.saveDrugs([{ ...amoxicillin, spec: 'v2' }], change);
        const e = await tracegateError(
          store.saveDrugs([drugDraft('Y0009'), { ...amoxicillin, spec: 'v3' }], {
            ...change,
            expectedVersions: { Y0001: 1 },
          }),
          'DRUG_VERSION_CONFLICT'
        );
        expect(e.message).to.contain('Y0001');
        expect((await store.getDrug('Y0001'))?.spec).to.equal('v2');
        expect(await store.getDrug('Y0009')).to.equal(undefined);
        expect(await store.drugHistory('Y0001')).to.have.length(2);
      });

      it('accepts a matching expectedVersions, and 0 for a drug that must be new', async () => {
        await store.saveDrugs([amoxicillin], { ...change, expectedVersions: { Y0001: 0 } });
        const [saved] = await store.saveDrugs([{ ...amoxicillin, spec: 'v2' }], {
          ...change,
          expectedVersions: { Y0001: 1 },
        });
        expect(saved?.version).to.equal(2);
        await tracegateError(
          store.saveDrugs([drugDraft('Y0001')], { ...change, expectedVersions: { Y0001: 0 } }),
          'DRUG_VERSION_CONFLICT'
        );
      });

      it('lets one of two concurrent edits from the same version win; the other gets DRUG_VERSION_CONFLICT', async () => {
        await withTwoHandles(async (a, b) => {
          await a.saveDrugs([amoxicillin], change);
          const results = await Promise.allSettled([
            a.saveDrugs([{ ...amoxicillin, spec: '甲' }], { ...change, expectedVersions: { Y0001: 1 } }),
            b.saveDrugs([{ ...amoxicillin, spec: '乙' }], { ...change, expectedVersions: { Y0001: 1 } }),
          ]);
          const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
          expect(lost, JSON.stringify(results)).to.have.length(1);
          expect((lost[0]?.reason as TracegateError).code).to.equal('DRUG_VERSION_CONFLICT');
          expect((await a.getDrug('Y0001'))?.version).to.equal(2);
          expect(await a.drugHistory('Y0001')).to.have.length(2);
        });
      });

      it('refuses the same drug twice in one batch', async () => {
        await tracegateError(
          store.saveDrugs([drugDraft('Y0001'), drugDraft('Y0001')], change),
          'CATALOG_DUPLICATE_DRUG'
        );
        expect(await store.listDrugs()).to.deep.equal([]);
      });

      it('saves many drugs at once', async () => {
        const drafts = Array.from({ length: 1_200 }, (_, i) =>
          drugDraft(`H${String(i).padStart(5, '0')}`, {
            prefixes: [{ prefix: String(8_300_000 + i), packLevel: 1, unitCount: 1 }],
          })
        );
        const saved = await store.saveDrugs(drafts, change);
        expect(saved).to.have.length(1_200);
        expect(await store.listDrugs()).to.have.length(1_200);
        expect((await store.findByPrefix('8301199'))?.drug.hisDrugCode).to.equal('H01199');
      });
    });

    describe('package hierarchy', () => {
      const caseCode = traceCode(1, '8100003');
      const units = [1, 2, 3].map((n) => traceCode(n));

      it('inserts new edges and counts identical ones as unchanged', async () => {
        expect(await store.saveRelations(units.map((u) => relation(caseCode, u)))).to.deep.equal({
          inserted: 3,
          unchanged: 0,
        });
        const again = [...units.map((u) => relation(caseCode, u)), relation(caseCode, traceCode(4))];
        expect(await store.saveRelations(again)).to.deep.equal({ inserted: 1, unchanged: 3 });
        expect(await store.saveRelations([])).to.deep.equal({ inserted: 0, unchanged: 0 });
      });

      it('refuses a child that already has another parent, naming child and both parents, and writes nothing', async () => {
        await store.saveRelations([relation(caseCode, units[0]!)]);
        const otherCase = traceCode(2, '8100003');
        const e = await tracegateError(
          store.saveRelations([relation(otherCase, units[1]!), relation(otherCase, units[0]!)]),
          'RELATION_CHILD_HAS_PARENT'
        );
        expect(e.kind).to.equal('conflict');
        expect(e.message).to.contain(units[0]).and.contain(caseCode).and.contain(otherCase);
        expect(await store.parentOf(units[1]!)).to.equal(undefined);
        expect((await store.parentOf(units[0]!))?.parentCode).to.equal(caseCode);
      });

      it('refuses one child given two parents in the same batch', async () => {
        const e = await tracegateError(
          store.saveRelations([relation(caseCode, units[0]!), relation(traceCode(9, '8100003'), units[0]!)]),
          'RELATION_CHILD_HAS_PARENT'
        );
        expect(e.message).to.contain(units[0]);
        expect(await store.relationsOfChildren(units)).to.deep.equal([]);
      });

      it('refuses a known edge with different levels or status', async () => {
        await store.saveRelations([relation(caseCode, units[0]!)]);
        await tracegateError(
          store.saveRelations([relation(caseCode, units[0]!, { parentStatus: 'mixed' })]),
          'RELATION_EDGE_DIFFERS'
        );
      });

      it('answers childrenOf, parentOf and relationsOfChildren, in parent/child order', async () => {
        const middle = traceCode(1, '8100002');
        await store.saveRelations([
          relation(caseCode, middle, { childLevel: 2 }),
          relation(middle, units[2]!, { parentLevel: 2 }),
          relation(middle, units[0]!, { parentLevel: 2, parentStatus: 'partial' }),
        ]);
        expect((await store.childrenOf([middle])).map((r) => r.childCode)).to.deep.equal([units[0], units[2]]);
        // Ordered by parent code, then child code: the middle code (8100002…) sorts before the case (8100003…).
        expect((await store.childrenOf([caseCode, middle])).map((r) => r.childCode)).to.deep.equal([
          units[0],
          units[2],
          middle,
        ]);
        expect(await store.childrenOf([traceCode(77)])).to.deep.equal([]);
        expect(await store.parentOf(units[0]!)).to.deep.equal(
          relation(middle, units[0]!, { parentLevel: 2, parentStatus: 'partial' })
        );
        expect(await store.parentOf(caseCode)).to.equal(undefined);
        expect(
          (await store.relationsOfChildren([middle, units[2]!, traceCode(77)])).map((r) => r.childCode)
        ).to.deep.equal([units[2], middle]);
      });

      it('imports a large hierarchy set-based', async () => {
        const cases = [1, 2, 3].map((n) => traceCode(n, '8100003'));
        const edges = cases.flatMap((c, ci) =>
          Array.from({ length: 1_000 }, (_, i) => relation(c, traceCode(ci * 1_000 + i)))
        );
        expect(await store.saveRelations(edges)).to.deep.equal({ inserted: 3_000, unchanged: 0 });
        expect(await store.childrenOf(cases)).to.have.length(3_000);
        expect(await store.relationsOfChildren(edges.map((e) => e.childCode))).to.have.length(3_000);
        expect(await store.saveRelations(edges)).to.deep.equal({ inserted: 0, unchanged: 3_000 });
      });

      it('stores each edge once when two imports of the same file run concurrently', async () => {
        await withTwoHandles(async (a, b) => {
          const edges = Array.from({ length: 200 }, (_, i) => relation(caseCode, traceCode(i)));
          const [x, y] = await Promise.all([a.saveRelations(edges), b.saveRelations(edges)]);
          expect(x.inserted + y.inserted).to.equal(200);
          expect(x.unchanged + y.unchanged).to.equal(200);
          expect(await a.childrenOf([caseCode])).to.have.length(200);
        });
      });
    });

    describe('window sessions', () => {
      const ids = (sessions: Session[]) => sessions.map((x) => x.id);

      /** A dispense session whose two packs are in stock, and the changes that dispense them. */
      async function openDispense(id: string, packs = [1, 2]) {
        const receipts = packs.map((n) => receive(traceCode(n)));
        await store.commit(receipts);
        const session = dispenseSession(id);
        await store.createSession(session);
        const changes = receipts.map((r) => move(r.after, 'dispense', 'dispensed', { ref: id }));
        return { session, receipts, changes };
      }

      it('round-trips a dispense session: Chinese text, nested scans and plans, nulls; copies in and out', async () => {
        const session = dispenseSession('D20250701-0001');
        await store.createSession(session);
        expect(await store.getSession('D20250701-0001')).to.deep.equal(dispenseSession('D20250701-0001'));
        session.plan[0]!.drugName = '改过的名字';
        const got = (await store.getSession('D20250701-0001'))!;
        got.scans[0]!.withdrawn = true;
        (got.order as DispenseOrder).patientName = '别人';
        expect(await store.getSession('D20250701-0001')).to.deep.equal(dispenseSession('D20250701-0001'));
        expect(await store.getSession('NOPE')).to.equal(undefined);
      });

      it('refuses a second session with the same id (SESSION_EXISTS) and keeps the first', async () => {
        await store.createSession(dispenseSession('D1'));
        const e = await tracegateError(store.createSession(receiptSession('D1')), 'SESSION_EXISTS');
        expect(e.kind).to.equal('conflict');
        expect(e.message).to.contain('D1');
        expect((await store.getSession('D1'))?.kind).to.equal('dispense');
      });

      it('saves a new document when the version matches, bumps the version and returns the saved session', async () => {
        const session = dispenseSession('D1');
        await store.createSession(session);
        const scan: SessionScan = {
          seq: 3,
          raw: traceCode(2),
          traceCode: traceCode(2),
          result: 'warning',
          problem: { code: 'NEAR_EXPIRY', message: '近效期：2025-09-30 到期，请核对' },
          assignments: [{ traceCode: traceCode(2), lineNo: 2, role: 'split', units: 2, stateAtScan: null, via: null }],
          at: T1,
          actor: '门诊药房-李四',
          withdrawn: false,
        };
        const saved = await store.saveSession({ ...session, scans: [...session.scans, scan], location: '急诊药房' }, 1);
        expect(saved.version).to.equal(2);
        expect(saved.scans).to.have.length(3);
        expect(await store.getSession('D1')).to.deep.equal(saved);
        const cancelled = await store.saveSession({ ...saved, state: 'cancelled' }, 2);
        expect(cancelled.version).to.equal(3);
        expect(await store.getSession('D1')).to.deep.equal(cancelled);
        expect(ids(await store.findSessions({ kind: 'dispense', state: 'cancelled' }))).to.deep.equal(['D1']);
        expect(await store.findSessions({ kind: 'dispense', state: 'open' })).to.deep.equal([]);
      });

      it('refuses a save from a stale version (or of an unknown session) with StoreConflict(stale) naming no codes', async () => {
        const session = dispenseSession('D1');
        await store.createSession(session);
        await store.saveSession({ ...session, location: '窗口1' }, 1);
        const e = await storeConflict(store.saveSession({ ...session, location: '窗口2' }, 1));
        expect(e.reason).to.equal('stale');
        expect(e.traceCodes).to.deep.equal([]);
        const stored = await store.getSession('D1');
        expect(stored?.location).to.equal('窗口1');
        expect(stored?.version).to.equal(2);
        expect((await storeConflict(store.saveSession(dispenseSession('NOPE'), 1))).traceCodes).to.deep.equal([]);
        expect(await store.getSession('NOPE')).to.equal(undefined);
      });

      it('lets exactly one of two saves from the same version win', async () => {
        await withTwoHandles(async (a, b) => {
          const session = dispenseSession('D1');
          await a.createSession(session);
          const results = await Promise.allSettled([
            a.saveSession({ ...session, location: '窗口1' }, 1),
            b.saveSession({ ...session, location: '窗口2' }, 1),
          ]);
          const won = results.filter((x): x is PromiseFulfilledResult<Session> => x.status === 'fulfilled');
          const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
          expect(won, JSON.stringify(results)).to.have.length(1);
          expect(lost[0]?.reason).to.be.instanceOf(StoreConflict);
          expect((lost[0]?.reason as StoreConflict).reason).to.equal('stale');
          expect((lost[0]?.reason as StoreConflict).traceCodes).to.deep.equal([]);
          expect(await a.getSession('D1')).to.deep.equal(won[0]?.value);
          expect((await b.getSession('D1'))?.version).to.equal(2);
        });
      });

      it('completes in one step: ledger changes, the session, business rows and audit entries', async () => {
        const { session, receipts, changes } = await openDispense('D1');
        const open = move(receipts[1]!.after, 'open', 'opened', { unitsRemaining: 28, ref: 'D1' });
        const take = move(open.after, 'dispense_units', 'opened', { unitsRemaining: 26, units: 2, ref: 'D1' });
        const rows = [
          businessRow('D1-1', 'D1'),
          businessRow('D1-2', 'D1', { payload: { fixmedins_hilist_name: '硝苯地平控释片', sel_retn_cnt: 2 } }),
        ];
        const audit = [
          auditEntry('D1', {
            action: 'override',
            role: 'pharmacy-head',
            actor: '药剂科-钱主任',
            raw: null,
            code: 'LINE_INCOMPLETE',
            reason: '患者急需，第2行缺码（扫码枪故障）',
          }),
        ];
        const saved = await store.completeSession(completed(session), 1, [changes[0]!, open, take], rows, audit);
        expect(saved).to.deep.equal({ ...completed(session), version: 2 });
        expect(await store.getSession('D1')).to.deep.equal(saved);
        const packs = await store.getPacks([traceCode(1), traceCode(2)]);
        expect(packs.get(traceCode(1))).to.deep.equal(changes[0]!.after);
        expect(packs.get(traceCode(2))).to.deep.equal(take.after);
        expect((await store.history(traceCode(2))).map((e) => e.action)).to.deep.equal([
          'receive',
          'open',
          'dispense_units',
        ]);
        expect(await store.listBusinessRows('D1')).to.deep.equal(rows);
        expect(await store.listAudit('D1')).to.deep.equal(audit);
        expect(ids(await store.findSessions({ kind: 'dispense', state: 'completed' }))).to.deep.equal(['D1']);
        expect(await store.listBusinessRows('D2')).to.deep.equal([]);
      });

      it('completes a session with no ledger changes, business rows or audit entries', async () => {
        await store.createSession(dispenseSession('D1'));
        const saved = await store.completeSession(completed(dispenseSession('D1')), 1, [], [], []);
        expect(saved.version).to.equal(2);
        expect((await store.getSession('D1'))?.state).to.equal('completed');
      });

      it('writes nothing when the ledger part conflicts: session still open, no business rows, no audit', async () => {
        const { session, receipts, changes } = await openDispense('D1');
        // Another window dispensed pack 1 first.
        await store.commit([move(receipts[0]!.after, 'dispense', 'dispensed', { ref: 'D9' })]);
        const e = await storeConflict(
          store.completeSession(
            completed(session),
            1,
            [changes[1]!, changes[0]!],
            [businessRow('D1-1', 'D1')],
            [auditEntry('D1')]
          )
        );
        expect(e.reason).to.equal('stale');
        expect(e.traceCodes).to.deep.equal([traceCode(1)]);
        expect(await store.getSession('D1')).to.deep.equal(session);
        expect((await store.getPacks([traceCode(2)])).get(traceCode(2))).to.deep.equal(receipts[1]!.after);
        expect(await store.history(traceCode(2))).to.have.length(1);
        expect(await store.history(traceCode(1))).to.have.length(2);
        expect(await store.listBusinessRows('D1')).to.deep.equal([]);
        expect(await store.listAudit('D1')).to.deep.equal([]);
        // The same session completes once the window retries with fresh changes.
        await store.completeSession(completed(session), 1, [changes[1]!], [businessRow('D1-1', 'D1')], []);
        expect(await store.listBusinessRows('D1')).to.have.length(1);
      });

      it('refuses a second receipt of a pack inside a completion with StoreConflict(exists), and writes nothing', async () => {
        await store.commit([receive(traceCode(7))]);
        const receipt = receiptSession('R1');
        await store.createSession(receipt);
        const e = await storeConflict(
          store.completeSession(completed(receipt), 1, [receive(traceCode(6)), receive(traceCode(7))], [], [])
        );
        expect(e.reason).to.equal('exists');
        expect(e.traceCodes).to.deep.equal([traceCode(7)]);
        expect((await store.getSession('R1'))?.state).to.equal('open');
        expect((await store.getPacks([traceCode(6)])).size).to.equal(0);
      });

      it('refuses a business key already stored (BUSINESS_ROW_EXISTS) and writes nothing, not even the ledger changes', async () => {
        const first = await openDispense('D1', [1]);
        await store.completeSession(completed(first.session), 1, first.changes, [businessRow('KEY-1', 'D1')], []);
        // A 250-pack receipt crosses the SQLite prepared-statement batch (200 rows) before the key fails.
        const receipt = receiptSession('R1');
        await store.createSession(receipt);
        const codes = Array.from({ length: 250 }, (_, i) => traceCode(1_000 + i, '8200002'));
        const e = await tracegateError(
          store.completeSession(
            completed(receipt),
            1,
            codes.map((c) => receive(c)),
            [businessRow('KEY-2', 'R1', { infno: '3503' }), businessRow('KEY-1', 'R1', { infno: '3503' })],
            [auditEntry('R1', { action: 'scan_warning' })]
          ),
          'BUSINESS_ROW_EXISTS'
        );
        expect(e.kind).to.equal('conflict');
        expect(e.message).to.contain('KEY-1');
        expect(e.details).to.deep.equal({ businessKeys: ['KEY-1'] });
        expect((await store.getPacks(codes)).size).to.equal(0);
        expect(await store.countByState()).to.deep.equal({ dispensed: 1 });
        expect(await store.getSession('R1')).to.deep.equal(receipt);
        expect(await store.listBusinessRows('R1')).to.deep.equal([]);
        expect(await store.listAudit('R1')).to.deep.equal([]);
        expect(await store.listBusinessRows('D1')).to.deep.equal([businessRow('KEY-1', 'D1')]);
      });

      it('refuses one business key twice in the same completion', async () => {
        const { session, changes } = await openDispense('D1', [1]);
        const e = await tracegateError(
          store.completeSession(completed(session), 1, changes, [businessRow('K', 'D1'), businessRow('K', 'D1')], []),
          'BUSINESS_ROW_EXISTS'
        );
        expect(e.details).to.deep.equal({ businessKeys: ['K'] });
        expect((await store.getPacks([traceCode(1)])).get(traceCode(1))?.state).to.equal('in_stock');
        expect((await store.getSession('D1'))?.state).to.equal('open');
      });

      it('refuses a completion from a stale session version with StoreConflict naming no codes, ledger untouched', async () => {
        const { session, changes } = await openDispense('D1', [1]);
        await store.saveSession({ ...session, location: '另一个窗口' }, 1);
        const e = await storeConflict(
          store.completeSession(completed(session), 1, changes, [businessRow('K', 'D1')], [auditEntry('D1')])
        );
        expect(e.reason).to.equal('stale');
        expect(e.traceCodes).to.deep.equal([]);
        expect((await store.getPacks([traceCode(1)])).get(traceCode(1))?.state).to.equal('in_stock');
        expect(await store.getSession('D1')).to.deep.equal({ ...session, location: '另一个窗口', version: 2 });
        expect(await store.listBusinessRows('D1')).to.deep.equal([]);
        expect(await store.listAudit('D1')).to.deep.equal([]);
      });

      it('completes a session once when two windows complete it at the same time', async () => {
        await withTwoHandles(async (a, b) => {
          const r = receive(traceCode(1));
          await a.commit([r]);
          const session = dispenseSession('D1');
          await a.createSession(session);
          const done = (store: Store) =>
            store.completeSession(
              completed(session),
              1,
              [move(r.after, 'dispense', 'dispensed', { ref: 'D1' })],
              [businessRow('D1-1', 'D1')],
              [auditEntry('D1')]
            );
          const results = await Promise.allSettled([done(a), done(b)]);
          const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
          expect(lost, JSON.stringify(results)).to.have.length(1);
          expect(lost[0]?.reason).to.be.instanceOf(StoreConflict);
          expect((lost[0]?.reason as StoreConflict).traceCodes).to.deep.equal([]);
          expect((await a.getSession('D1'))?.version).to.equal(2);
          expect(await a.history(traceCode(1))).to.have.length(2);
          expect(await a.listBusinessRows('D1')).to.have.length(1);
          expect(await a.listAudit('D1')).to.have.length(1);
        });
      });

      it('lets exactly one of two sessions dispensing the same pack from the same seq win; the loser writes nothing', async () => {
        await withTwoHandles(async (a, b) => {
          const r = receive(traceCode(1));
          await a.commit([r]);
          const s1 = dispenseSession('D1');
          const s2 = dispenseSession('D2', { location: '门诊西药房 5号窗口' });
          await a.createSession(s1);
          await b.createSession(s2);
          const done = (store: Store, s: Session, window: string) =>
            store.completeSession(
              completed(s),
              1,
              [move(r.after, 'dispense', 'dispensed', { ref: s.id, actor: window })],
              [businessRow(`${s.id}-1`, s.id)],
              [auditEntry(s.id, { actor: window })]
            );
          const results = await Promise.allSettled([done(a, s1, '窗口3'), done(b, s2, '窗口5')]);
          const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
          expect(lost, JSON.stringify(results)).to.have.length(1);
          expect(lost[0]?.reason).to.be.instanceOf(StoreConflict);
          expect((lost[0]?.reason as StoreConflict).reason).to.equal('stale');
          expect((lost[0]?.reason as StoreConflict).traceCodes).to.deep.equal([traceCode(1)]);
          const [winner, loser] = results[0]?.status === 'fulfilled' ? [s1, s2] : [s2, s1];
          expect((await a.getSession(winner.id))?.state).to.equal('completed');
          expect(await a.getSession(loser.id)).to.deep.equal(loser);
          expect(await a.listBusinessRows(winner.id)).to.have.length(1);
          expect(await a.listBusinessRows(loser.id)).to.deep.equal([]);
          expect(await a.listAudit(loser.id)).to.deep.equal([]);
          const history = await a.history(traceCode(1));
          expect(history).to.have.length(2);
          expect(history[1]?.ref).to.equal(winner.id);
        });
      });

      it('finds sessions by kind with state, prescription, visit and id (all must match), oldest first', async () => {
        const at = (minute: number) => `2025-07-01T08:${String(minute).padStart(2, '0')}:00.000Z`;
        const order = (prescriptionNo: string, visitNo: string) => ({
          ...(dispenseSession('x').order as DispenseOrder),
          prescriptionNo,
          visitNo,
        });
        const sessions = [
          dispenseSession('D-b', { createdAt: at(10), order: order('CF1', 'MZ1') }),
          dispenseSession('D-2', { createdAt: at(20), order: order('CF1', 'MZ2'), state: 'completed' }),
          dispenseSession('D-3', { createdAt: at(5), order: order('CF2', 'MZ1') }),
          // Same millisecond as D-b: ties go by id, upper case first.
          dispenseSession('D-A', { createdAt: at(10), order: order('CF3', 'MZ3') }),
          returnSession('T-1', { createdAt: at(30) }),
          receiptSession('R-1', { createdAt: at(1) }),
        ];
        for (const x of sessions) {
          await store.createSession(x);
        }
        const find = async (q: Parameters<Store['findSessions']>[0]) => ids(await store.findSessions(q));
        expect(await find({ kind: 'dispense' })).to.deep.equal(['D-3', 'D-A', 'D-b', 'D-2']);
        expect(await find({ kind: 'dispense', state: 'open' })).to.deep.equal(['D-3', 'D-A', 'D-b']);
        expect(await find({ kind: 'dispense', prescriptionNo: 'CF1' })).to.deep.equal(['D-b', 'D-2']);
        expect(await find({ kind: 'dispense', visitNo: 'MZ1' })).to.deep.equal(['D-3', 'D-b']);
        expect(await find({ kind: 'dispense', state: 'completed', prescriptionNo: 'CF1' })).to.deep.equal(['D-2']);
        expect(await find({ kind: 'dispense', prescriptionNo: 'CF1', visitNo: 'MZ1' })).to.deep.equal(['D-b']);
        expect(await find({ kind: 'dispense', id: 'D-2' })).to.deep.equal(['D-2']);
        expect(await find({ kind: 'dispense', id: 'D-2', state: 'open' })).to.deep.equal([]);
        expect(await find({ kind: 'return', id: 'D-2' })).to.deep.equal([]);
        expect(await find({ kind: 'return', prescriptionNo: 'CF202507010001' })).to.deep.equal(['T-1']);
        expect(await find({ kind: 'receipt' })).to.deep.equal(['R-1']);
        expect(await find({ kind: 'receipt', prescriptionNo: 'CF202507010001' })).to.deep.equal([]);
        expect(await find({ kind: 'dispense', prescriptionNo: 'NOPE' })).to.deep.equal([]);
        // Whole documents come back, and the filter columns follow every save.
        expect(await store.findSessions({ kind: 'return' })).to.deep.equal([sessions[4]]);
        await store.saveSession({ ...sessions[0]!, state: 'completed', order: order('CF9', 'MZ9') }, 1);
        expect(await find({ kind: 'dispense', state: 'completed' })).to.deep.equal(['D-b', 'D-2']);
        expect(await find({ kind: 'dispense', prescriptionNo: 'CF9', visitNo: 'MZ9' })).to.deep.equal(['D-b']);
        expect(await find({ kind: 'dispense', prescriptionNo: 'CF1' })).to.deep.equal(['D-2']);
      });

      it('appends audit entries and lists them per session in the order written', async () => {
        const a1 = auditEntry('D1');
        const a2 = auditEntry('D2', { action: 'scan_withdrawn', reason: '撤销扫码' });
        const a3 = auditEntry('D1', { role: null, raw: null, traceCode: traceCode(3), code: null, reason: '取消' });
        const a4 = auditEntry(null, { action: 'session_cancelled' });
        await store.appendAudit([a1, a2, a3, a4]);
        await store.appendAudit([]);
        const a5 = auditEntry('D1', {
          action: 'scan_warning',
          raw: `]d2${traceCode(5)}\u001d10批号A2501`,
          reason: '近效期'.repeat(400),
        });
        await store.appendAudit([a5]);
        expect(await store.listAudit('D1')).to.deep.equal([a1, a3, a5]);
        expect(await store.listAudit('D2')).to.deep.equal([a2]);
        expect(await store.listAudit('NOPE')).to.deep.equal([]);
      });
    });

    uploadContract({ store: () => store, withTwoHandles });
    inboundContract({ store: () => store, withTwoHandles });

    describe('store', () => {
      it('truncateAll removes every drug, relation, pack, event, session, business row and audit entry', async () => {
        await store.saveDrugs(
          [drugDraft('Y0001', { prefixes: [{ prefix: '8100001', packLevel: 1, unitCount: 1 }] })],
          change
        );
        await store.saveRelations([relation(traceCode(1, '8100003'), traceCode(1))]);
        const r = receive(traceCode(1));
        await store.commit([r]);
        await store.createSession(dispenseSession('D1'));
        await store.completeSession(
          completed(dispenseSession('D1')),
          1,
          [move(r.after, 'dispense', 'dispensed')],
          [businessRow('K1', 'D1')],
          [auditEntry('D1')]
        );
        await store.appendAudit([auditEntry('D1')]);
        await store.truncateAll();
        expect(await store.listDrugs()).to.deep.equal([]);
        expect(await store.drugHistory('Y0001')).to.deep.equal([]);
        expect(await store.findByPrefix('8100001')).to.equal(undefined);
        expect(await store.parentOf(traceCode(1))).to.equal(undefined);
        expect(await store.countByState()).to.deep.equal({});
        expect(await store.history(traceCode(1))).to.deep.equal([]);
        expect(await store.getSession('D1')).to.equal(undefined);
        expect(await store.findSessions({ kind: 'dispense' })).to.deep.equal([]);
        expect(await store.listBusinessRows('D1')).to.deep.equal([]);
        expect(await store.listAudit('D1')).to.deep.equal([]);
        // The business key is free again.
        await store.createSession(dispenseSession('D1'));
        await store.completeSession(completed(dispenseSession('D1')), 1, [], [businessRow('K1', 'D1')], []);
      });
    });
  });
}
