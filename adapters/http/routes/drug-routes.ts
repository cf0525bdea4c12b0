import { Router } from 'express';
import { z } from 'zod';
import type { CatalogService } from '../../../core/catalog/catalog-service.js';
import type { bearerAuth } from '../bearer-auth.js';
import { principalOf } from '../bearer-auth.js';
import { parseDrugBody } from '../drug-body.js';
import { parseBody } from '../parse-body.js';

const learnSchema = z
  .object({
    prefix: z.string(),
    packLevel: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    unitCount: z.number().int().positive().default(1),
  })
  .strict();

/** The three-code mapping: read, edit (versioned), and learn a prefix seen on a scan. */
export function drugRoutes(catalog: CatalogService, auth: ReturnType<typeof bearerAuth>): Router {
  const r = Router();
  r.get('/drugs', async (_req, res) => {
    res.json({ drugs: await catalog.listDrugs() });
  });
  r.get('/drugs/:hisDrugCode', async (req, res) => {
    res.json(await catalog.getDrug(req.params.hisDrugCode));
  });
  r.get('/drugs/:hisDrugCode/history', async (req, res) => {
    await catalog.getDrug(req.params.hisDrugCode);
    res.json({ versions: await catalog.history(req.params.hisDrugCode) });
  });
  r.put('/drugs/:hisDrugCode', auth.require('pharmacy-head', 'integration'), async (req, res) => {
    const { draft, version } = parseDrugBody(String(req.params.hisDrugCode), req.body);
    const expected = version === undefined ? undefined : { [draft.hisDrugCode]: version };
    const [saved] = await catalog.save([draft], principalOf(req).name, 'api', expected);
    res.json(saved);
  });
  r.post('/drugs/:hisDrugCode/prefixes', auth.require('pharmacy-head'), async (req, res) => {
    const body = parseBody(learnSchema, req.body);
    const drug = await catalog.learnPrefix({
      ...body,
      hisDrugCode: String(req.params.hisDrugCode),
      actor: principalOf(req).name,
    });
    res.status(201).json(drug);
  });
  return r;
}
