/**
 * Column helpers that give the five dialects the same meaning for the same declaration.
 * - `ascii` columns hold codes and ISO timestamps, compared byte for byte: GS1 serials are case-sensitive,
 *   so SQL Server gets a binary collation (its default is case-insensitive) and MySQL tables are utf8mb4_bin.
 * - `text` columns hold what people type (Chinese names, reasons); Oracle gets CHAR length semantics, because
 *   VARCHAR2(n) counts bytes by default and a Chinese character is three bytes in AL32UTF8.
 * - `json` columns hold JSON text (the dialects' native JSON types differ too much to be worth it); `longText`
 *   is the same type for free text of no useful bound (a raw scan, an audit reason).
 * - `bytes` columns hold bytes as received, never decoded (a HIS message in an unknown or wrong charset).
 * - `serial` is a surrogate key the database numbers (64-bit); the caller names its primary key. Oracle 11.2
 *   has no identity columns, so there it needs the sequence and trigger of `oracleSerialSql`.
 */
import type { Knex } from 'knex';
import type { StoreDialect } from '../adapters/store/knex-config.js';

export interface Columns {
  ascii(t: Knex.TableBuilder, name: string, length: number): Knex.ColumnBuilder;
  text(t: Knex.TableBuilder, name: string, length: number): Knex.ColumnBuilder;
  json(t: Knex.TableBuilder, name: string): Knex.ColumnBuilder;
  longText(t: Knex.TableBuilder, name: string): Knex.ColumnBuilder;
  /** Bytes as received (a raw HL7 or FHIR message: several MB at most, no useful bound). */
  bytes(t: Knex.TableBuilder, name: string): Knex.ColumnBuilder;
  /** Database-numbered 64-bit key; declare `t.primary([name], '…_pk')` beside it. */
  serial(t: Knex.TableBuilder, name: string): Knex.ColumnBuilder;
  /** 0/1 flag: smallint everywhere, so every driver returns a number (no boolean/bit/tinyint(1) zoo). */
  flag(t: Knex.TableBuilder, name: string): Knex.ColumnBuilder;
  int(t: Knex.TableBuilder, name: string): Knex.ColumnBuilder;
  /** 64-bit integer: a column that refers to a `serial` key. */
  bigint(t: Knex.TableBuilder, name: string): Knex.ColumnBuilder;
}

/** Case- and accent-sensitive, code-point ordered; the recommended binary collation on SQL Server 2008+. */
export const MSSQL_BINARY_COLLATION = 'Latin1_General_100_BIN2';

export function columnsFor(dialect: StoreDialect): Columns {
  return {
    ascii(t, name, length) {
      if (dialect === 'mssql') {
        return t.specificType(name, `nvarchar(${length}) collate ${MSSQL_BINARY_COLLATION}`);
      }
      if (dialect === 'oracle') {
        return t.specificType(name, `varchar2(${length} char)`);
      }
      return t.string(name, length);
    },
    text(t, name, length) {
      if (dialect === 'oracle') {
        return t.specificType(name, `varchar2(${length} char)`);
      }
      return t.string(name, length);
    },
    json(t, name) {
      // MySQL TEXT stops at 64 KB; MEDIUMTEXT is the smallest type that cannot truncate a big snapshot.
      return dialect === 'mysql' ? t.text(name, 'mediumtext') : t.text(name);
    },
    longText(t, name) {
      return dialect === 'mysql' ? t.text(name, 'mediumtext') : t.text(name);
    },
    bytes(t, name) {
      // knex's binary() is blob (SQLite, Oracle), bytea (PostgreSQL), varbinary(max) (SQL Server), but a 64 KB
      // BLOB on MySQL: LONGBLOB there, so a multi-MB message never depends on the type's limit.
      return dialect === 'mysql' ? t.specificType(name, 'longblob') : t.binary(name);
    },
    serial(t, name) {
      // Not knex's increments(): it cannot name the primary key on every dialect (SQLite gets a second, inline
      // one; MySQL loses auto_increment) and on Oracle it needs the server version even to compile.
      switch (dialect) {
        case 'sqlite':
          // `integer` + a single-column primary key makes the column the rowid, numbered by SQLite.
          return t.specificType(name, 'integer').notNullable();
        case 'postgres':
          return t.specificType(name, 'bigserial').notNullable();
        case 'mysql':
          return t.specificType(name, 'bigint unsigned auto_increment').notNullable();
        case 'mssql':
          return t.specificType(name, 'bigint identity(1,1)').notNullable();
        case 'oracle':
          return t.specificType(name, 'number(19)').notNullable();
      }
    },
    flag(t, name) {
      return t.smallint(name);
    },
    int(t, name) {
      return t.integer(name);
    },
    bigint(t, name) {
      return t.bigInteger(name);
    },
  };
}

/** MySQL-family table options; a no-op elsewhere (knex throws if charset() is called on other dialects). */
export function tableOptions(t: Knex.CreateTableBuilder, dialect: StoreDialect): void {
  if (dialect !== 'mysql') {
    return;
  }
  t.engine('InnoDB');
  t.charset('utf8mb4');
  t.collate('utf8mb4_bin');
}

/**
 * Oracle's numbering for a `serial` column: a sequence and a trigger that fills the column when an insert
 * leaves it out (works per row inside INSERT ALL, unlike `seq.nextval` in its VALUES). Names are
 * `<table>_seq` and `<table>_id_trg`, so tables that use this keep their name within 23 characters.
 */
export function oracleSerialSql(table: string, column: string): string[] {
  const sequence = `${table}_seq`;
  const trigger = `${table}_id_trg`;
  return [
    `create sequence "${sequence}"`,
    `create or replace trigger "${trigger}" before insert on "${table}" for each row ` +
      `when (new."${column}" is null) begin :new."${column}" := "${sequence}".nextval; end;`,
  ];
}
