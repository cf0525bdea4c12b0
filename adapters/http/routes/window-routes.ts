import { Router } from 'express';
import type { Request } from 'express';
import type { SessionSummary } from '../../../core/window/line-progress.js';
import type { Session, SessionKind } from '../../../core/window/session.js';
import type { WindowActor, WindowService } from '../../../core/window/window-service.js';
import type { bearerAuth } from '../bearer-auth.js';
import { principalOf } from '../bearer-auth.js';
import { parseBody } from '../parse-body.js';
import { cancelBody, completeBody, dispenseBody, receiptBody, returnBody, scanBody } from '../window-bodies.js';

function actorOf(req: Request, location?: string): WindowActor {
  const p = principalOf(req);
  return { actor: p.name, roles: p.roles, location: location ?? null };
}

export function presentSession(session: Session, summary: SessionSummary): Record<string, unknown> {
  return {
    id: session.id,
    kind: session.kind,
    state: session.state,
    location: session.location,
    createdAt: session.createdAt,
    createdBy: session.createdBy,
    order: session.order,
    lines: session.plan,
    progress: summary.progress,
    complete: summary.complete,
    problems: summary.problems,
    scans: session.scans,
    completedAt: session.completedAt,
    completedBy: session.completedBy,
    override: session.override,
  };
}

/** Receipt, dispense and return sessions share one shape: open, scan, take back, complete, cancel, read. */
export function windowRoutes(window: WindowService, auth: ReturnType<typeof bearerAuth>): Router {
  const r = Router();
  const staff = auth.require('pharmacist', 'pharmacy-head', 'integration');
  const kinds: { path: string; kind: SessionKind; open: (req: Request) => Promise<Session> }[] = [
    {
      path: 'receipts',
      kind: 'receipt',
      open: (req) => {
        const { location, ...order } = parseBody(receiptBody, req.body);
        return window.openReceipt(order, actorOf(req, location));
      },
    },
    {
      path: 'dispenses',
      kind: 'dispense',
      open: (req) => {
        const { location, ...order } = parseBody(dispenseBody, req.body);
        return window.openDispense(order, actorOf(req, location));
      },
    },
    {
      path: 'returns',
      kind: 'return',
      open: (req) => {
        const { location, ...order } = parseBody(returnBody, req.body);
        return window.openReturn(order, actorOf(req, location));
      },
    },
  ];
  for (const { path, kind, open } of kinds) {
    r.post(`/${path}`, staff, async (req, res) => {
      const session = await open(req);
      const { summary } = await window.get(session.id);
      res.status(201).json(presentSession(session, summary));
    });
    r.get(`/${path}/:id`, async (req, res) => {
      const { session, summary } = await window.get(String(req.params.id), kind);
      res.json({ ...presentSession(session, summary), ...(await window.trail(session.id)) });
    });
    r.post(`/${path}/:id/scans`, staff, async (req, res) => {
      const { scan } = parseBody(scanBody, req.body);
      const { summary, ...outcome } = await window.scan(String(req.params.id), scan, actorOf(req), kind);
      res.json({ ...outcome, progress: summary.progress, complete: summary.complete });
    });
    r.delete(`/${path}/:id/scans/:code`, staff, async (req, res) => {
      const id = String(req.params.id);
      const { session, summary } = await window.withdraw(id, String(req.params.code), actorOf(req), kind);
      res.json(presentSession(session, summary));
    });
    r.post(`/${path}/:id/complete`, staff, async (req, res) => {
      const { override } = parseBody(completeBody, req.body);
      const { session, summary } = await window.complete(String(req.params.id), actorOf(req), override, kind);
      res.json(presentSession(session, summary));
    });
    r.post(`/${path}/:id/cancel`, staff, async (req, res) => {
      const { reason } = parseBody(cancelBody, req.body);
      const session = await window.cancel(String(req.params.id), actorOf(req), reason, kind);
      const { summary } = await window.get(session.id);
      res.json(presentSession(session, summary));
    });
  }
  return r;
}
