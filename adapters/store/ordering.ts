/**
 * One ordering for everything a store returns in lists, applied in JavaScript: database collations differ
 * (utf8mb4_bin, BIN2, en_US.UTF-8, BINARY), so "ORDER BY" alone would make the five dialects and the memory
 * twin disagree on mixed-case or non-ASCII codes.
 */
import type { DrugGtin, TracePrefix } from '../../core/catalog/drug.js';
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';

/** UTF-16 code-unit order; for the ASCII codes we store it equals byte order. */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortPrefixes(prefixes: TracePrefix[]): TracePrefix[] {
  return prefixes.sort((a, b) => a.packLevel - b.packLevel || compareCodes(a.prefix, b.prefix));
}

export function sortGtins(gtins: DrugGtin[]): DrugGtin[] {
  return gtins.sort((a, b) => a.packLevel - b.packLevel || compareCodes(a.gtin, b.gtin));
}

export function sortRelations(relations: PackageRelation[]): PackageRelation[] {
  return relations.sort((a, b) => compareCodes(a.parentCode, b.parentCode) || compareCodes(a.childCode, b.childCode));
}
