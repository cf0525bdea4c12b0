/** Three-code mapping (三码合一): one HIS drug and every code that identifies its packs. */

/** 1 = unit (小码, the smallest coded pack), 2 = middle (中码), 3 = case (大码). */
export const PackLevels = [1, 2, 3] as const;
export type PackLevel = (typeof PackLevels)[number];

export const packLevelName: Record<PackLevel, string> = { 1: '小码', 2: '中码', 3: '大码' };

/** A 7-digit 药品标识码 prefix; one drug has one per pack level (sometimes several). */
export interface TracePrefix {
  prefix: string;
  packLevel: PackLevel;
  /** How many smallest coded packs one pack of this level holds (1 for the unit level). */
  unitCount: number;
}

export interface DrugGtin {
  gtin: string;
  packLevel: PackLevel;
  unitCount: number;
}

/** What an importer or an editor supplies; versioning fields are the store's business. */
export interface DrugDraft {
  hisDrugCode: string;
  insuranceCode: string | null;
  name: string;
  spec: string | null;
  manufacturer: string | null;
  rxFlag: boolean;
  /** 集采: volume-based procurement drug. */
  vbpFlag: boolean;
  /** 最小计价单位 per smallest coded pack, e.g. 28 片 per box. */
  unitsPerPack: number;
  /** Name of the smallest billing unit (片, 粒, 支, g…). */
  unitName: string | null;
  prefixes: TracePrefix[];
  gtins: DrugGtin[];
  barcode69: string | null;
  /** 无码/exempt drugs (中药饮片, hospital preparations, old stock) need no trace code. */
  exempt: boolean;
  exemptReason: string | null;
}

export interface Drug extends DrugDraft {
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface DrugVersion {
  hisDrugCode: string;
  version: number;
  changedAt: string;
  changedBy: string;
  /** import | api | learn */
  source: string;
  snapshot: DrugDraft;
}
