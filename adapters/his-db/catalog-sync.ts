/**
 * The HIS's drug dictionary into tracegate's catalog. The catalog query's column aliases ARE the catalog import's
 * column names (docs/import-formats.md), and its rows go through the import's own parser and rules
 * (parseCatalogRows → validateDrugDraft): one definition of a valid drug. Like an import it is all or nothing; unlike
 * a file it runs again and again, so only drugs that changed are saved (a new version each), and drugs the HIS no
 * longer lists are left as they are.
 */
import type { Knex } from 'knex';
import type { CatalogService } from '../../core/catalog/catalog-service.js';
import { stripVersion } from '../../core/catalog/catalog-service.js';
import type { Drug, DrugDraft } from '../../core/catalog/drug.js';
import { parseCatalogRows } from '../../core/catalog/parse-catalog-rows.js';
import type { TabularRow } from '../../core/catalog/tabular.js';
import { invalid, type RowProblem } from '../../core/errors.js';
import type { HisDbConfig } from './his-db-config.js';
import { runQuery } from './his-db-queries.js';
import { cellText, type HisRow } from './row-values.js';

export interface CatalogSyncResult {
  /** Rows the catalog query returned. */
  rows: number;
  /** Drugs new or changed, saved as a new version. */
  saved: number;
  unchanged: number;
}

/** The catalog's change source (tg_drug_versions.source). */
export const CATALOG_SOURCE = 'his-db';

export async function syncCatalog(
  db: Knex,
  config: HisDbConfig,
  catalog: CatalogService,
  actor: string
): Promise<CatalogSyncResult> {
  const rows = await runQuery(db, config, 'catalogQuery', {});
  const { headers, tabular } = asTable(rows);
  const { drafts, problems, truncated } = parseCatalogRows(tabular, headers);
  if (problems.length > 0) {
    throw catalogRowsInvalid(rows.length, problems, truncated);
  }
  const current = new Map((await catalog.listDrugs()).map((d) => [d.hisDrugCode, d]));
  const changed = drafts.filter((d) => !sameDrug(d, current.get(d.hisDrugCode)));
  if (changed.length > 0) {
    await catalog.save(changed, actor, CATALOG_SOURCE);
  }
  return { rows: rows.length, saved: changed.length, unchanged: drafts.length - changed.length };
}

/** Query rows as an import file: the column names are the header, row n of the result is file row n + 1. */
function asTable(rows: readonly HisRow[]): { headers: string[]; tabular: TabularRow[] } {
  const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const tabular = rows.map((row, i) => ({
    rowNumber: i + 2,
    values: Object.fromEntries(headers.map((h) => [h, cellText(row[h]) ?? ''])),
  }));
  return { headers, tabular };
}

function catalogRowsInvalid(rows: number, problems: RowProblem[], truncated: boolean) {
  const first = problems[0];
  const where = first
    ? first.row <= 1
      ? `第一处：${first.field}：${first.message}`
      : `第一处：查询结果第 ${first.row - 1} 行 ${first.field}：${first.message}`
    : '';
  const count = truncated ? `至少 ${problems.length}` : `${problems.length}`;
  return invalid(
    'HISDB_CATALOG_INVALID',
    `药品目录查询（catalogQuery）返回的 ${rows} 行中有 ${count} 处错误，未同步任何药品。${where}（列名须与药品目录导入文件的列名一致，见 docs/import-formats.md）`,
    { statement: 'catalogQuery', problems: problems.map((p) => ({ ...p, row: p.row - 1 })), truncated }
  );
}

function sameDrug(draft: DrugDraft, stored: Drug | undefined): boolean {
  return stored !== undefined && canonical(draft) === canonical(stripVersion(stored));
}

/** JSON with sorted keys and undefined as null, so field order and absent-vs-null do not count as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined) {
      return null;
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
