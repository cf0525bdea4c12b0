/**
 * 大码入库无需开箱: expand a case or middle code to the unit codes it holds, level by level, with one
 * batched `childrenOf` call per level (never one call per code).
 */
import { conflict } from '../errors.js';
import type { PackageRelation } from './package-relation.js';

export interface Expansion {
  /** Level-1 (unit) codes reached, in the order the relations were returned. Empty when the root has no children. */
  units: string[];
  /** Unit code → its direct parent (a middle or the case). */
  parents: Map<string, string>;
  /** Parents on the way whose status is mixed (拼箱) or partial (零箱): their contents need unit scans. */
  incomplete: string[];
  /** Middle/case codes reached that have no known children: their units are unknown. */
  missing: string[];
}

/** Case → middle → unit is two levels below the root; anything deeper than three is bad data. */
const MAX_DEPTH = 3;

export async function expandToUnits(
  rootCode: string,
  childrenOf: (codes: string[]) => Promise<PackageRelation[]>
): Promise<Expansion> {
  const units: string[] = [];
  const parents = new Map<string, string>();
  const incomplete: string[] = [];
  const missing: string[] = [];
  /** Every code reached → the parent it was reached from (the root maps to itself). */
  const reachedFrom = new Map<string, string>([[rootCode, rootCode]]);
  let frontier = [rootCode];

  for (let depth = 0; frontier.length > 0; depth++) {
    if (depth >= MAX_DEPTH) {
      throw conflict('RELATION_TOO_DEEP', `追溯码「${rootCode}」的包装关系超过 ${MAX_DEPTH} 层，关系数据有误`, {
        rootCode,
        codes: frontier.slice(0, 10),
      });
    }
    const asked = new Set(frontier);
    const relations = await childrenOf(frontier);
    if (depth === 0 && !relations.some((r) => r.parentCode === rootCode)) {
      return { units: [], parents, incomplete, missing };
    }
    const withChildren = new Set<string>();
    const next: string[] = [];
    for (const r of relations) {
      if (!asked.has(r.parentCode)) continue; // not what we asked for
      withChildren.add(r.parentCode);
      if (r.parentStatus !== 'normal' && !incomplete.includes(r.parentCode)) incomplete.push(r.parentCode);
      const from = reachedFrom.get(r.childCode);
      if (from !== undefined) {
        if (from === r.parentCode && r.childCode !== rootCode) continue; // the same edge twice
        throw conflict(
          'RELATION_CYCLE',
          `追溯码「${r.childCode}」在「${rootCode}」的包装关系中出现了两次（循环或重复归属）`,
          {
            rootCode,
            code: r.childCode,
            parentCode: r.parentCode,
          }
        );
      }
      reachedFrom.set(r.childCode, r.parentCode);
      if (r.childLevel === 1) {
        units.push(r.childCode);
        parents.set(r.childCode, r.parentCode);
      } else {
        next.push(r.childCode);
      }
    }
    for (const code of frontier) if (!withChildren.has(code) && code !== rootCode) missing.push(code);
    frontier = next;
  }
  return { units, parents, incomplete, missing };
}
