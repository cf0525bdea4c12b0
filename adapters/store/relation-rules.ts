/** Package-hierarchy rules shared by the knex store and its memory twin. */
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';
import { conflict, type TracegateError } from '../../core/errors.js';

export function childHasParent(childCode: string, storedParent: string, newParent: string): TracegateError {
  return conflict(
    'RELATION_CHILD_HAS_PARENT',
    `子码 ${childCode} 已属于上级码 ${storedParent}，不能再归入 ${newParent}（一个码只能有一个上级）`,
    { childCode, storedParent, newParent }
  );
}

export function edgeDiffers(stored: PackageRelation, incoming: PackageRelation): TracegateError {
  return conflict(
    'RELATION_EDGE_DIFFERS',
    `上级码 ${stored.parentCode} 与子码 ${stored.childCode} 的关系已登记为` +
      `（上级 ${stored.parentLevel} 级，子 ${stored.childLevel} 级，${stored.parentStatus}），` +
      `与新数据（上级 ${incoming.parentLevel} 级，子 ${incoming.childLevel} 级，${incoming.parentStatus}）不一致`,
    { stored, incoming }
  );
}

function sameEdge(a: PackageRelation, b: PackageRelation): boolean {
  return (
    a.parentCode === b.parentCode &&
    a.childCode === b.childCode &&
    a.parentLevel === b.parentLevel &&
    a.childLevel === b.childLevel &&
    a.parentStatus === b.parentStatus
  );
}

function refuse(stored: PackageRelation, incoming: PackageRelation): TracegateError {
  return stored.parentCode === incoming.parentCode
    ? edgeDiffers(stored, incoming)
    : childHasParent(stored.childCode, stored.parentCode, incoming.parentCode);
}

/** The children named by a batch, once each (the set to look up in the store). */
export function childCodesOf(relations: PackageRelation[]): string[] {
  return [...new Set(relations.map((r) => r.childCode))];
}

/**
 * Splits a batch into new edges and edges already stored identically; throws on a child that has (or is
 * given twice) another parent. An edge repeated identically inside the batch counts as unchanged.
 */
export function planRelations(
  relations: PackageRelation[],
  stored: Map<string, PackageRelation>
): { toInsert: PackageRelation[]; unchanged: number } {
  const toInsert: PackageRelation[] = [];
  const inBatch = new Map<string, PackageRelation>();
  let unchanged = 0;
  for (const r of relations) {
    const known = stored.get(r.childCode) ?? inBatch.get(r.childCode);
    if (known) {
      if (!sameEdge(known, r)) {
        throw refuse(known, r);
      }
      unchanged++;
      continue;
    }
    const edge: PackageRelation = {
      parentCode: r.parentCode,
      childCode: r.childCode,
      parentLevel: r.parentLevel,
      childLevel: r.childLevel,
      parentStatus: r.parentStatus,
    };
    inBatch.set(r.childCode, edge);
    toInsert.push(edge);
  }
  return { toInsert, unchanged };
}
