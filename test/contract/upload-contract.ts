/**
 * The upload outbox and the insurance proxy's records, part of the one Store contract (store-contract.ts calls
 * this inside its suite, so every store runs it after the same truncateAll).
 */
import { expect } from 'chai';
import type { Upload, UploadState } from '../../core/insurance/upload.js';
import type { Store } from '../../core/ports/store.js';
import type { ClaimRequest } from '../../core/ports/upload-store.js';
import type { BusinessRow } from '../../core/window/business-row.js';
import { StoreConflict } from '../../core/ports/ledger-store.js';
import { tracegateError } from './contract-assertions.js';
import {
  T0,
  T1,
  businessRow,
  completed,
  dispenseSession,
  move,
  proxyRequest,
  receive,
  traceCode,
  uploadAttempt,
} from './store-fixtures.js';

export interface UploadContractContext {
  /** The suite's store (opened in its `before`). */
  store(): Store;
  /** Runs `fn` on one store, then (where the store allows it) on two instances sharing its data. */
  withTwoHandles(fn: (a: Store, b: Store) => Promise<void>): Promise<void>;
}

/** T1 plus `n` minutes, as an ISO instant. */
function minutes(n: number): string {
  return new Date(Date.parse(T1) + n * 60_000).toISOString();
}

/** A 3505 upload whose order keys are the given packs' codes and its own bchno. */
function sale(key: string, packs: number[], overrides: Partial<BusinessRow> = {}): BusinessRow {
  return businessRow(key, 'D1', {
    orderKeys: [...packs.map((n) => `code:${traceCode(n)}`), `bchno:${key}`],
    ...overrides,
  });
}

/** A 3506 return of `packs` that names the sale `saleKey`. */
function saleReturn(key: string, saleKey: string, packs: number[]): BusinessRow {
  return businessRow(key, 'T1', {
    infno: '3506',
    orderKeys: [...packs.map((n) => `code:${traceCode(n)}`), `bchno:${key}`, `bchno:${saleKey}`],
  });
}

function claimRequest(owner: string, now = T1, limit = 10, leaseMinutes = 5): ClaimRequest {
  const leaseUntil = new Date(Date.parse(now) + leaseMinutes * 60_000).toISOString();
  return { now, limit, owner, leaseUntil };
}

const keysOf = (uploads: Upload[]) => uploads.map((u) => u.businessKey);

/** tracegate's msgid (institution 12 + time 14 + sequence 4) and the platform's inf_refmsgid. */
const MSGID = 'H33010500001202507011730000001';
const REFMSGID = '330000202507011730000000012345';

export function uploadContract(ctx: UploadContractContext): void {
  const store = () => ctx.store();

  /** Claims `key` alone (it must be due and unblocked) and writes `state` back as its sender. */
  async function settle(key: string, state: UploadState, extra: Partial<Upload> = {}): Promise<void> {
    const claimed = await store().claimDue(claimRequest('settler', minutes(60), 1000));
    const upload = claimed.find((u) => u.businessKey === key);
    expect(upload, `${key} claimed`).to.not.equal(undefined);
    for (const other of claimed.filter((u) => u.businessKey !== key)) {
      await store().updateUpload(other.id, 'settler', { state: other.claimedFrom }, minutes(60));
    }
    expect(await store().updateUpload(upload!.id, 'settler', { state, ...extra }, minutes(60))).to.equal(true);
  }

  describe('upload outbox', () => {
    it('enqueues uploads numbered in order and reads them back whole', async () => {
      const rows: Array<BusinessRow & { originalId?: number | null }> = [
        sale('K1', [1]),
        businessRow('K2', 'P1', { source: 'proxy', state: 'held', orderKeys: [`bchno:K2`] }),
        businessRow('K3', 'P1', {
          source: 'proxy',
          state: 'delivered',
          orderKeys: [],
          delivery: { msgid: MSGID, infRefmsgid: REFMSGID, at: T1 },
        }),
      ];
      const uploads = await store().enqueueUploads(rows);
      expect(uploads.map((u) => u.id)).to.satisfy((ids: number[]) => ids[0]! < ids[1]! && ids[1]! < ids[2]!);
      expect(uploads[0]).to.deep.equal({
        id: uploads[0]!.id,
        infno: '3505',
        businessKey: 'K1',
        sessionId: 'D1',
        source: 'window',
        payload: rows[0]!.payload,
        orderKeys: [`code:${traceCode(1)}`, 'bchno:K1'],
        state: 'pending',
        attempts: 0,
        nextAttemptAt: null,
        errorClass: null,
        lastError: null,
        lastMsgid: null,
        infRefmsgid: null,
        createdAt: T1,
        updatedAt: T1,
        deliveredAt: null,
        originalId: null,
        leaseOwner: null,
        leaseUntil: null,
      });
      expect(uploads[1]).to.include({ source: 'proxy', state: 'held', deliveredAt: null });
      expect(uploads[2]).to.include({ state: 'delivered', lastMsgid: MSGID, infRefmsgid: REFMSGID, deliveredAt: T1 });
      expect(uploads[2]!.orderKeys).to.deep.equal([]);
      for (const u of uploads) {
        expect(await store().getUpload(u.id)).to.deep.equal(u);
        expect(await store().getUploadByKey(u.businessKey)).to.deep.equal(u);
      }
      expect(await store().getUpload(uploads[2]!.id + 1000)).to.equal(undefined);
      expect(await store().getUploadByKey('NOPE')).to.equal(undefined);
      expect(await store().enqueueUploads([])).to.deep.equal([]);
      // A re-drive names the upload it repeats.
      const [redrive] = await store().enqueueUploads([
        { ...sale('K1:r1', [1]), source: 'redrive', originalId: uploads[0]!.id },
      ]);
      expect(redrive).to.include({ source: 'redrive', originalId: uploads[0]!.id });
      expect(await store().getUpload(redrive!.id)).to.deep.equal(redrive);
    });

    it('refuses a business key already stored or repeated (BUSINESS_ROW_EXISTS) and writes nothing of the batch', async () => {
      await store().enqueueUploads([sale('K1', [1])]);
      const e = await tracegateError(store().enqueueUploads([sale('K2', [2]), sale('K1', [1])]), 'BUSINESS_ROW_EXISTS');
      expect(e.details).to.deep.equal({ businessKeys: ['K1'] });
      const twice = await tracegateError(
        store().enqueueUploads([sale('K3', [3]), sale('K3', [3])]),
        'BUSINESS_ROW_EXISTS'
      );
      expect(twice.details).to.deep.equal({ businessKeys: ['K3'] });
      expect(keysOf(await store().listUploads({}))).to.deep.equal(['K1']);
      expect(await store().listUploads({ traceCode: traceCode(2) })).to.deep.equal([]);
      expect(await store().getUploadByKey('K2')).to.equal(undefined);
    });

    it('refuses an initial state other than pending, delivered or held, and an empty or over-long order key', async () => {
      await tracegateError(
        store().enqueueUploads([sale('K1', [1]), sale('K2', [2], { state: 'sending' })]),
        'UPLOAD_STATE_INVALID'
      );
      await tracegateError(
        store().enqueueUploads([sale('K1', [1], { orderKeys: ['x'.repeat(121)] })]),
        'ORDER_KEY_INVALID'
      );
      await tracegateError(store().enqueueUploads([sale('K1', [1], { orderKeys: [''] })]), 'ORDER_KEY_INVALID');
      expect(await store().listUploads({})).to.deep.equal([]);
      // 120 characters fit; a key listed twice is stored once.
      const [u] = await store().enqueueUploads([sale('K1', [1], { orderKeys: ['y'.repeat(120), 'k', 'k'] })]);
      expect(u!.orderKeys).to.deep.equal(['y'.repeat(120), 'k']);
      expect((await store().getUpload(u!.id))?.orderKeys).to.deep.equal(['y'.repeat(120), 'k']);
    });

    it('takes a completed session’s rows into the outbox: source, state, delivery and order keys', async () => {
      await store().createSession(dispenseSession('D1'));
      const delivery = { msgid: MSGID, infRefmsgid: null, at: minutes(1) };
      const rows: BusinessRow[] = [
        // Keys in an order no sort would give: they come back as written.
        sale('D1-1', [1], { orderKeys: ['bchno:D1-1', `code:${traceCode(9)}`, `code:${traceCode(1)}`] }),
        sale('D1-2', [2], { source: 'proxy', state: 'delivered', delivery }),
        sale('D1-3', [3], { source: 'proxy', state: 'held' }),
      ];
      await store().completeSession(completed(dispenseSession('D1')), 1, [], rows, []);
      expect(await store().listBusinessRows('D1')).to.deep.equal(rows);
      const uploads = await store().listUploads({ sessionId: 'D1' });
      expect(uploads.map((u) => [u.businessKey, u.source, u.state])).to.deep.equal([
        ['D1-1', 'window', 'pending'],
        ['D1-2', 'proxy', 'delivered'],
        ['D1-3', 'proxy', 'held'],
      ]);
      expect(uploads[1]).to.include({
        lastMsgid: delivery.msgid,
        infRefmsgid: null,
        deliveredAt: delivery.at,
        updatedAt: T1,
      });
      expect(keysOf(await store().listUploads({ traceCode: traceCode(9) }))).to.deep.equal(['D1-1']);
      expect(keysOf(await store().listUploads({ traceCode: traceCode(2) }))).to.deep.equal(['D1-2']);
      // listBusinessRows shows the upload's current state once a sender moved it.
      await settle('D1-1', 'dead', { errorClass: 'permanent', lastError: 'PLATFORM_REFUSED: 追溯码不存在' });
      expect((await store().listBusinessRows('D1'))[0]?.state).to.equal('dead');
    });

    describe('claiming', () => {
      it('claims due uploads oldest first into sending under the lease, and never twice', async () => {
        const uploads = await store().enqueueUploads([1, 2, 3, 4, 5].map((n) => sale(`K${n}`, [n])));
        const request = claimRequest('instance-a', T1, 2);
        const first = await store().claimDue(request);
        expect(keysOf(first)).to.deep.equal(['K1', 'K2']);
        expect(first[0]).to.deep.equal({
          ...uploads[0],
          state: 'sending',
          leaseOwner: 'instance-a',
          leaseUntil: request.leaseUntil,
          updatedAt: T1,
          claimedFrom: 'pending',
        });
        const { claimedFrom: _, ...stored } = first[0]!;
        expect(await store().getUpload(uploads[0]!.id)).to.deep.equal(stored);
        expect(keysOf(await store().claimDue(claimRequest('instance-b', T1, 2)))).to.deep.equal(['K3', 'K4']);
        expect(keysOf(await store().claimDue(claimRequest('instance-b', T1, 10)))).to.deep.equal(['K5']);
        expect(await store().claimDue(claimRequest('instance-c', minutes(4), 10))).to.deep.equal([]);
        expect(await store().claimDue(claimRequest('instance-c', T1, 0))).to.deep.equal([]);
      });

      it('waits for nextAttemptAt, and keeps what the sender wrote', async () => {
        const [u] = await store().enqueueUploads([sale('K1', [1])]);
        await store().claimDue(claimRequest('a'));
        await store().updateUpload(
          u!.id,
          'a',
          {
            state: 'pending',
            attempts: 1,
            nextAttemptAt: minutes(5),
            errorClass: 'transient',
            lastError: 'UPSTREAM_UNAVAILABLE: 连接被拒绝',
          },
          minutes(1)
        );
        expect(await store().claimDue(claimRequest('b', minutes(4)))).to.deep.equal([]);
        const [again] = await store().claimDue(claimRequest('b', minutes(5)));
        expect(again).to.include({
          businessKey: 'K1',
          claimedFrom: 'pending',
          attempts: 1,
          errorClass: 'transient',
          lastError: 'UPSTREAM_UNAVAILABLE: 连接被拒绝',
          leaseOwner: 'b',
        });
      });

      it('holds back an upload while an older one sharing an order key is unsettled (a return waits for its sale)', async () => {
        await store().enqueueUploads([sale('S1', [1, 2]), saleReturn('R1', 'S1', [1]), sale('X1', [3])]);
        expect(keysOf(await store().claimDue(claimRequest('a')))).to.deep.equal(['S1', 'X1']);
        const s1 = (await store().getUploadByKey('S1'))!;
        // The sale's attempt timed out: it is ambiguous, due again, and the return still waits.
        await store().updateUpload(s1.id, 'a', { state: 'ambiguous', errorClass: 'ambiguous' }, minutes(1));
        expect(keysOf(await store().claimDue(claimRequest('b', minutes(2))))).to.deep.equal(['S1']);
        await store().updateUpload(s1.id, 'b', { state: 'delivered', deliveredAt: minutes(3) }, minutes(3));
        const [r1] = await store().claimDue(claimRequest('b', minutes(3)));
        expect(r1).to.include({ businessKey: 'R1', claimedFrom: 'pending' });
      });

      it('lets a dead upload block the uploads behind it until it is held; delivered and held ones never block', async () => {
        await store().enqueueUploads([
          sale('D', [1]),
          sale('H', [2], { state: 'held' }),
          sale('V', [3], { state: 'delivered' }),
          sale('D-next', [1]),
          sale('H-next', [2]),
          sale('V-next', [3]),
        ]);
        await settle('D', 'dead', { errorClass: 'permanent' });
        expect(keysOf(await store().claimDue(claimRequest('a', minutes(61))))).to.deep.equal(['H-next', 'V-next']);
        const dead = (await store().getUploadByKey('D'))!;
        expect(await store().resetUploads([dead.id], ['dead'], { state: 'held' }, minutes(62))).to.equal(1);
        expect(keysOf(await store().claimDue(claimRequest('a', minutes(62))))).to.deep.equal(['D-next']);
      });

      it('finds due uploads behind a long blocked head', async () => {
        const blocked = Array.from({ length: 150 }, (_, i) => sale(`B${i}`, [1]));
        await store().enqueueUploads([sale('HEAD', [1]), ...blocked, sale('FREE', [2])]);
        await settle('HEAD', 'dead');
        expect(keysOf(await store().claimDue(claimRequest('a', minutes(61), 1)))).to.deep.equal(['FREE']);
      });

      it('reclaims an upload whose lease ran out (claimedFrom sending); the old owner can no longer write', async () => {
        const [u] = await store().enqueueUploads([sale('K1', [1])]);
        const first = claimRequest('a', T1, 10, 5);
        await store().claimDue(first);
        expect(await store().claimDue(claimRequest('b', minutes(4)))).to.deep.equal([]);
        const [taken] = await store().claimDue(claimRequest('b', minutes(5)));
        expect(taken).to.include({ id: u!.id, claimedFrom: 'sending', state: 'sending', leaseOwner: 'b' });
        expect(taken!.leaseUntil).to.equal(minutes(10));
        expect(await store().updateUpload(u!.id, 'a', { state: 'delivered' }, minutes(6))).to.equal(false);
        expect(await store().updateUpload(u!.id, 'b', { state: 'delivered' }, minutes(6))).to.equal(true);
      });

      it('never gives one upload to two concurrent claimers', async () => {
        await ctx.withTwoHandles(async (a, b) => {
          await a.enqueueUploads(Array.from({ length: 30 }, (_, i) => sale(`K${i}`, [i])));
          const claimers = Array.from({ length: 6 }, (_, i) =>
            (i % 2 ? b : a).claimDue(claimRequest(`instance-${i}`, T1, 5))
          );
          const results = await Promise.all(claimers);
          const claimed = results.flat();
          expect(new Set(claimed.map((u) => u.id)).size, 'no upload claimed twice').to.equal(claimed.length);
          const rest = await a.claimDue(claimRequest('late', T1, 100));
          expect(claimed.length + rest.length).to.equal(30);
          for (const [i, result] of results.entries()) {
            for (const u of result) {
              expect((await b.getUpload(u.id))?.leaseOwner).to.equal(`instance-${i}`);
            }
          }
          // Two reclaimers of one lapsed lease: one wins.
          const again = await Promise.all([
            a.claimDue(claimRequest('x', minutes(5), 100)),
            b.claimDue(claimRequest('y', minutes(5), 100)),
          ]);
          expect(again[0].length + again[1].length).to.equal(30);
          expect(new Set(again.flat().map((u) => u.id)).size).to.equal(30);
        });
      });
    });

    it('writes a sender’s outcome only while it holds the lease, and only the fields given', async () => {
      const [u] = await store().enqueueUploads([sale('K1', [1])]);
      expect(await store().updateUpload(u!.id, 'a', { state: 'delivered' }, minutes(1))).to.equal(false);
      await store().claimDue(claimRequest('a'));
      expect(await store().updateUpload(u!.id, 'b', { state: 'delivered' }, minutes(1))).to.equal(false);
      // Still sending: the msgid is written before the request goes out, the lease stays.
      expect(await store().updateUpload(u!.id, 'a', { state: 'sending', lastMsgid: MSGID }, minutes(1))).to.equal(true);
      expect(await store().getUpload(u!.id)).to.include({ state: 'sending', leaseOwner: 'a', updatedAt: minutes(1) });
      const done = {
        state: 'delivered' as const,
        attempts: 1,
        infRefmsgid: REFMSGID,
        deliveredAt: minutes(2),
      };
      expect(await store().updateUpload(u!.id, 'a', done, minutes(2))).to.equal(true);
      expect(await store().getUpload(u!.id)).to.deep.equal({
        ...u,
        ...done,
        lastMsgid: MSGID,
        updatedAt: minutes(2),
        leaseOwner: null,
        leaseUntil: null,
      });
      expect(await store().updateUpload(u!.id, 'a', { state: 'pending' }, minutes(3))).to.equal(false);
      expect(await store().updateUpload(u!.id + 1000, 'a', { state: 'pending' }, minutes(3))).to.equal(false);
    });

    it('resets uploads in one of the given states, regardless of lease, and clears the lease', async () => {
      const uploads = await store().enqueueUploads([sale('K1', [1]), sale('K2', [2]), sale('K3', [3])]);
      const [k1, k2, k3] = uploads.map((u) => u.id) as [number, number, number];
      await settle('K2', 'dead', { errorClass: 'permanent', lastError: 'PLATFORM_REFUSED: 重复上传' });
      await store().claimDue(claimRequest('a', minutes(61), 1));
      const untouched = await store().getUpload(k3);
      const reset = { state: 'pending' as const, nextAttemptAt: null, errorClass: null, lastError: null };
      expect(await store().resetUploads([k1, k2, k3, k3 + 1000], ['dead', 'sending'], reset, minutes(70))).to.equal(2);
      for (const id of [k1, k2]) {
        expect(await store().getUpload(id)).to.include({
          state: 'pending',
          leaseOwner: null,
          leaseUntil: null,
          errorClass: null,
          lastError: null,
          updatedAt: minutes(70),
        });
      }
      expect(await store().getUpload(k3)).to.deep.equal(untouched);
      expect(await store().resetUploads([], ['pending'], reset, minutes(71))).to.equal(0);
      expect(await store().resetUploads([k1], [], reset, minutes(71))).to.equal(0);
      await tracegateError(
        store().resetUploads([k1], ['pending'], { state: 'sending' }, minutes(71)),
        'UPLOAD_STATE_INVALID'
      );
    });

    it('lists by state, infno, source, session, business key, trace code and creation time, paged by afterId', async () => {
      const at = (n: number) => `2025-07-0${n}T08:00:00.000Z`;
      await store().enqueueUploads([
        sale('A', [1], { createdAt: at(1) }),
        sale('B', [2], { createdAt: at(2), source: 'proxy', sessionId: 'D2' }),
        saleReturn('C', 'A', [1]),
        sale('D', [4], { createdAt: at(4), infno: '3503', state: 'held' }),
        sale('E', [5, 1], { createdAt: at(5), state: 'delivered' }),
      ]);
      const list = async (filter: Parameters<Store['listUploads']>[0]) => keysOf(await store().listUploads(filter));
      expect(await list({})).to.deep.equal(['A', 'B', 'C', 'D', 'E']);
      expect(await list({ states: ['held', 'delivered'] })).to.deep.equal(['D', 'E']);
      expect(await list({ states: [] })).to.deep.equal([]);
      expect(await list({ infno: '3506' })).to.deep.equal(['C']);
      expect(await list({ source: 'proxy' })).to.deep.equal(['B']);
      expect(await list({ sessionId: 'D1' })).to.deep.equal(['A', 'D', 'E']);
      expect(await list({ businessKey: 'D' })).to.deep.equal(['D']);
      expect(await list({ traceCode: traceCode(1) })).to.deep.equal(['A', 'C', 'E']);
      expect(await list({ traceCode: traceCode(1), states: ['pending'] })).to.deep.equal(['A', 'C']);
      expect(await list({ traceCode: traceCode(404) })).to.deep.equal([]);
      // createdFrom ≤ createdAt < createdTo (C was created at T1, 2025-07-01T09:30).
      expect(await list({ createdFrom: at(2), createdTo: at(5) })).to.deep.equal(['B', 'D']);
      expect(await list({ createdFrom: T1 })).to.deep.equal(['B', 'C', 'D', 'E']);
      const first = await store().listUploads({ limit: 2 });
      expect(keysOf(first)).to.deep.equal(['A', 'B']);
      expect(await list({ afterId: first[1]!.id, limit: 2 })).to.deep.equal(['C', 'D']);
      expect(await list({ afterId: first[1]!.id, traceCode: traceCode(1) })).to.deep.equal(['C', 'E']);
      expect(await list({ limit: 0 })).to.deep.equal([]);
    });

    it('lists 100 uploads unless asked, and never more than 1000', async () => {
      await store().enqueueUploads(Array.from({ length: 1_005 }, (_, i) => sale(`K${i}`, [i])));
      const page = await store().listUploads({});
      expect(page).to.have.length(100);
      expect(page[99]!.orderKeys).to.deep.equal([`code:${traceCode(99)}`, 'bchno:K99']);
      expect(await store().listUploads({ limit: 5_000 })).to.have.length(1_000);
      expect(await store().listUploads({ afterId: page[99]!.id, limit: 5_000 })).to.have.length(905);
    });

    it('counts uploads per state (every state named) and tells the age of the queue', async () => {
      const zero = { pending: 0, sending: 0, ambiguous: 0, delivered: 0, dead: 0, held: 0 };
      expect(await store().countUploadsByState()).to.deep.equal(zero);
      expect(await store().oldestUndelivered()).to.equal(null);
      await store().enqueueUploads([
        sale('OLD-HELD', [1], { createdAt: '2025-06-01T00:00:00.000Z', state: 'held' }),
        sale('OLD-DONE', [2], { createdAt: '2025-06-02T00:00:00.000Z', state: 'delivered' }),
        sale('K1', [3], { createdAt: '2025-06-20T00:00:00.000Z' }),
        sale('K2', [4], { createdAt: '2025-06-10T00:00:00.000Z' }),
        sale('K3', [5]),
      ]);
      await settle('K2', 'dead');
      await store().claimDue(claimRequest('a', minutes(61), 1));
      expect(await store().countUploadsByState()).to.deep.equal({
        ...zero,
        pending: 1,
        sending: 1,
        dead: 1,
        delivered: 1,
        held: 1,
      });
      // A dead upload is not delivered: it still ages the queue.
      expect(await store().oldestUndelivered()).to.equal('2025-06-10T00:00:00.000Z');
    });

    it('records attempts before they are sent, completes them, and refuses the same attempt twice', async () => {
      const [u] = await store().enqueueUploads([sale('K1', [1])]);
      const first = uploadAttempt(u!.id, 1);
      await store().startAttempt(first);
      const query = uploadAttempt(u!.id, 2, { infno: '3511', msgid: 'H33010500001202507011731000002' });
      await store().startAttempt(query);
      expect(await store().listAttempts(u!.id)).to.deep.equal([first, query]);
      const result = {
        finishedAt: minutes(1),
        outcome: 'ambiguous',
        httpStatus: 504,
        infcode: null,
        message: '网关超时',
        response: '<html>504 Gateway Time-out</html>',
      };
      await store().finishAttempt(u!.id, 1, result);
      expect((await store().listAttempts(u!.id))[0]).to.deep.equal({ ...first, ...result });
      await tracegateError(store().startAttempt(uploadAttempt(u!.id, 1)), 'UPLOAD_ATTEMPT_EXISTS');
      await tracegateError(store().finishAttempt(u!.id, 3, result), 'UPLOAD_ATTEMPT_NOT_FOUND');
      expect(await store().listAttempts(u!.id + 1000)).to.deep.equal([]);
      expect(await store().listAttempts(u!.id)).to.have.length(2);
    });

    it('prunes bodies of finished attempts: delivered uploads after `before`, the others after `failedBefore`', async () => {
      const [delivered, dead] = await store().enqueueUploads([sale('OK', [1]), sale('BAD', [2])]);
      await settle('OK', 'delivered');
      await settle('BAD', 'dead');
      const day = (n: number) => `2025-06-${String(n).padStart(2, '0')}T00:00:00.000Z`;
      const finished = (finishedAt: string) => ({ finishedAt, response: '{"infcode":0}' });
      const attempts = [
        uploadAttempt(delivered!.id, 1, finished(day(20))),
        uploadAttempt(delivered!.id, 2, finished(day(28))),
        uploadAttempt(dead!.id, 1, finished(day(20))),
        uploadAttempt(dead!.id, 2, finished(day(1))),
        uploadAttempt(dead!.id, 3, { startedAt: day(1) }),
      ];
      for (const a of attempts) {
        await store().startAttempt(a);
      }
      expect(await store().pruneAttemptBodies(day(25), day(10))).to.equal(2);
      const bodies = async (id: number) =>
        (await store().listAttempts(id)).map((a) => [a.attempt, a.request !== null, a.response !== null]);
      expect(await bodies(delivered!.id)).to.deep.equal([
        [1, false, false],
        [2, true, true],
      ]);
      expect(await bodies(dead!.id)).to.deep.equal([
        [1, true, true],
        [2, false, false],
        [3, true, false],
      ]);
      expect(await store().pruneAttemptBodies(day(25), day(10))).to.equal(0);
      expect((await store().listAttempts(delivered!.id))[0]).to.include({
        outcome: null,
        finishedAt: day(20),
        msgid: attempts[0]!.msgid,
      });
    });
  });

  describe('ledger changes with their uploads', () => {
    it('commit(changes, rows) writes the packs and queues the rows in one step', async () => {
      const r = receive(traceCode(71));
      await store().commit([r]);
      const scrap = move(r.after, 'scrap', 'scrapped', { reason: '破损' });
      await store().commit(
        [scrap],
        [businessRow('CHG-1', 'OP-1', { infno: '3502', orderKeys: ['code:' + traceCode(71)] })]
      );
      expect((await store().getPacks([traceCode(71)])).get(traceCode(71))?.state).to.equal('scrapped');
      expect(await store().getUploadByKey('CHG-1')).to.include({ infno: '3502', state: 'pending' });
    });

    it('writes neither when the rows cannot be queued (a key already used), nor when the ledger part conflicts', async () => {
      const r = receive(traceCode(72));
      await store().commit([r], [businessRow('CHG-2', 'OP-1', { infno: '3502' })]);
      const scrap = move(r.after, 'scrap', 'scrapped');
      await tracegateError(
        store().commit([scrap], [businessRow('CHG-2', 'OP-2', { infno: '3502' })]),
        'BUSINESS_ROW_EXISTS'
      );
      expect((await store().getPacks([traceCode(72)])).get(traceCode(72))?.state).to.equal('in_stock');
      const stale = move({ ...r.after, seq: 7 }, 'scrap', 'scrapped');
      let refused: unknown;
      try {
        await store().commit([stale], [businessRow('CHG-3', 'OP-3', { infno: '3502' })]);
      } catch (e) {
        refused = e;
      }
      expect(refused).to.be.instanceOf(StoreConflict);
      expect(await store().getUploadByKey('CHG-3')).to.equal(undefined);
    });
  });

  describe('insurance proxy', () => {
    it('saves a request once: a repeated msgid gets the stored one and writes nothing', async () => {
      const first = proxyRequest('H330105000012025070108000001');
      expect(await store().saveProxyRequest(first)).to.deep.equal(first);
      const repeat = { ...first, infno: '3506', sourceIp: '10.9.9.9', businessKeys: ['OTHER'] };
      expect(await store().saveProxyRequest(repeat)).to.deep.equal(first);
      expect(await store().getProxyRequest(first.msgid)).to.deep.equal(first);
      expect(await store().getProxyRequest('NOPE')).to.equal(undefined);
    });

    it('retention forgets answered requests received before a time, never ones in flight', async () => {
      await store().saveProxyRequest(
        proxyRequest('RET-OLD-ANSWERED', { state: 'answered', response: '{}', receivedAt: T0 })
      );
      await store().saveProxyRequest(proxyRequest('RET-OLD-INFLIGHT', { receivedAt: T0 }));
      await store().saveProxyRequest(
        proxyRequest('RET-NEW-ANSWERED', { state: 'answered', response: '{}', receivedAt: T1 })
      );
      expect(await store().deleteAnsweredProxyRequests(T1)).to.equal(1);
      expect(await store().getProxyRequest('RET-OLD-ANSWERED')).to.equal(undefined);
      expect(await store().getProxyRequest('RET-OLD-INFLIGHT')).to.not.equal(undefined);
      expect(await store().getProxyRequest('RET-NEW-ANSWERED')).to.not.equal(undefined);
    });

    it('stores the answer, and lists requests in a state oldest first', async () => {
      const at = (m: number) => `2025-07-01T08:0${m}:00.000Z`;
      for (const [msgid, m] of [
        ['M-b', 2],
        ['M-a', 2],
        ['M-c', 1],
        ['M-d', 5],
      ] as const) {
        await store().saveProxyRequest(proxyRequest(msgid, { receivedAt: at(m) }));
      }
      const answer = JSON.stringify({ infcode: 0, output: { result: { retRslt: '1', msgRslt: '成功' } } });
      await store().updateProxyRequest('M-d', { state: 'answered', response: answer, sessionId: 'D1' }, at(6));
      expect(await store().getProxyRequest('M-d')).to.deep.equal(
        proxyRequest('M-d', {
          receivedAt: at(5),
          state: 'answered',
          response: answer,
          sessionId: 'D1',
          updatedAt: at(6),
        })
      );
      const msgids = async (query: Parameters<Store['listProxyRequests']>[0]) =>
        (await store().listProxyRequests(query)).map((r) => r.msgid);
      expect(await msgids({ state: 'inflight' })).to.deep.equal(['M-c', 'M-a', 'M-b']);
      expect(await msgids({ state: 'inflight', receivedBefore: at(2) })).to.deep.equal(['M-c']);
      expect(await msgids({ state: 'answered' })).to.deep.equal(['M-d']);
      await tracegateError(
        store().updateProxyRequest('NOPE', { state: 'answered', response: null, sessionId: null }, at(7)),
        'PROXY_REQUEST_NOT_FOUND'
      );
    });

    it('keeps one request when two instances save the same msgid at once', async () => {
      await ctx.withTwoHandles(async (a, b) => {
        const r1 = proxyRequest('M-1', { sourceIp: '10.0.0.1' });
        const r2 = proxyRequest('M-1', { sourceIp: '10.0.0.2' });
        const [s1, s2] = await Promise.all([a.saveProxyRequest(r1), b.saveProxyRequest(r2)]);
        expect(s1).to.deep.equal(s2);
        expect(await a.getProxyRequest('M-1')).to.deep.equal(s1);
      });
    });

    it('holds packs all or none, counts its own holds as its own, takes over expired ones, and releases', async () => {
      const [c1, c2, c3, c4] = [1, 2, 3, 4].map((n) => traceCode(n)) as [string, string, string, string];
      expect(await store().acquireHolds([c1, c2, c1], 'M1', T1, minutes(1))).to.deep.equal([]);
      expect(await store().acquireHolds([c3, c2, c4], 'M2', T1, minutes(1))).to.deep.equal([c2]);
      // All or none: M2 got nothing, so c3 and c4 are free.
      expect(await store().acquireHolds([c4, c3], 'M3', T1, minutes(1))).to.deep.equal([]);
      // M1 again with one of its own codes and a new one; its expiry moves to the new time.
      expect(await store().acquireHolds([c2, c1], 'M1', minutes(0.5), minutes(10))).to.deep.equal([]);
      expect(await store().acquireHolds([c1], 'M2', minutes(5), minutes(6))).to.deep.equal([c1]);
      // M3's holds ran out at +1 minute: taken over.
      expect(await store().acquireHolds([c3], 'M2', minutes(1), minutes(2))).to.deep.equal([]);
      expect(await store().acquireHolds([c4, c3], 'M4', minutes(1), minutes(2))).to.deep.equal([c3]);
      await store().releaseHolds('M1');
      expect(await store().acquireHolds([c1, c2], 'M4', minutes(5), minutes(6))).to.deep.equal([]);
      expect(await store().acquireHolds([], 'M5', minutes(5), minutes(6))).to.deep.equal([]);
      await store().releaseHolds('NOBODY');
    });

    it('lets one of two instances holding overlapping packs at once win; the other holds nothing', async () => {
      await ctx.withTwoHandles(async (a, b) => {
        const codes = Array.from({ length: 40 }, (_, i) => traceCode(i));
        const [ra, rb] = await Promise.all([
          a.acquireHolds(codes.slice(0, 30), 'M-a', T1, minutes(1)),
          b.acquireHolds(codes.slice(10), 'M-b', T1, minutes(1)),
        ]);
        const lost = ra.length === 0 ? rb : ra;
        expect(
          [ra.length, rb.length].filter((n) => n === 0),
          JSON.stringify({ ra, rb })
        ).to.have.length(1);
        expect(lost.length).to.be.greaterThan(0);
        // Only the shared packs can be refused, and the loser's own packs are free.
        for (const code of lost) {
          expect(codes.slice(10, 30)).to.include(code);
        }
        const loserOnly = ra.length === 0 ? codes.slice(30) : codes.slice(0, 10);
        expect(await a.acquireHolds(loserOnly, 'M-c', T1, minutes(1))).to.deep.equal([]);
        await a.releaseHolds('M-a');
        await a.releaseHolds('M-b');
        await a.releaseHolds('M-c');
      });
    });

    it('truncateAll removes uploads, their keys and attempts, proxy requests and holds', async () => {
      const [u] = await store().enqueueUploads([sale('K1', [1])]);
      await store().startAttempt(uploadAttempt(u!.id, 1));
      await store().saveProxyRequest(proxyRequest('M-1'));
      await store().acquireHolds([traceCode(1)], 'M-1', T1, minutes(10));
      await store().truncateAll();
      expect(await store().listUploads({})).to.deep.equal([]);
      expect(await store().listUploads({ traceCode: traceCode(1) })).to.deep.equal([]);
      expect(await store().listAttempts(u!.id)).to.deep.equal([]);
      expect(await store().getProxyRequest('M-1')).to.equal(undefined);
      expect(await store().acquireHolds([traceCode(1)], 'M-2', T1, minutes(10))).to.deep.equal([]);
      const [again] = await store().enqueueUploads([sale('K1', [1])]);
      expect(again!.id).to.not.equal(undefined);
    });
  });
}
