import type { RelationStore } from '../ports/relation-store.js';
import { expandToUnits } from './expand-to-units.js';
import type { PackageRelation } from './package-relation.js';

/** Package hierarchy use cases: import edges (one parent per child, enforced by the store) and expand parents. */
export class RelationService {
  constructor(private readonly store: RelationStore) {}

  save(relations: PackageRelation[]): Promise<{ inserted: number; unchanged: number }> {
    return this.store.saveRelations(relations);
  }

  expand(code: string): ReturnType<typeof expandToUnits> {
    return expandToUnits(code, (codes) => this.store.childrenOf(codes));
  }
}
