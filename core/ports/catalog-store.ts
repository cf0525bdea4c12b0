import type { Drug, DrugDraft, DrugVersion, PackLevel } from '../catalog/drug.js';

export interface CodeOwner {
  drug: Drug;
  packLevel: PackLevel;
  unitCount: number;
}

export interface CatalogStore {
  getDrug(hisDrugCode: string): Promise<Drug | undefined>;
  listDrugs(): Promise<Drug[]>;
  /** The drug a 7-digit 药品标识码 belongs to, with its pack level. */
  findByPrefix(prefix: string): Promise<CodeOwner | undefined>;
  findByGtin(gtin: string): Promise<CodeOwner | undefined>;
  /**
   * Insert or replace drugs atomically (all or none), bumping each one's version and keeping a
   * version row with who/when/source. A prefix or GTIN already owned by another drug is refused
   * with TracegateError CATALOG_CODE_TAKEN and nothing is written.
   * `expectedVersions` (optional, per HIS drug code) guards an edit against a concurrent one
   * (DRUG_VERSION_CONFLICT).
   */
  saveDrugs(
    drafts: DrugDraft[],
    change: { actor: string; source: string; at: string; expectedVersions?: Record<string, number> }
  ): Promise<Drug[]>;
  drugHistory(hisDrugCode: string): Promise<DrugVersion[]>;
}
