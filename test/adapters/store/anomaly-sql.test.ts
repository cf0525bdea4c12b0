/**
 * The anomaly rules' SQL compiled offline for all five dialects (no server): every query builds, keeps its period
 * bound and its row limit, and writes the implicit-receipt predicate as text (the partial index's own words).
 */
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { knexClientOf, StoreDialects, type StoreDialect } from '../../../adapters/store/knex-config.js';
import {
  agentContactsQuery,
  auditedScansQuery,
  drugSalesQuery,
  repeatSaleQuery,
  sessionsAboveBoxesQuery,
  unreceivedSalesQuery,
} from '../../../adapters/store/knex-anomaly-reads.js';
import { IMPLICIT_RECEIPT_LIKE } from '../../../migrations/0005-reconciliation.js';

const PERIOD = { from: '2026-11-15T02:00:00.000Z', to: '2026-11-22T02:00:00.000Z' };

function offline(dialect: StoreDialect): Knex {
  return knexFactory({ client: knexClientOf[dialect], useNullAsDefault: true });
}

describe('anomaly SQL (offline, all dialects)', () => {
  for (const dialect of StoreDialects) {
    describe(dialect, () => {
      const db = offline(dialect);
      const compiled = {
        repeatSale: repeatSaleQuery(db, PERIOD, 5000).toSQL().toNative(),
        audited: auditedScansQuery(db, PERIOD, ['CODE_ALREADY_DISPENSED'], 5000).toSQL().toNative(),
        unreceived: unreceivedSalesQuery(db, PERIOD, 5000).toSQL().toNative(),
        drugSales: drugSalesQuery(db, PERIOD, 5).toSQL().toNative(),
        agents: agentContactsQuery(db, PERIOD, 5, 5).toSQL().toNative(),
        aboveBoxes: sessionsAboveBoxesQuery(db, PERIOD, 12, 5000).toSQL().toNative(),
      };

      it('bounds every query by the period', () => {
        for (const [name, q] of Object.entries(compiled)) {
          expect(q.bindings, name).to.include(PERIOD.from).and.include(PERIOD.to);
        }
      });

      it('limits the row-returning queries (TOP on SQL Server, ROWNUM on Oracle)', () => {
        for (const name of ['repeatSale', 'audited', 'unreceived', 'aboveBoxes'] as const) {
          const { sql, bindings } = compiled[name];
          expect(bindings, name).to.include(5000);
          if (dialect === 'mssql') {
            expect(sql, name).to.match(/^select top \(@p\d+\)/);
          }
          if (dialect === 'oracle') {
            expect(sql, name).to.match(/where rownum <= :\d+$/);
          }
        }
      });

      it('writes the implicit-receipt predicate as text, the words of the partial index', () => {
        for (const name of ['unreceived', 'drugSales'] as const) {
          expect(compiled[name].sql, name).to.contain(`= 'receive' and`).and.contain(`like '${IMPLICIT_RECEIPT_LIKE}'`);
          expect(compiled[name].bindings, name).to.not.include(IMPLICIT_RECEIPT_LIKE);
        }
        expect(compiled.drugSales.sql).to.match(/count\(distinct .*\) >= /);
      });
    });
  }
});
