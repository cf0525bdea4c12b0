/** The package-hierarchy half of KnexStore (大/中/小码 parent→child edges). */
import type { Knex } from 'knex';
import { isTracegateError } from '../../core/errors.js';
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';
import { bulkInsert } from './bulk-insert.js';
import { classifyDbError } from './db-errors.js';
import type { StoreDialect } from './knex-config.js';
import { sortRelations } from './ordering.js';
import { childCodesOf, planRelations } from './relation-rules.js';
import { relationValues, rowToRelation, type Row } from './row-mappers.js';
import { selectIn } from './select-in.js';
import { columnNames, RELATION_COLUMNS, TABLES } from './tables.js';

const relationColumns = columnNames(RELATION_COLUMNS);

export class KnexRelations {
  constructor(
    private readonly db: Knex,
    private readonly dialect: StoreDialect
  ) {}

  async saveRelations(relations: PackageRelation[]): Promise<{ inserted: number; unchanged: number }> {
    if (relations.length === 0) {
      return { inserted: 0, unchanged: 0 };
    }
    try {
      return await this.save(relations);
    } catch (e) {
      // A concurrent import inserted one of our children between our check and our insert. Once more: the
      // check now sees that edge and answers "unchanged" or RELATION_CHILD_HAS_PARENT like any other time.
      if (isTracegateError(e) || classifyDbError(this.dialect, e) === 'other') {
        throw e;
      }
      return this.save(relations);
    }
  }

  async childrenOf(parentCodes: string[]): Promise<PackageRelation[]> {
    const rows = await selectIn(this.db, this.dialect, TABLES.relations, relationColumns, 'parent_code', parentCodes);
    return sortRelations(rows.map(rowToRelation));
  }

  async parentOf(childCode: string): Promise<PackageRelation | undefined> {
    const row: Row | undefined = await this.db(TABLES.relations)
      .select(relationColumns)
      .where('child_code', childCode)
      .first();
    return row ? rowToRelation(row) : undefined;
  }

  async relationsOfChildren(childCodes: string[]): Promise<PackageRelation[]> {
    const rows = await selectIn(this.db, this.dialect, TABLES.relations, relationColumns, 'child_code', childCodes);
    return sortRelations(rows.map(rowToRelation));
  }

  private save(relations: PackageRelation[]): Promise<{ inserted: number; unchanged: number }> {
    return this.db.transaction(async (trx) => {
      const rows = await selectIn(
        trx,
        this.dialect,
        TABLES.relations,
        relationColumns,
        'child_code',
        childCodesOf(relations)
      );
      const stored = new Map<string, PackageRelation>();
      for (const r of rows) {
        const edge = rowToRelation(r);
        stored.set(edge.childCode, edge);
      }
      const { toInsert, unchanged } = planRelations(relations, stored);
      await bulkInsert(trx, this.dialect, TABLES.relations, RELATION_COLUMNS, toInsert.map(relationValues));
      return { inserted: toInsert.length, unchanged };
    });
  }
}
