/**
 * The HIS's book stock (账面库存) in: JSON rows (POST /book-stock) or a CSV/XLSX file (POST /imports/book-stock, the
 * file itself as the body, like the catalog import); and out: each drug's latest figure (GET /book-stock).
 */
import express, { Router } from 'express';
import type { ReportServices } from '../../../core/reports/report-services.js';
import { readTabularFile } from '../../import/tabular-file-reader.js';
import type { bearerAuth } from '../bearer-auth.js';
import { principalOf } from '../bearer-auth.js';
import { parseBody } from '../parse-body.js';
import { bookStockBody, bookStockImportQuery, bookStockQuery } from '../report-bodies.js';
import { fileBody, fileNameOf } from './import-routes.js';

/** Sheets read in preference to the first one. */
const BOOK_STOCK_SHEETS = ['账面库存', '库存', 'book-stock', 'stock'];

export function bookStockRoutes(reports: ReportServices, auth: ReturnType<typeof bearerAuth>, limit: string): Router {
  const r = Router();
  const read = auth.require('pharmacy-head', 'integration');
  const write = auth.require('pharmacy-head', 'integration');

  r.get('/book-stock', read, async (req, res) => {
    const q = parseBody(bookStockQuery, req.query);
    const asOf = q.asOf ?? reports.bookStock.today();
    res.json({ asOf, rows: await reports.bookStock.list(asOf, q.drug) });
  });

  r.post('/book-stock', write, express.json({ limit }), async (req, res) => {
    const body = parseBody(bookStockBody, req.body);
    const asOf = body.asOf ?? reports.bookStock.today();
    const drafts = body.rows.map((row) => ({ ...row, asOf: row.asOf ?? asOf }));
    res.status(201).json(await reports.bookStock.save(drafts, 'api', principalOf(req).name));
  });

  r.post('/imports/book-stock', write, express.raw({ type: () => true, limit }), async (req, res) => {
    const q = parseBody(bookStockImportQuery, req.query);
    const table = await readTabularFile(fileBody(req), fileNameOf(req), { sheetNames: BOOK_STOCK_SHEETS });
    res.json(await reports.bookStock.importTable(table, principalOf(req).name, q.asOf));
  });
  return r;
}
