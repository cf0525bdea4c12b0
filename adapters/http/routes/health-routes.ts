import { Router } from 'express';
import type { HealthCheck } from '../../../core/ports/health-check.js';

/** /healthz: the process is up. /readyz: every dependency answers (what a load balancer should poll). */
export function healthRoutes(checks: () => HealthCheck[]): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const results = await Promise.all(checks().map(async (c) => ({ name: c.name, ...(await c.check()) })));
    const required = new Set(
      checks()
        .filter((c) => c.requiredForReadiness !== false)
        .map((c) => c.name)
    );
    const ready = results.every((x) => x.ok || !required.has(x.name));
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  return r;
}
