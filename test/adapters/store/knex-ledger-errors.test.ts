/**
 * How a failed commit surfaces, per dialect, without a server: knex's transaction is stubbed to fail the way
 * each driver fails, and commit must answer StoreConflict (or rethrow) exactly as the port promises.
 */
import { expect } from 'chai';
import knexFactory from 'knex';
import sinon from 'sinon';
import { knexClientOf, StoreDialects } from '../../../adapters/store/knex-config.js';
import { KnexStore } from '../../../adapters/store/knex-store.js';
import { StoreConflict } from '../../../core/ports/ledger-store.js';
import { move, receivedPack, traceCode } from '../../contract/store-fixtures.js';

const failures = {
  sqlite: { deadlock: { code: 'SQLITE_BUSY' }, duplicate: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' } },
  postgres: { deadlock: { code: '40P01' }, duplicate: { code: '23505' } },
  mysql: { deadlock: { errno: 1213, code: 'ER_LOCK_DEADLOCK' }, duplicate: { errno: 1062, code: 'ER_DUP_ENTRY' } },
  mssql: { deadlock: { number: 1205 }, duplicate: { number: 2627 } },
  oracle: { deadlock: { errorNum: 60 }, duplicate: { errorNum: 1 } },
} as const;

describe('KnexStore.commit failure mapping (offline)', () => {
  afterEach(() => sinon.restore());

  for (const dialect of StoreDialects) {
    describe(dialect, () => {
      const updates = [1, 2].map((n) => move(receivedPack(traceCode(n)), 'dispense', 'dispensed'));

      async function commitFailingWith(fields: object): Promise<unknown> {
        const db = knexFactory({ client: knexClientOf[dialect], useNullAsDefault: true });
        const store = KnexStore.fromKnex(db);
        sinon.stub(db, 'transaction').rejects(Object.assign(new Error('driver error'), fields));
        try {
          await store.commit(updates);
        } catch (e) {
          return e;
        } finally {
          await store.close();
        }
        throw new Error('commit should have failed');
      }

      it('turns a deadlock or serialization failure into StoreConflict(stale) naming the codes', async () => {
        const e = await commitFailingWith(failures[dialect].deadlock);
        expect(e).to.be.instanceOf(StoreConflict);
        expect((e as StoreConflict).reason).to.equal('stale');
        expect((e as StoreConflict).traceCodes).to.deep.equal([traceCode(1), traceCode(2)]);
      });

      it('turns a taken (trace_code, seq) on an update-only commit into StoreConflict(stale)', async () => {
        const e = await commitFailingWith(failures[dialect].duplicate);
        expect(e).to.be.instanceOf(StoreConflict);
        expect((e as StoreConflict).reason).to.equal('stale');
      });

      it('rethrows anything else unchanged', async () => {
        const e = await commitFailingWith({ code: 'ECONNRESET' });
        expect(e).to.be.instanceOf(Error).and.not.instanceOf(StoreConflict);
        expect((e as Error).message).to.equal('driver error');
      });
    });
  }
});
