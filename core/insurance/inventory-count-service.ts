/**
 * An inventory count (盘存) of one drug: the boxes scanned on the shelf go to the platform as 3501 rows, and the
 * answer names the boxes found that the ledger does not show in stock here (a 盘盈 to look into, and to record with a
 * stock change, 103). The ledger itself does not move: a count is evidence, a stock change is the correction.
 */
import type { CatalogService } from '../catalog/catalog-service.js';
import { invalid, refused } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { Clock } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { UploadStore } from '../ports/upload-store.js';
import { shanghaiDate } from '../shanghai-time.js';
import type { BusinessRow } from '../window/business-row.js';
import { buildInventoryRows } from './build-inventory-rows.js';

export interface InventoryCountRequest {
  hisDrugCode: string;
  scans: string[];
  actor: string;
}

export interface InventoryCountResult {
  operationId: string;
  counted: number;
  /** Counted boxes the ledger does not show in stock here (never received, dispensed, scrapped…), with their state. */
  notInStock: { traceCode: string; state: string | null }[];
  uploads: BusinessRow[];
}

export class InventoryCountService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly store: LedgerStore & UploadStore,
    private readonly catalog: CatalogService,
    private readonly ids: IdSource,
    private readonly clock: Clock,
    private readonly onQueued: () => void = () => {}
  ) {}

  async record(request: InventoryCountRequest): Promise<InventoryCountResult> {
    const drug = (await this.catalog.index()).drug(request.hisDrugCode);
    if (!drug) {
      throw invalid('DRUG_UNKNOWN', `药品编码 ${request.hisDrugCode} 不在药品目录中`, {
        hisDrugCode: request.hisDrugCode,
      });
    }
    if (request.scans.length === 0) {
      throw invalid('INVENTORY_EMPTY', '盘存至少要扫一个药盒；数量为零的盘存请在 HIS 中上报');
    }
    const codes: string[] = [];
    for (const raw of request.scans) {
      const resolved = await this.catalog.resolve(this.ledger.recognize(raw));
      if (resolved.owner.drug.hisDrugCode !== drug.hisDrugCode || resolved.owner.packLevel !== 1) {
        throw refused(
          'INVENTORY_CODE_FOREIGN',
          `追溯码 ${resolved.traceCode} 不是 ${drug.name} 的小码，不能计入本次盘存`,
          { traceCode: resolved.traceCode }
        );
      }
      codes.push(resolved.traceCode);
    }
    const unique = [...new Set(codes)];
    const packs = await this.store.getPacks(unique);
    const now = this.clock.now();
    const operationId = this.ids.next('I', now);
    const rows = buildInventoryRows({
      drug,
      packs: unique.map((traceCode) => ({ traceCode, pack: packs.get(traceCode) ?? null })),
      operationId,
      date: shanghaiDate(now.toISOString()),
      at: now.toISOString(),
    });
    await this.store.enqueueUploads(rows);
    this.onQueued();
    const notInStock = unique
      .filter((c) => !['in_stock', 'opened'].includes(packs.get(c)?.state ?? ''))
      .map((traceCode) => ({ traceCode, state: packs.get(traceCode)?.state ?? null }));
    return { operationId, counted: unique.length, notInStock, uploads: rows };
  }
}
