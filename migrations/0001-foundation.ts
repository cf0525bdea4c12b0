/**
 * 0001-foundation: catalog (三码合一), package hierarchy and the pack ledger.
 *
 * Rules that hold for every migration in this folder:
 * - forward only: there is no `down`; a mistake is fixed by the next migration.
 * - every primary key, foreign key, unique constraint and index is named (knex's Oracle compiler fails on
 *   unnamed unique indexes, and names make error messages and later migrations dialect-independent).
 * - every identifier is at most 30 characters (Oracle before 12.2).
 * - indexed varchar columns stay ≤ 191 characters (MySQL utf8mb4 on old row formats) and keys stay under
 *   SQL Server's 900-byte limit (nvarchar: 2 bytes per character).
 * - timestamps are ISO-8601 UTC strings in varchar(30) (`2025-07-01T08:00:00.000Z`): they sort and compare the
 *   same way in all five dialects and no driver converts them through a local time zone.
 */
import type { Knex } from 'knex';
import { storeDialectOf, type StoreDialect } from '../adapters/store/knex-config.js';
import { columnsFor, tableOptions } from './columns.js';

/** Trace codes: the insurance interface's field is 100 characters. */
const TRACE_CODE = 100;
const HIS_DRUG_CODE = 64;
const TIMESTAMP = 30;
const ACTOR = 64;

/**
 * The whole schema as one chain on a schema builder, so tests can compile it offline
 * (`foundationSchema(knex({ client: 'oracledb' }).schema, 'oracle').toSQL()`) without a server.
 */
export function foundationSchema(schema: Knex.SchemaBuilder, dialect: StoreDialect): Knex.SchemaBuilder {
  const c = columnsFor(dialect);
  return schema
    .createTable('tg_drugs', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'his_drug_code', HIS_DRUG_CODE).notNullable();
      c.ascii(t, 'insurance_code', 64);
      c.text(t, 'name', 200).notNullable();
      c.text(t, 'spec', 200);
      c.text(t, 'manufacturer', 200);
      c.flag(t, 'rx_flag').notNullable();
      c.flag(t, 'vbp_flag').notNullable();
      c.int(t, 'units_per_pack').notNullable();
      c.text(t, 'unit_name', 20);
      c.ascii(t, 'barcode69', 20);
      c.flag(t, 'exempt').notNullable();
      c.text(t, 'exempt_reason', 200);
      c.int(t, 'version').notNullable();
      c.ascii(t, 'updated_at', TIMESTAMP).notNullable();
      c.text(t, 'updated_by', ACTOR).notNullable();
      t.primary(['his_drug_code'], 'tg_drugs_pk');
    })
    .createTable('tg_drug_prefixes', (t) => {
      tableOptions(t, dialect);
      // The primary key is the prefix alone: one 药品标识码 belongs to one drug, enforced by the database.
      c.ascii(t, 'prefix', 32).notNullable();
      c.ascii(t, 'his_drug_code', HIS_DRUG_CODE).notNullable();
      c.flag(t, 'pack_level').notNullable();
      c.int(t, 'unit_count').notNullable();
      t.primary(['prefix'], 'tg_drug_prefixes_pk');
      t.index(['his_drug_code'], 'tg_drug_prefixes_drug_idx');
      t.foreign(['his_drug_code'], 'tg_drug_prefixes_drug_fk').references(['his_drug_code']).inTable('tg_drugs');
    })
    .createTable('tg_drug_gtins', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'gtin', 20).notNullable();
      c.ascii(t, 'his_drug_code', HIS_DRUG_CODE).notNullable();
      c.flag(t, 'pack_level').notNullable();
      c.int(t, 'unit_count').notNullable();
      t.primary(['gtin'], 'tg_drug_gtins_pk');
      t.index(['his_drug_code'], 'tg_drug_gtins_drug_idx');
      t.foreign(['his_drug_code'], 'tg_drug_gtins_drug_fk').references(['his_drug_code']).inTable('tg_drugs');
    })
    .createTable('tg_drug_versions', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'his_drug_code', HIS_DRUG_CODE).notNullable();
      c.int(t, 'version').notNullable();
      c.ascii(t, 'changed_at', TIMESTAMP).notNullable();
      c.text(t, 'changed_by', ACTOR).notNullable();
      c.ascii(t, 'source', 20).notNullable();
      c.json(t, 'snapshot').notNullable();
      // Two concurrent edits that both computed version N+1 cannot both be recorded.
      t.primary(['his_drug_code', 'version'], 'tg_drug_versions_pk');
      t.foreign(['his_drug_code'], 'tg_drug_versions_drug_fk').references(['his_drug_code']).inTable('tg_drugs');
    })
    .createTable('tg_relations', (t) => {
      tableOptions(t, dialect);
      // The child is the primary key: the database itself keeps a child in one parent only.
      c.ascii(t, 'child_code', TRACE_CODE).notNullable();
      c.ascii(t, 'parent_code', TRACE_CODE).notNullable();
      c.flag(t, 'parent_level').notNullable();
      c.flag(t, 'child_level').notNullable();
      c.ascii(t, 'parent_status', 10).notNullable();
      t.primary(['child_code'], 'tg_relations_pk');
      t.index(['parent_code'], 'tg_relations_parent_idx');
    })
    .createTable('tg_packs', (t) => {
      tableOptions(t, dialect);
      // No foreign key to tg_drugs: the ledger must keep a pack even when the HIS renames or drops a drug,
      // and receipt ingest should not pay a lookup per row.
      c.ascii(t, 'trace_code', TRACE_CODE).notNullable();
      c.ascii(t, 'his_drug_code', HIS_DRUG_CODE).notNullable();
      c.ascii(t, 'state', 20).notNullable();
      c.int(t, 'units_remaining');
      c.text(t, 'lot', 50);
      c.ascii(t, 'expiry', 10);
      c.int(t, 'seq').notNullable();
      c.ascii(t, 'updated_at', TIMESTAMP).notNullable();
      c.text(t, 'location', 100);
      c.text(t, 'ref', 100);
      t.primary(['trace_code'], 'tg_packs_pk');
      t.index(['his_drug_code', 'state'], 'tg_packs_drug_state_idx');
    })
    .createTable('tg_pack_events', (t) => {
      tableOptions(t, dialect);
      c.ascii(t, 'trace_code', TRACE_CODE).notNullable();
      c.int(t, 'seq').notNullable();
      c.ascii(t, 'action', 30).notNullable();
      c.ascii(t, 'from_state', 20);
      c.ascii(t, 'to_state', 20).notNullable();
      c.int(t, 'units');
      c.ascii(t, 'occurred_at', TIMESTAMP).notNullable();
      c.text(t, 'actor', ACTOR).notNullable();
      c.text(t, 'location', 100);
      c.text(t, 'ref', 100);
      c.text(t, 'reason', 500);
      c.json(t, 'details');
      // This key is what makes a double dispense impossible across processes and instances: two writers
      // that both read seq N both append N+1, and the second insert fails.
      t.primary(['trace_code', 'seq'], 'tg_pack_events_pk');
    });
}

export async function up(db: Knex): Promise<void> {
  await foundationSchema(db.schema, storeDialectOf(db));
}
