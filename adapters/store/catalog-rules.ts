/**
 * Catalog rules shared by the knex store and its memory twin, so both refuse the same drafts with the
 * same TracegateError and the same Chinese message.
 */
import type { Drug, DrugDraft } from '../../core/catalog/drug.js';
import { conflict, invalid, type TracegateError } from '../../core/errors.js';
import { sortGtins, sortPrefixes } from './ordering.js';

/** A copy with only the draft's own fields and its codes in canonical order (what a version snapshot holds). */
export function normalizeDraft(d: DrugDraft): DrugDraft {
  return {
    hisDrugCode: d.hisDrugCode,
    insuranceCode: d.insuranceCode ?? null,
    name: d.name,
    spec: d.spec ?? null,
    manufacturer: d.manufacturer ?? null,
    rxFlag: Boolean(d.rxFlag),
    vbpFlag: Boolean(d.vbpFlag),
    unitsPerPack: d.unitsPerPack,
    unitName: d.unitName ?? null,
    prefixes: sortPrefixes(
      d.prefixes.map((p) => ({ prefix: p.prefix, packLevel: p.packLevel, unitCount: p.unitCount }))
    ),
    gtins: sortGtins(d.gtins.map((g) => ({ gtin: g.gtin, packLevel: g.packLevel, unitCount: g.unitCount }))),
    barcode69: d.barcode69 ?? null,
    exempt: Boolean(d.exempt),
    exemptReason: d.exemptReason ?? null,
  };
}

export type CatalogCodeKind = 'prefix' | 'gtin';

const codeLabel: Record<CatalogCodeKind, string> = { prefix: '药品标识码', gtin: 'GTIN' };

function codesOf(d: DrugDraft, kind: CatalogCodeKind): string[] {
  return kind === 'prefix' ? d.prefixes.map((p) => p.prefix) : d.gtins.map((g) => g.gtin);
}

function describeDrug(code: string, name: string | undefined): string {
  return name ? `${code}（${name}）` : code;
}

export function codeTaken(
  kind: CatalogCodeKind,
  code: string,
  owner: { hisDrugCode: string; name?: string },
  claimant: { hisDrugCode: string; name?: string }
): TracegateError {
  return conflict(
    'CATALOG_CODE_TAKEN',
    `${codeLabel[kind]} ${code} 已属于药品 ${describeDrug(owner.hisDrugCode, owner.name)}，` +
      `不能再对应药品 ${describeDrug(claimant.hisDrugCode, claimant.name)}`,
    { kind, code, owner: owner.hisDrugCode, claimant: claimant.hisDrugCode }
  );
}

export function versionConflict(hisDrugCode: string, expected: number, actual: number): TracegateError {
  return conflict(
    'DRUG_VERSION_CONFLICT',
    `药品 ${hisDrugCode} 已被他人修改（当前版本 ${actual}，提交时的版本 ${expected}），请刷新后重试`,
    { hisDrugCode, expected, actual }
  );
}

/** Another writer saved one of these drugs between our read and our write; a retry will see its version. */
export function concurrentEdit(hisDrugCodes: string[]): TracegateError {
  const shown = hisDrugCodes.slice(0, 5).join('、') + (hisDrugCodes.length > 5 ? ' 等' : '');
  return conflict('DRUG_VERSION_CONFLICT', `药品 ${shown} 正被他人同时修改，请刷新后重试`, { hisDrugCodes });
}

/**
 * Refusals that need no stored data: the same drug twice, the same code twice in one drug, or one code
 * claimed by two drugs of the same batch.
 */
export function checkDraftBatch(drafts: DrugDraft[]): void {
  const drugs = new Map<string, DrugDraft>();
  for (const d of drafts) {
    if (drugs.has(d.hisDrugCode)) {
      throw invalid('CATALOG_DUPLICATE_DRUG', `药品 ${d.hisDrugCode} 在同一批次中出现了两次`, {
        hisDrugCode: d.hisDrugCode,
      });
    }
    drugs.set(d.hisDrugCode, d);
  }
  for (const kind of ['prefix', 'gtin'] as const) {
    const claims = new Map<string, DrugDraft>();
    for (const d of drafts) {
      for (const code of codesOf(d, kind)) {
        const other = claims.get(code);
        if (other === d) {
          throw invalid('CATALOG_DUPLICATE_CODE', `药品 ${d.hisDrugCode} 中 ${codeLabel[kind]} ${code} 重复出现`, {
            kind,
            code,
            hisDrugCode: d.hisDrugCode,
          });
        }
        if (other) {
          throw codeTaken(kind, code, other, d);
        }
        claims.set(code, d);
      }
    }
  }
}

/** The stored owner of one claimed code. */
export interface StoredCodeOwner {
  kind: CatalogCodeKind;
  code: string;
  hisDrugCode: string;
  name: string;
}

/**
 * The first claimed code that another drug still owns after this batch. A code may move between two drugs
 * of the same batch: the old owner's draft no longer lists it, so it is free once the batch is written.
 */
export function findTakenCode(drafts: DrugDraft[], owners: StoredCodeOwner[]): TracegateError | undefined {
  const byDrug = new Map(drafts.map((d) => [d.hisDrugCode, d]));
  const claimants = new Map<string, DrugDraft>();
  for (const d of drafts) {
    for (const kind of ['prefix', 'gtin'] as const) {
      for (const code of codesOf(d, kind)) {
        claimants.set(`${kind}:${code}`, d);
      }
    }
  }
  for (const o of owners) {
    const claimant = claimants.get(`${o.kind}:${o.code}`);
    if (!claimant || claimant.hisDrugCode === o.hisDrugCode) {
      continue;
    }
    const ownerDraft = byDrug.get(o.hisDrugCode);
    if (ownerDraft && !codesOf(ownerDraft, o.kind).includes(o.code)) {
      continue;
    }
    return codeTaken(o.kind, o.code, o, claimant);
  }
  return undefined;
}

/** `expectedVersions` against what is stored (0 = the drug must not exist yet). */
export function checkExpectedVersions(
  expected: Record<string, number> | undefined,
  drafts: DrugDraft[],
  current: Map<string, number>
): void {
  if (!expected) {
    return;
  }
  for (const d of drafts) {
    const want = expected[d.hisDrugCode];
    if (want === undefined) {
      continue;
    }
    const actual = current.get(d.hisDrugCode) ?? 0;
    if (actual !== want) {
      throw versionConflict(d.hisDrugCode, want, actual);
    }
  }
}

/** The drug as stored after a save: the normalized draft plus the store's versioning fields. */
export function savedDrug(draft: DrugDraft, version: number, at: string, actor: string): Drug {
  return { ...normalizeDraft(draft), version, updatedAt: at, updatedBy: actor };
}
