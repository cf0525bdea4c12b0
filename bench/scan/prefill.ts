/**
 * A ledger pre-filled the way bench/ledger-bench.ts does it: a catalog of DRUGS drugs (unit / middle / case
 * prefixes), the relations of every case, and every unit code received by scanning only the case codes through
 * `LedgerService.receive` (one delivery note of 100 cases per call).
 */
import type { KnexStore } from '../../adapters/store/knex-store.js';
import { CatalogService } from '../../core/catalog/catalog-service.js';
import type { DrugDraft } from '../../core/catalog/drug.js';
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';
import { RelationService } from '../../core/hierarchy/relation-service.js';
import { LedgerService } from '../../core/ledger/ledger-service.js';
import { systemClock } from '../../core/ports/clock.js';

export const DRUGS = 10;
export const UNITS_PER_MIDDLE = 10;
export const MIDDLES_PER_CASE = 10;
export const UNITS_PER_CASE = UNITS_PER_MIDDLE * MIDDLES_PER_CASE;
const CASES_PER_RECEIPT = 100;

const NAMES = ['阿托伐他汀钙片', '苯磺酸氨氯地平片', '二甲双胍缓释片', '瑞舒伐他汀钙片', '氯吡格雷片'];

export function hisDrugCodeOf(d: number): string {
  return `B${String(d + 1).padStart(4, '0')}`;
}

/** 85 + drug digit + 000 + level: `8530001` is the unit prefix of drug 3. */
function prefixOf(d: number, level: 1 | 2 | 3): string {
  return `85${d}000${level}`;
}

function code(d: number, level: 1 | 2 | 3, n: number): string {
  return `${prefixOf(d, level)}${String(n).padStart(13, '0')}`;
}

/** The n-th (1-based) unit code of drug d. */
export function unitCode(d: number, n: number): string {
  return code(d, 1, n);
}

export function drugDraft(d: number): DrugDraft {
  return {
    hisDrugCode: hisDrugCodeOf(d),
    insuranceCode: `XC10AAA0${String(d).padStart(2, '0')}A001010100445`,
    name: `${NAMES[d % NAMES.length] ?? '药品'}${d}`,
    spec: '20mg*7片',
    manufacturer: null,
    rxFlag: true,
    vbpFlag: d % 2 === 0,
    unitsPerPack: 7,
    unitName: '片',
    prefixes: [
      { prefix: prefixOf(d, 1), packLevel: 1, unitCount: 1 },
      { prefix: prefixOf(d, 2), packLevel: 2, unitCount: UNITS_PER_MIDDLE },
      { prefix: prefixOf(d, 3), packLevel: 3, unitCount: UNITS_PER_CASE },
    ],
    gtins: [],
    barcode69: null,
    exempt: false,
    exemptReason: null,
  };
}

function relationsOfCase(d: number, c: number): PackageRelation[] {
  const rels: PackageRelation[] = [];
  const caseCode = code(d, 3, c);
  for (let m = 0; m < MIDDLES_PER_CASE; m++) {
    const middleNo = (c - 1) * MIDDLES_PER_CASE + m + 1;
    const middle = code(d, 2, middleNo);
    rels.push({ parentCode: caseCode, childCode: middle, parentLevel: 3, childLevel: 2, parentStatus: 'normal' });
    for (let u = 0; u < UNITS_PER_MIDDLE; u++) {
      const unit = code(d, 1, (middleNo - 1) * UNITS_PER_MIDDLE + u + 1);
      rels.push({ parentCode: middle, childCode: unit, parentLevel: 2, childLevel: 1, parentStatus: 'normal' });
    }
  }
  return rels;
}

export interface Prefilled {
  /** Unit codes received per drug: drug d holds unitCode(d, 1 … unitsPerDrug), all in stock. */
  unitsPerDrug: number;
  received: number;
  seconds: number;
}

/** Migrates, empties and fills the store; `codes` is rounded up to whole cases per drug. */
export async function prefill(store: KnexStore, codes: number, log: (line: string) => void): Promise<Prefilled> {
  const t0 = performance.now();
  await store.migrateLatest();
  await store.truncateAll();
  const catalog = new CatalogService(store, systemClock, 60_000);
  const relations = new RelationService(store);
  const ledger = new LedgerService(store, store, catalog, systemClock);
  await catalog.save(
    Array.from({ length: DRUGS }, (_, d) => drugDraft(d)),
    'bench',
    'import'
  );
  const casesPerDrug = Math.ceil(codes / DRUGS / UNITS_PER_CASE);
  let received = 0;
  for (let d = 0; d < DRUGS; d++) {
    for (let c = 1; c <= casesPerDrug; c += CASES_PER_RECEIPT) {
      const last = Math.min(c + CASES_PER_RECEIPT, casesPerDrug + 1);
      const batch: PackageRelation[] = [];
      const scans: string[] = [];
      for (let k = c; k < last; k++) {
        batch.push(...relationsOfCase(d, k));
        scans.push(code(d, 3, k));
      }
      await relations.save(batch);
      received += (
        await ledger.receive({
          actor: 'bench',
          location: '药库',
          ref: `DN${d}-${c}`,
          lot: `L${d}`,
          expiry: '2030-12-31',
          scans,
        })
      ).received;
    }
    log(`  drug ${d + 1}/${DRUGS}: ${received.toLocaleString('en-US')} codes received`);
  }
  return { unitsPerDrug: casesPerDrug * UNITS_PER_CASE, received, seconds: (performance.now() - t0) / 1000 };
}
