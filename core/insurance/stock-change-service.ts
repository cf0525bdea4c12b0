/**
 * A stock change recorded at tracegate (报损/销毁, 调拨出入库, 盘盈/盘损…): the ledger steps and the 3502 rows are
 * committed in one transaction, so the platform hears of every change the ledger made, and of nothing else.
 */
import type { CatalogService } from '../catalog/catalog-service.js';
import { invalid } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { Clock } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import { StoreConflict, type LedgerStore } from '../ports/ledger-store.js';
import type { BusinessRow } from '../window/business-row.js';
import { buildStockChangeRows, type StockChange } from './build-stock-change-rows.js';
import { STOCK_CHANGE_TYPES } from './row-fields.js';
import { stockChangeSteps } from './stock-change-steps.js';

export interface StockChangeRequest {
  changeType: string;
  /** Raw scans or trace codes of unit packs. */
  scans: string[];
  actor: string;
  location: string | null;
  reason: string | null;
  price: number | null;
}

export class StockChangeService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly store: LedgerStore,
    private readonly catalog: CatalogService,
    private readonly ids: IdSource,
    private readonly clock: Clock,
    /** Wakes the outbox sender. */
    private readonly onQueued: () => void = () => {}
  ) {}

  async record(request: StockChangeRequest): Promise<{ operationId: string; events: number; uploads: BusinessRow[] }> {
    if (!(STOCK_CHANGE_TYPES as readonly string[]).includes(request.changeType)) {
      throw invalid('STOCK_CHANGE_TYPE_INVALID', `库存变更类型「${request.changeType}」应为 101–111 之一`);
    }
    if (request.scans.length === 0) {
      throw invalid('STOCK_CHANGE_EMPTY', '库存变更至少要有一个追溯码');
    }
    const now = this.clock.now();
    const operationId = this.ids.next('S', now);
    const packs = await this.packsOf(request.scans);
    const rows = buildStockChangeRows({
      changeType: request.changeType,
      packs,
      operationId,
      at: now.toISOString(),
      actor: request.actor,
      reason: request.reason,
      price: request.price,
    });
    const current = new Map(packs.flatMap((p) => (p.pack ? [[p.traceCode, p.pack] as const] : [])));
    const steps = stockChangeSteps(
      rows.map((r) => r.payload),
      current
    );
    const actor = { actor: request.actor, location: request.location, ref: operationId };
    const changes = await this.ledger.prepare(steps, actor);
    try {
      await this.store.commit(changes, rows);
    } catch (e) {
      if (e instanceof StoreConflict && e.traceCodes.length > 0) {
        return this.ledger.explainConflict(e, steps);
      }
      throw e;
    }
    this.onQueued();
    return { operationId, events: changes.length, uploads: rows };
  }

  /** Each code with its drug: the ledger's pack, or (for a pack new here) the drug its prefix or GTIN names. */
  private async packsOf(scans: string[]): Promise<StockChange['packs']> {
    const index = await this.catalog.index();
    const resolved = [];
    for (const raw of scans) {
      const r = await this.catalog.resolve(this.ledger.recognize(raw));
      if (r.owner.packLevel !== 1) {
        throw invalid('STOCK_CHANGE_UNIT_ONLY', `${r.traceCode} 是大/中码，库存变更请逐盒扫描小码`, {
          traceCode: r.traceCode,
        });
      }
      resolved.push(r);
    }
    const packs = await this.store.getPacks(resolved.map((r) => r.traceCode));
    return resolved.map((r) => {
      const pack = packs.get(r.traceCode) ?? null;
      const drug = index.drug(pack?.hisDrugCode ?? r.owner.drug.hisDrugCode) ?? r.owner.drug;
      return { traceCode: r.traceCode, drug, pack };
    });
  }
}
