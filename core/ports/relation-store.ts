import type { PackageRelation } from '../hierarchy/package-relation.js';

export interface RelationStore {
  /**
   * Save relations atomically. An edge that already exists identically is a no-op; a child that
   * already has another parent is refused (TracegateError RELATION_CHILD_HAS_PARENT, nothing written).
   * The database enforces one parent per child.
   */
  saveRelations(relations: PackageRelation[]): Promise<{ inserted: number; unchanged: number }>;
  /** Direct children of each parent code. */
  childrenOf(parentCodes: string[]): Promise<PackageRelation[]>;
  parentOf(childCode: string): Promise<PackageRelation | undefined>;
  /** Existing edges for these children (to check a file against what is stored). */
  relationsOfChildren(childCodes: string[]): Promise<PackageRelation[]>;
}
