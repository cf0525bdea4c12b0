/**
 * Anomalies and the platform's duplicate-code notices over HTTP (roles pharmacy-head, integration; admin as always):
 * run now, list with counts (JSON, CSV, XLSX), one finding, its status, the trend; notices imported from a file or as
 * JSON and listed with the hospital's own record of each code.
 */
import express, { Router } from 'express';
import type { Request } from 'express';
import type { AnomalyService } from '../../../core/anomalies/anomaly-service.js';
import { shanghaiDate } from '../../../core/shanghai-time.js';
import { readTabularFile } from '../../import/tabular-file-reader.js';
import {
  anomalyQuery,
  fromInstant,
  noticeQuery,
  noticesBody,
  runsQuery,
  statusBody,
  toInstant,
  trendQuery,
} from '../anomaly-bodies.js';
import { anomalyExportColumns, noticeExportColumns } from '../anomaly-exports.js';
import type { bearerAuth } from '../bearer-auth.js';
import { principalOf } from '../bearer-auth.js';
import { parseBody } from '../parse-body.js';
import { sendExport } from '../send-export.js';
import { fileBody, fileNameOf } from './import-routes.js';

const stamp = (): string => shanghaiDate(new Date().toISOString()).replace(/-/g, '');

export function anomalyRoutes(anomalies: AnomalyService, auth: ReturnType<typeof bearerAuth>, limit: string): Router {
  const r = Router();
  const head = auth.require('pharmacy-head', 'integration');
  const actor = (req: Request): string => principalOf(req).name;

  r.post('/anomalies/runs', head, async (req, res) => {
    res.status(201).json({ run: await anomalies.runNow(actor(req)) });
  });
  r.get('/anomalies/runs', head, async (req, res) => {
    res.json({ runs: await anomalies.listRuns(parseBody(runsQuery, req.query).limit) });
  });
  r.get('/anomalies/trend', head, async (req, res) => {
    res.json(await anomalies.trend(parseBody(trendQuery, req.query).days));
  });
  r.get('/anomalies', head, async (req, res) => {
    const q = parseBody(anomalyQuery, req.query);
    const list = await anomalies.list({
      ...(q.type ? { type: q.type } : {}),
      ...(q.risk ? { risk: q.risk } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.drug ? { hisDrugCode: q.drug } : {}),
      ...(q.code ? { traceCode: q.code } : {}),
      ...(q.from ? { from: fromInstant(q.from) } : {}),
      ...(q.to ? { to: toInstant(q.to) } : {}),
      limit: q.limit,
      offset: q.offset,
    });
    if (q.format === 'json') {
      res.json(list);
      return;
    }
    await sendExport(res, q.format, `异常清单-${stamp()}`, anomalyExportColumns, list.anomalies);
  });
  r.get('/anomalies/:id', head, async (req, res) => {
    res.json(await anomalies.get(String(req.params.id)));
  });
  r.patch('/anomalies/:id', head, async (req, res) => {
    const body = parseBody(statusBody, req.body);
    res.json(await anomalies.setStatus(String(req.params.id), body.status, body.note || null, actor(req)));
  });

  const raw = express.raw({ type: () => true, limit });
  r.post('/imports/duplicate-notices', head, raw, async (req, res) => {
    const name = fileNameOf(req);
    const table = await readTabularFile(fileBody(req), name);
    res.json(await anomalies.importNoticeTable(table, name, actor(req)));
  });
  r.post('/duplicate-notices', head, async (req, res) => {
    const body = parseBody(noticesBody, req.body);
    res.json(await anomalies.importNoticeObjects(Array.isArray(body) ? body : body.notices, actor(req)));
  });
  r.get('/duplicate-notices', head, async (req, res) => {
    const q = parseBody(noticeQuery, req.query);
    const list = await anomalies.listNotices({
      ...(q.code ? { traceCode: q.code } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.from ? { from: fromInstant(q.from) } : {}),
      ...(q.to ? { to: toInstant(q.to) } : {}),
      limit: q.limit,
    });
    if (q.format === 'json') {
      res.json(list);
      return;
    }
    await sendExport(res, q.format, `追溯码重复通知-${stamp()}`, noticeExportColumns, list.notices);
  });
  return r;
}
