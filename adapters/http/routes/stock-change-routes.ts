/**
 * Stock recorded at tracegate: changes (报损/销毁, 调拨, 盘盈/盘损: the ledger moves and a 3502 is queued) and
 * inventory counts (盘存: a 3501 per lot is queued; the answer names the boxes the ledger does not show in stock).
 */
import { Router } from 'express';
import { z } from 'zod';
import { STOCK_CHANGE_TYPES } from '../../../core/insurance/row-fields.js';
import type { StockChangeService } from '../../../core/insurance/stock-change-service.js';
import type { InventoryCountService } from '../../../core/insurance/inventory-count-service.js';
import type { bearerAuth } from '../bearer-auth.js';
import { principalOf } from '../bearer-auth.js';
import { parseBody } from '../parse-body.js';

export const stockChangeBody = z
  .object({
    changeType: z.enum(STOCK_CHANGE_TYPES),
    scans: z.array(z.string().trim().min(1).max(512)).min(1).max(5000),
    reason: z.string().trim().max(500).nullable().default(null),
    location: z.string().max(100).nullable().default(null),
    price: z.number().nonnegative().nullable().default(null),
  })
  .strict();

export const inventoryCountBody = z
  .object({
    hisDrugCode: z.string().trim().min(1).max(64),
    scans: z.array(z.string().trim().min(1).max(512)).min(1).max(5000),
  })
  .strict();

export function stockChangeRoutes(
  service: StockChangeService,
  counts: InventoryCountService,
  auth: ReturnType<typeof bearerAuth>
): Router {
  const r = Router();
  r.post('/inventory-counts', auth.require('pharmacy-head', 'integration'), async (req, res) => {
    const body = parseBody(inventoryCountBody, req.body);
    const result = await counts.record({ ...body, actor: principalOf(req).name });
    res.status(201).json({
      operationId: result.operationId,
      counted: result.counted,
      notInStock: result.notInStock,
      uploads: result.uploads.map((u) => ({ infno: u.infno, businessKey: u.businessKey, payload: u.payload })),
    });
  });
  r.post('/stock-changes', auth.require('pharmacy-head', 'integration'), async (req, res) => {
    const body = parseBody(stockChangeBody, req.body);
    const result = await service.record({ ...body, actor: principalOf(req).name });
    res.status(201).json({
      operationId: result.operationId,
      events: result.events,
      uploads: result.uploads.map((u) => ({ infno: u.infno, businessKey: u.businessKey, payload: u.payload })),
    });
  });
  return r;
}
