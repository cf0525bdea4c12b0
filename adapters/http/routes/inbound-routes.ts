/** The HIS channels' stored messages over HTTP: list, inspect (raw bytes and text), re-drive one or a batch. */
import { Router } from 'express';
import { inboundSummary } from '../../../core/channels/inbound-message.js';
import type { InboundService } from '../../../core/channels/inbound-service.js';
import type { bearerAuth } from '../bearer-auth.js';
import { inboundQuery, redriveFilterBody } from '../inbound-bodies.js';
import { parseBody } from '../parse-body.js';

export function inboundRoutes(inbound: InboundService, auth: ReturnType<typeof bearerAuth>): Router {
  const r = Router();
  const read = auth.require('pharmacy-head', 'integration');
  const act = auth.require('integration');

  r.get('/inbound', read, async (req, res) => {
    const q = parseBody(inboundQuery, req.query);
    const list = await inbound.list(q);
    res.json({
      channels: inbound.channelNames(),
      messages: list.map(inboundSummary),
      nextAfterId: list.length === q.limit ? (list.at(-1)?.id ?? null) : null,
    });
  });
  r.get('/inbound/:id', read, async (req, res) => {
    const m = await inbound.get(String(req.params.id));
    res.json({ ...inboundSummary(m), text: inbound.textOf(m), raw: Buffer.from(m.raw).toString('base64') });
  });
  r.post('/inbound/:id/redrive', act, async (req, res) => {
    res.status(201).json({ message: inboundSummary(await inbound.redrive(String(req.params.id))) });
  });
  r.post('/inbound/redrive', act, async (req, res) => {
    const { redriven, skipped } = await inbound.redriveMany(parseBody(redriveFilterBody, req.body));
    res.json({ redriven: redriven.map(inboundSummary), skipped });
  });
  return r;
}
