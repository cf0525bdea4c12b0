/** The upload outbox over HTTP: list and inspect uploads, retry, re-drive, hold, undo (3507). */
import { Router } from 'express';
import type { Request } from 'express';
import { invalid } from '../../../core/errors.js';
import type { UploadsService } from '../../../core/insurance/uploads-service.js';
import type { bearerAuth } from '../bearer-auth.js';
import { principalOf } from '../bearer-auth.js';
import { parseBody } from '../parse-body.js';
import { holdBody, idsBody, uploadQuery } from '../upload-bodies.js';

export function uploadRoutes(uploads: UploadsService, auth: ReturnType<typeof bearerAuth>): Router {
  const r = Router();
  const read = auth.require('pharmacy-head', 'integration');
  const act = auth.require('integration');
  const actor = (req: Request): string => principalOf(req).name;

  r.get('/uploads', read, async (req, res) => {
    const q = parseBody(uploadQuery, req.query);
    const [list, overview] = await Promise.all([
      uploads.list({
        ...(q.state ? { states: q.state } : {}),
        ...(q.infno ? { infno: q.infno } : {}),
        ...(q.source ? { source: q.source } : {}),
        ...(q.sessionId ? { sessionId: q.sessionId } : {}),
        ...(q.businessKey ? { businessKey: q.businessKey } : {}),
        ...(q.traceCode ? { traceCode: q.traceCode } : {}),
        ...(q.from ? { createdFrom: new Date(q.from).toISOString() } : {}),
        ...(q.to ? { createdTo: new Date(q.to).toISOString() } : {}),
        ...(q.afterId !== undefined ? { afterId: q.afterId } : {}),
        limit: q.limit,
      }),
      uploads.overview(),
    ]);
    res.json({ ...overview, uploads: list, nextAfterId: list.length === q.limit ? list.at(-1)?.id : null });
  });
  r.get('/uploads/:id', read, async (req, res) => {
    res.json(await uploads.get(idOf(req)));
  });
  r.post('/uploads/retry', act, async (req, res) => {
    res.json({ changed: await uploads.retry(parseBody(idsBody, req.body).ids, actor(req)) });
  });
  r.post('/uploads/redrive', act, async (req, res) => {
    res.status(201).json({ uploads: await uploads.redrive(parseBody(idsBody, req.body).ids, actor(req)) });
  });
  r.post('/uploads/hold', act, async (req, res) => {
    const body = parseBody(holdBody, req.body);
    res.json({ changed: await uploads.hold(body.ids, actor(req), body.reason) });
  });
  r.post('/uploads/:id/undo', act, async (req, res) => {
    res.status(201).json({ upload: await uploads.undo(idOf(req), actor(req)) });
  });
  return r;
}

function idOf(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isInteger(id) || id <= 0) {
    throw invalid('UPLOAD_ID_INVALID', `上传记录编号「${String(req.params.id)}」不是正整数`);
  }
  return id;
}
