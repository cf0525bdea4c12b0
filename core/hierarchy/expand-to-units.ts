/**
 * 大码入库无需开箱: expand case or middle codes to the unit codes they hold, level by level, with one
 * batched `childrenOf` call per level for all roots together (never one call per code or per case).
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

type ChildrenOf = (codes: string[]) => Promise<PackageRelation[]>;

/** Case → middle → unit is two levels below the root; anything deeper than three is bad data. */
const MAX_DEPTH = 3;

export async function expandToUnits(rootCode: string, childrenOf: ChildrenOf): Promise<Expansion> {
  return (await expandManyToUnits([rootCode], childrenOf)).get(rootCode) as Expansion;
}

/** Expand several roots at once; each root gets its own Expansion. */
export async function expandManyToUnits(rootCodes: string[], childrenOf: ChildrenOf): Promise<Map<string, Expansion>> {
  const result = new Map<string, Expansion>();
  /** Every code reached → the root it belongs to and the parent it was reached from (a root maps to itself). */
  const reached = new Map<string, { root: string; from: string }>();
  for (const root of rootCodes) {
    result.set(root, { units: [], parents: new Map(), incomplete: [], missing: [] });
    reached.set(root, { root, from: root });
  }
  let frontier = [...new Set(rootCodes)];

  for (let depth = 0; frontier.length > 0; depth++) {
    if (depth >= MAX_DEPTH) {
      const root = reached.get(frontier[0] as string)?.root ?? '';
      throw conflict('RELATION_TOO_DEEP', `追溯码「${root}」的包装关系超过 ${MAX_DEPTH} 层，关系数据有误`, {
        rootCode: root,
        codes: frontier.slice(0, 10),
      });
    }
    const asked = new Set(frontier);
    const relations = await childrenOf(frontier);
    const withChildren = new Set<string>();
    const next: string[] = [];
    for (const r of relations) {
      if (!asked.has(r.parentCode)) {
        continue;
      } // not what we asked for
      withChildren.add(r.parentCode);
      const root = (reached.get(r.parentCode) as { root: string }).root;
      const x = result.get(root) as Expansion;
      if (r.parentStatus !== 'normal' && !x.incomplete.includes(r.parentCode)) {
        x.incomplete.push(r.parentCode);
      }
      const seen = reached.get(r.childCode);
      if (seen !== undefined) {
        if (seen.from === r.parentCode && seen.root === root && r.childCode !== root) {
          continue;
        } // the same edge twice
        throw conflict(
          'RELATION_CYCLE',
          `追溯码「${r.childCode}」在「${root}」的包装关系中出现了两次（循环或重复归属）`,
          {
            rootCode: root,
            code: r.childCode,
            parentCode: r.parentCode,
          }
        );
      }
      reached.set(r.childCode, { root, from: r.parentCode });
      if (r.childLevel === 1) {
        x.units.push(r.childCode);
        x.parents.set(r.childCode, r.parentCode);
      } else {
        next.push(r.childCode);
      }
    }
    for (const code of frontier) {
      if (withChildren.has(code)) {
        continue;
      }
      const root = (reached.get(code) as { root: string }).root;
      if (code !== root) {
        (result.get(root) as Expansion).missing.push(code);
      }
    }
    frontier = next;
  }
  return result;
}
