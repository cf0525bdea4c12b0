import { MemoryStore } from '../../adapters/store/memory-store.js';
import { CatalogService } from '../../core/catalog/catalog-service.js';
import { RelationService } from '../../core/hierarchy/relation-service.js';
import { LedgerService } from '../../core/ledger/ledger-service.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Store } from '../../core/ports/store.js';
import { demoCode, demoDrugs } from '../../plugin/demo/demo-catalog.js';

/** A settable clock, so tests say what time it is. */
export class TestClock implements Clock {
  constructor(public current = new Date('2026-11-22T08:00:00.000Z')) {}
  now(): Date {
    return this.current;
  }
}

export interface World {
  store: Store;
  clock: TestClock;
  catalog: CatalogService;
  relations: RelationService;
  ledger: LedgerService;
}

/** The core services over a store (in memory unless given) holding the demo catalog. */
export async function world(store: Store = new MemoryStore()): Promise<World> {
  const clock = new TestClock();
  const catalog = new CatalogService(store, clock, 0);
  const relations = new RelationService(store);
  const ledger = new LedgerService(store, store, catalog, clock);
  await catalog.save(demoDrugs, 'test', 'import');
  return { store, clock, catalog, relations, ledger };
}

/** 阿托伐他汀 case n → 10 middles → 10 units each (the demo's prefixes). */
export function atorvastatinCase(n: number): {
  caseCode: string;
  units: string[];
  relations: Parameters<RelationService['save']>[0];
} {
  const caseCode = demoCode('8101003', n);
  const relations: Parameters<RelationService['save']>[0] = [];
  const units: string[] = [];
  for (let m = 1; m <= 10; m++) {
    const middle = demoCode('8101002', (n - 1) * 10 + m);
    relations.push({ parentCode: caseCode, childCode: middle, parentLevel: 3, childLevel: 2, parentStatus: 'normal' });
    for (let u = 1; u <= 10; u++) {
      const unit = demoCode('8101001', ((n - 1) * 10 + m - 1) * 10 + u);
      units.push(unit);
      relations.push({ parentCode: middle, childCode: unit, parentLevel: 2, childLevel: 1, parentStatus: 'normal' });
    }
  }
  return { caseCode, units, relations };
}
