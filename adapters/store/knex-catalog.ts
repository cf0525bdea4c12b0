/** The catalog half of KnexStore: drugs (三码合一), their prefixes and GTINs, and the version history. */
import type { Knex } from 'knex';
import type { Drug, DrugDraft, DrugVersion, PackLevel } from '../../core/catalog/drug.js';
import { isTracegateError } from '../../core/errors.js';
import type { CodeOwner } from '../../core/ports/catalog-store.js';
import { batchLimits, chunks } from './batching.js';
import { bulkInsert } from './bulk-insert.js';
import {
  checkDraftBatch,
  checkExpectedVersions,
  concurrentEdit,
  findTakenCode,
  normalizeDraft,
  savedDrug,
  type StoredCodeOwner,
} from './catalog-rules.js';
import { classifyDbError } from './db-errors.js';
import type { StoreDialect } from './knex-config.js';
import { compareCodes } from './ordering.js';
import {
  drugUpdate,
  drugValues,
  drugVersionValues,
  gtinValues,
  prefixValues,
  rowToDrug,
  rowToDrugVersion,
  rowToGtin,
  rowToPrefix,
  type Row,
} from './row-mappers.js';
import { selectIn } from './select-in.js';
import { columnNames, DRUG_COLUMNS, DRUG_VERSION_COLUMNS, GTIN_COLUMNS, PREFIX_COLUMNS, TABLES } from './tables.js';

type Db = Knex | Knex.Transaction;

const drugColumns = columnNames(DRUG_COLUMNS);
const prefixColumns = columnNames(PREFIX_COLUMNS);
const gtinColumns = columnNames(GTIN_COLUMNS);

export interface SaveDrugsChange {
  actor: string;
  source: string;
  at: string;
  expectedVersions?: Record<string, number>;
}

export class KnexCatalog {
  constructor(
    private readonly db: Knex,
    private readonly dialect: StoreDialect
  ) {}

  async getDrug(hisDrugCode: string): Promise<Drug | undefined> {
    const [drug] = await this.loadDrugs(this.db, [hisDrugCode]);
    return drug;
  }

  async listDrugs(): Promise<Drug[]> {
    const [rows, prefixes, gtins] = await Promise.all([
      this.db(TABLES.drugs).select(drugColumns) as Promise<Row[]>,
      this.db(TABLES.prefixes).select(prefixColumns) as Promise<Row[]>,
      this.db(TABLES.gtins).select(gtinColumns) as Promise<Row[]>,
    ]);
    return assemble(rows, prefixes, gtins);
  }

  async findByPrefix(prefix: string): Promise<CodeOwner | undefined> {
    return this.findOwner(TABLES.prefixes, 'prefix', prefix);
  }

  async findByGtin(gtin: string): Promise<CodeOwner | undefined> {
    return this.findOwner(TABLES.gtins, 'gtin', gtin);
  }

  async drugHistory(hisDrugCode: string): Promise<DrugVersion[]> {
    const rows: Row[] = await this.db(TABLES.drugVersions)
      .select(columnNames(DRUG_VERSION_COLUMNS))
      .where('his_drug_code', hisDrugCode)
      .orderBy('version');
    return rows.map(rowToDrugVersion);
  }

  async saveDrugs(drafts: DrugDraft[], change: SaveDrugsChange): Promise<Drug[]> {
    if (drafts.length === 0) {
      return [];
    }
    checkDraftBatch(drafts);
    try {
      return await this.db.transaction((trx) => this.writeDrugs(trx, drafts, change));
    } catch (e) {
      // A key violation means a concurrent writer got there between our checks and our writes; after the
      // rollback, the checks against the now-committed data say what happened in the user's terms.
      if (isTracegateError(e) || classifyDbError(this.dialect, e) === 'other') {
        throw e;
      }
      const taken = findTakenCode(drafts, await this.storedOwners(this.db, drafts));
      if (taken) {
        throw taken;
      }
      throw concurrentEdit(drafts.map((d) => d.hisDrugCode));
    }
  }

  private async writeDrugs(trx: Knex.Transaction, drafts: DrugDraft[], change: SaveDrugsChange): Promise<Drug[]> {
    const codes = drafts.map((d) => d.hisDrugCode);
    const current = new Map<string, number>();
    for (const r of await selectIn(
      trx,
      this.dialect,
      TABLES.drugs,
      ['his_drug_code', 'version'],
      'his_drug_code',
      codes
    )) {
      current.set(String(r.his_drug_code), Number(r.version));
    }
    checkExpectedVersions(change.expectedVersions, drafts, current);
    const taken = findTakenCode(drafts, await this.storedOwners(trx, drafts));
    if (taken) {
      throw taken;
    }

    const saved = drafts.map((d) => savedDrug(d, (current.get(d.hisDrugCode) ?? 0) + 1, change.at, change.actor));
    // Codes are replaced wholesale: delete this batch's before inserting, so a code may move between drugs.
    await this.deleteIn(trx, TABLES.prefixes, codes);
    await this.deleteIn(trx, TABLES.gtins, codes);
    const fresh: unknown[][] = [];
    for (const d of saved) {
      if (d.version === 1) {
        fresh.push(drugValues(d));
        continue;
      }
      // Guarded like a pack: a concurrent editor that bumped the version first makes this update miss.
      const affected = Number(
        await trx(TABLES.drugs)
          .where({ his_drug_code: d.hisDrugCode, version: d.version - 1 })
          .update(drugUpdate(d))
      );
      if (affected !== 1) {
        throw concurrentEdit([d.hisDrugCode]);
      }
    }
    await bulkInsert(trx, this.dialect, TABLES.drugs, DRUG_COLUMNS, fresh);
    await bulkInsert(
      trx,
      this.dialect,
      TABLES.prefixes,
      PREFIX_COLUMNS,
      saved.flatMap((d) => d.prefixes.map((p) => prefixValues(d.hisDrugCode, p)))
    );
    await bulkInsert(
      trx,
      this.dialect,
      TABLES.gtins,
      GTIN_COLUMNS,
      saved.flatMap((d) => d.gtins.map((g) => gtinValues(d.hisDrugCode, g)))
    );
    await bulkInsert(
      trx,
      this.dialect,
      TABLES.drugVersions,
      DRUG_VERSION_COLUMNS,
      saved.map((d) => drugVersionValues(d, change.source, normalizeDraft(d)))
    );
    return saved;
  }

  /** Who owns each prefix and GTIN the drafts claim, with the owner's name for the message. */
  private async storedOwners(db: Db, drafts: DrugDraft[]): Promise<StoredCodeOwner[]> {
    const owners: StoredCodeOwner[] = [];
    const prefixes = drafts.flatMap((d) => d.prefixes.map((p) => p.prefix));
    const gtins = drafts.flatMap((d) => d.gtins.map((g) => g.gtin));
    const prefixRows = await selectIn(
      db,
      this.dialect,
      TABLES.prefixes,
      ['prefix', 'his_drug_code'],
      'prefix',
      prefixes
    );
    const gtinRows = await selectIn(db, this.dialect, TABLES.gtins, ['gtin', 'his_drug_code'], 'gtin', gtins);
    const ownerCodes = [...prefixRows, ...gtinRows].map((r) => String(r.his_drug_code));
    const names = new Map<string, string>();
    for (const r of await selectIn(
      db,
      this.dialect,
      TABLES.drugs,
      ['his_drug_code', 'name'],
      'his_drug_code',
      ownerCodes
    )) {
      names.set(String(r.his_drug_code), String(r.name));
    }
    for (const r of prefixRows) {
      const hisDrugCode = String(r.his_drug_code);
      owners.push({ kind: 'prefix', code: String(r.prefix), hisDrugCode, name: names.get(hisDrugCode) ?? '' });
    }
    for (const r of gtinRows) {
      const hisDrugCode = String(r.his_drug_code);
      owners.push({ kind: 'gtin', code: String(r.gtin), hisDrugCode, name: names.get(hisDrugCode) ?? '' });
    }
    return owners;
  }

  private async deleteIn(trx: Knex.Transaction, table: string, codes: string[]): Promise<void> {
    for (const chunk of chunks(codes, batchLimits[this.dialect].inList)) {
      await trx(table).whereIn('his_drug_code', chunk).delete();
    }
  }

  private async findOwner(table: string, key: string, code: string): Promise<CodeOwner | undefined> {
    const row: Row | undefined = await this.db(table)
      .select('his_drug_code', 'pack_level', 'unit_count')
      .where(key, code)
      .first();
    if (!row) {
      return undefined;
    }
    const drug = await this.getDrug(String(row.his_drug_code));
    if (!drug) {
      return undefined;
    }
    return { drug, packLevel: Number(row.pack_level) as PackLevel, unitCount: Number(row.unit_count) };
  }

  private async loadDrugs(db: Db, codes: string[]): Promise<Drug[]> {
    const rows = await selectIn(db, this.dialect, TABLES.drugs, drugColumns, 'his_drug_code', codes);
    if (rows.length === 0) {
      return [];
    }
    const prefixes = await selectIn(db, this.dialect, TABLES.prefixes, prefixColumns, 'his_drug_code', codes);
    const gtins = await selectIn(db, this.dialect, TABLES.gtins, gtinColumns, 'his_drug_code', codes);
    return assemble(rows, prefixes, gtins);
  }
}

/** Drug rows plus their prefix and GTIN rows, grouped per drug and in canonical order. */
function assemble(rows: Row[], prefixRows: Row[], gtinRows: Row[]): Drug[] {
  const prefixes = groupBy(prefixRows);
  const gtins = groupBy(gtinRows);
  return rows
    .map((r) => {
      const code = String(r.his_drug_code);
      return rowToDrug(r, (prefixes.get(code) ?? []).map(rowToPrefix), (gtins.get(code) ?? []).map(rowToGtin));
    })
    .sort((a, b) => compareCodes(a.hisDrugCode, b.hisDrugCode));
}

function groupBy(rows: Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const code = String(r.his_drug_code);
    const list = out.get(code);
    if (list) {
      list.push(r);
    } else {
      out.set(code, [r]);
    }
  }
  return out;
}
