import type { PackLevel } from '../catalog/drug.js';

/** 拼箱 (mixed) and 零箱 (partial) parents cannot be trusted to hold what the relation file says. */
export const ParentStatuses = ['normal', 'mixed', 'partial'] as const;
export type ParentStatus = (typeof ParentStatuses)[number];

/** One parent→child edge of the 大/中/小码 tree. A child has at most one parent. */
export interface PackageRelation {
  parentCode: string;
  childCode: string;
  parentLevel: PackLevel;
  childLevel: PackLevel;
  parentStatus: ParentStatus;
}
