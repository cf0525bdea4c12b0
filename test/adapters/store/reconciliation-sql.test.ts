/**
 * The reconciliation's SQL compiled offline for every dialect (knex without a connection), so SQL Server and Oracle
 * are checked on every run: 0005's DDL, JSON and substring spellings, GROUP BY of the selected expressions, paging.
 */
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { bulkInsertStatements } from '../../../adapters/store/bulk-insert.js';
import { bookStockValues, latestBookStockQuery } from '../../../adapters/store/knex-book-stock.js';
import { knexClientOf, StoreDialects, type StoreDialect } from '../../../adapters/store/knex-config.js';
import { hourlyQueries } from '../../../adapters/store/knex-hourly-counts.js';
import {
  asOfDeltas,
  auditRefusals,
  currentStateCounts,
  lastCountsQuery,
  unuploadedSalesQuery,
  uploadChangeQueries,
  uploadCountsQuery,
} from '../../../adapters/store/knex-reconciliation-queries.js';
import { codesQuery } from '../../../adapters/store/knex-reconciliation-codes.js';
import { jsonField } from '../../../adapters/store/reconciliation-sql.js';
import { BOOK_STOCK_COLUMNS, TABLES } from '../../../adapters/store/tables.js';
import {
  backfillUploadDrugSql,
  IMPLICIT_RECEIPT_LIKE,
  reconciliationSchema,
} from '../../../migrations/0005-reconciliation.js';

const UNTIL = '2026-11-29T16:00:00.000Z';
const FROM = '2026-11-01T16:00:00.000Z';

function offline(dialect: StoreDialect): Knex {
  return knexFactory({ client: knexClientOf[dialect], useNullAsDefault: true });
}
const sql = (q: Knex.QueryBuilder | Knex.Raw) => q.toSQL().toNative();

describe('reconciliation SQL (offline, all dialects)', () => {
  for (const dialect of StoreDialects) {
    describe(dialect, () => {
      const db = offline(dialect);

      it('creates tg_book_stock keyed by drug and day, and the as-of, audit and upload indexes (all named)', () => {
        const ddl = reconciliationSchema(db.schema, dialect)
          .toSQL()
          .map((s) => s.sql)
          .join(';\n');
        expect(ddl).to.match(/create table .tg_book_stock./i);
        expect(ddl).to.match(/constraint .tg_book_stock_pk. primary key \(.his_drug_code., .as_of.\)/i);
        for (const name of [
          'tg_pack_events_at_idx',
          'tg_audit_code_idx',
          'tg_audit_at_idx',
          'tg_business_rows_infno_idx',
          'tg_business_rows_dlv_idx',
          'tg_business_rows_drug_idx',
        ]) {
          expect(ddl).to.contain(name);
        }
        const partial = dialect === 'postgres' || dialect === 'sqlite';
        expect(ddl.includes('tg_pack_events_impl_idx'), 'partial index').to.equal(partial);
        if (partial) {
          expect(ddl).to.contain(`where "action" = 'receive' and "details" like '${IMPLICIT_RECEIPT_LIKE}'`);
        }
      });

      it('groups by exactly the expressions it selects (hour buckets, the audited code’s drug)', () => {
        const hour = dialect === 'mssql' ? 'substring' : 'substr';
        const audit = sql(auditRefusals(db, dialect, { until: UNTIL, from: FROM, byHour: true })).sql;
        expect(audit).to.contain(`${hour}(`);
        const selected = /select (coalesce\(.*?\)) as .his_drug_code.*?, (\w+\(\S+, 1, 13\)) as .hour./.exec(audit);
        expect(selected, audit).to.not.equal(null);
        expect(audit).to.contain(`group by ${selected![1]!}`);
        const hourExpr = selected![2]!;
        expect(audit.indexOf(hourExpr)).to.be.lessThan(audit.lastIndexOf(hourExpr));
        for (const q of Object.values(hourlyQueries(db, dialect, FROM, UNTIL))) {
          const text = sql(q).sql;
          const expr = /select (\w+\(\S+, 1, 13\)) as/.exec(text)?.[1];
          expect(expr, text).to.be.a('string');
          expect(text).to.match(new RegExp(`group by ${expr!.replace(/[()[\]."`]/g, '\\$&')}`));
        }
      });

      it('reads payload fields with the dialect’s JSON function', () => {
        const expr = sql(jsonField(db, dialect, 'payload', 'invdate')).sql;
        const expected: Record<StoreDialect, RegExp> = {
          sqlite: /^json_extract\(`payload`, '\$\.invdate'\)$/,
          postgres: /^\("payload"::json ->> 'invdate'\)$/,
          mysql: /^json_unquote\(json_extract\(`payload`, '\$\.invdate'\)\)$/,
          mssql: /^json_value\(\[payload\], '\$\.invdate'\)$/,
          oracle: /^json_value\("payload", '\$\.invdate'\)$/,
        };
        expect(expr).to.match(expected[dialect]);
        expect(() => jsonField(db, dialect, 'payload', "x') or 1=1 --")).to.throw();
        const last = sql(lastCountsQuery(db, dialect, '2026-11-29', 'Y0001')).sql;
        expect(last).to.contain('inv_cnt');
        // The drug comes from its column (0005), never from the payload.
        expect(last).to.not.contain('fixmedins_hilist_id');
        for (const q of [uploadCountsQuery(db, {}), ...Object.values(uploadChangeQueries(db, UNTIL, 'Y0001'))]) {
          const text = sql(q).sql;
          expect(text).to.not.contain('payload');
          expect(text).to.match(/group by .b.\..his_drug_code., .b.\..infno., .b.\..state.$/);
        }
      });

      it('backfills tg_business_rows.his_drug_code from the payload in one UPDATE', () => {
        const text = sql(backfillUploadDrugSql(db, dialect)).sql;
        const id = sql(jsonField(db, dialect, 'payload', 'fixmedins_hilist_id')).sql;
        const length = { sqlite: 'length', postgres: 'length', mysql: 'char_length', mssql: 'len', oracle: 'length' }[
          dialect
        ];
        expect(text.startsWith('update ')).to.equal(true);
        expect(text).to.contain(`${length}(${id}) between 1 and 64 then ${id} end`);
        expect(text.includes("<> 'NULL'"), 'JSON null guard').to.equal(dialect === 'mysql');
        expect(text).to.not.match(/ where /);
      });

      it('binds every value (no literal dates or codes in the text)', () => {
        for (const q of [
          currentStateCounts(db, { until: null, hisDrugCode: 'Y0001' }),
          asOfDeltas(db, UNTIL, 'Y0001'),
          uploadCountsQuery(db, { hisDrugCode: 'Y0001' }),
          ...Object.values(uploadChangeQueries(db, UNTIL, 'Y0001')),
          lastCountsQuery(db, dialect, '2026-11-29', 'Y0001'),
          unuploadedSalesQuery(db, dialect, { until: UNTIL }),
          latestBookStockQuery(db, '2026-11-29', 'Y0001'),
          codesQuery(db, dialect, {
            hisDrugCode: 'Y0001',
            category: 'in_stock',
            until: UNTIL,
            from: null,
            limit: 10,
            offset: 20,
          }),
        ]) {
          const native = sql(q);
          expect(native.sql).to.not.contain('Y0001');
          expect(native.sql).to.not.contain('2026-11');
        }
      });

      it('inserts book stock within the dialect’s parameter limit', () => {
        const rows = Array.from({ length: 700 }, (_, i) =>
          bookStockValues({
            hisDrugCode: `Y${i}`,
            asOf: '2026-11-29',
            quantity: i,
            units: null,
            source: 'import',
            recordedAt: UNTIL,
            recordedBy: '药剂科',
          })
        );
        const statements = [...bulkInsertStatements(dialect, TABLES.bookStock, BOOK_STOCK_COLUMNS, rows)];
        for (const s of statements) {
          const native = db
            .raw(s.sql, s.bindings as readonly Knex.RawBinding[])
            .toSQL()
            .toNative();
          expect(native.bindings.length).to.be.at.most(dialect === 'mssql' ? 2_100 : 65_535);
        }
      });
    });
  }

  describe('SQL Server and Oracle specifics', () => {
    it('pages a code list with OFFSET … FETCH (mssql) and ROWNUM (oracle), in code order', () => {
      const q = {
        hisDrugCode: 'Y0001',
        category: 'in_stock' as const,
        until: UNTIL,
        from: null,
        limit: 10,
        offset: 20,
      };
      const mssql = sql(codesQuery(offline('mssql'), 'mssql', q));
      expect(mssql.sql).to.match(/order by \[u\]\.\[trace_code\] asc offset @p\d+ rows fetch next @p\d+ rows only$/);
      expect(mssql.bindings.slice(-2)).to.deep.equal([20, 10]);
      const oracle = sql(codesQuery(offline('oracle'), 'oracle', q));
      expect(oracle.sql).to.match(/^select \* from \(select row_\.\*, ROWNUM rownum_ from \(select "u"\.\* from \(/);
      expect(oracle.sql).to.match(/where rownum <= :\d+\) where rownum_ > :\d+$/);
    });

    it('rebuilds the as-of state of each touched pack by primary key lookups, never a join a planner could scan', () => {
      for (const dialect of ['mssql', 'oracle'] as const) {
        const text = sql(asOfDeltas(offline(dialect), UNTIL)).sql;
        expect(text).to.match(
          /\(select max\(.m.\..seq.\) from .tg_pack_events. .m. where .m.\..trace_code. = .t.\..trace_code. and .m.\..occurred_at. < (@p0|:1)\) as .last_seq./
        );
        expect(text).to.match(
          /from \(select distinct .trace_code. from .tg_pack_events. where .occurred_at. >= (@p3|:4)\) (as )?.t./
        );
        expect(text).to.match(
          /\(select .le.\..to_state. from .tg_pack_events. .le. where .le.\..trace_code. = .x.\..trace_code. and .le.\..seq. = .x.\..last_seq.\)/
        );
        expect(text).to.match(
          /\(select .tp.\..state. from .tg_packs. .tp. where .tp.\..trace_code. = .t.\..trace_code.\) as .now_state./
        );
      }
      // Oracle takes table aliases without AS.
      expect(sql(asOfDeltas(offline('oracle'), UNTIL)).sql).to.not.match(/"tg_\w+" as "/);
    });

    it('finds the undelivered sales’ packs through their order keys (substring on mssql)', () => {
      expect(sql(unuploadedSalesQuery(offline('mssql'), 'mssql', { until: null })).sql).to.contain(
        'inner join [tg_packs] as [p] on [p].[trace_code] = substring([k].[order_key], 6, 100)'
      );
      expect(sql(unuploadedSalesQuery(offline('oracle'), 'oracle', { until: null })).sql).to.contain(
        'inner join "tg_packs" "p" on "p"."trace_code" = substr("k"."order_key", 6, 100)'
      );
    });
  });
});
