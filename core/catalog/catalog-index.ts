import type { Drug } from './drug.js';
import type { CodeOwner } from '../ports/catalog-store.js';

/** An in-memory snapshot of the mapping, so resolving a scan on the hot path costs two map lookups. */
export class CatalogIndex {
  private readonly byPrefix = new Map<string, CodeOwner>();
  private readonly byGtin = new Map<string, CodeOwner>();
  private readonly byCode = new Map<string, Drug>();

  constructor(drugs: readonly Drug[]) {
    for (const drug of drugs) {
      this.byCode.set(drug.hisDrugCode, drug);
      for (const p of drug.prefixes) {
        this.byPrefix.set(p.prefix, { drug, packLevel: p.packLevel, unitCount: p.unitCount });
      }
      for (const g of drug.gtins) {
        this.byGtin.set(g.gtin, { drug, packLevel: g.packLevel, unitCount: g.unitCount });
      }
    }
  }

  drug(hisDrugCode: string): Drug | undefined {
    return this.byCode.get(hisDrugCode);
  }
  ownerOfPrefix(prefix: string): CodeOwner | undefined {
    return this.byPrefix.get(prefix);
  }
  ownerOfGtin(gtin: string): CodeOwner | undefined {
    return this.byGtin.get(gtin);
  }
  get size(): number {
    return this.byCode.size;
  }
}
