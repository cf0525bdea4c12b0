import express, { Router } from 'express';
import type { Request } from 'express';
import { importCatalogTable } from '../../../core/catalog/import-catalog.js';
import { invalid } from '../../../core/errors.js';
import { importRelationTable } from '../../../core/hierarchy/import-relations.js';
import { readTabularFile } from '../../import/tabular-file-reader.js';
import type { bearerAuth } from '../bearer-auth.js';
import { principalOf } from '../bearer-auth.js';
import type { HttpDeps } from '../create-http-app.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The file's name (for its type): X-Filename header, ?filename=, else from the content type. */
export function fileNameOf(req: Request): string {
  const given = req.get('x-filename') ?? (typeof req.query.filename === 'string' ? req.query.filename : undefined);
  if (given) {
    return decodeURIComponent(given);
  }
  return req.is(XLSX_TYPE) ? 'upload.xlsx' : 'upload.csv';
}

export function fileBody(req: Request): Buffer {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    throw invalid('IMPORT_FILE_MISSING', '请求体中没有文件：请把 CSV 或 XLSX 文件本身作为请求体上传');
  }
  return req.body;
}

/** POST /imports/catalog and /imports/relations: the raw file as the body. */
export function importRoutes(
  deps: Pick<HttpDeps, 'catalog' | 'relations'>,
  auth: ReturnType<typeof bearerAuth>,
  limit: string
): Router {
  const r = Router();
  const raw = express.raw({ type: () => true, limit });
  r.post('/imports/catalog', auth.require('pharmacy-head', 'integration'), raw, async (req, res) => {
    const table = await readTabularFile(fileBody(req), fileNameOf(req));
    res.json(await importCatalogTable(deps.catalog, table, principalOf(req).name));
  });
  r.post('/imports/relations', auth.require('pharmacy-head', 'integration'), raw, async (req, res) => {
    const table = await readTabularFile(fileBody(req), fileNameOf(req));
    res.json(await importRelationTable(deps.relations, table));
  });
  return r;
}
