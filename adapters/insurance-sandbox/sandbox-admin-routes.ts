/**
 * The admin listener (separate from the platform's, so it answers while the platform is "down"):
 *   GET  /sandbox/stats                      counters, rows per bchno, bchno received more than once
 *   GET  /sandbox/rows?infno=&bchno=&code=&fixmedins_code=   rows held now
 *   GET  /sandbox/report/duplicate-codes     trace codes sold more than once
 *   GET  /sandbox/faults, PUT /sandbox/faults (partial JSON)
 *   POST /sandbox/reset
 * Errors have the project's one shape: {"error":{"code","message"}}.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isTracegateError } from '../../core/errors.js';
import type { DuplicateCode } from './duplicate-sales-report.js';
import type { Faults } from './fault-settings.js';
import { readBody } from './read-body.js';
import type { SandboxRow, SandboxRowQuery } from './sandbox-rows.js';
import type { SandboxStats } from './sandbox-stats.js';
import { sendJson } from './send-response.js';

export interface SandboxAdminApi {
  stats(): SandboxStats;
  rows(query?: SandboxRowQuery): SandboxRow[];
  duplicateCodes(): DuplicateCode[];
  faults(): Faults;
  setFaults(patch: unknown): Promise<Faults>;
  reset(): Promise<void>;
}

const ADMIN_BODY_LIMIT = 64 * 1024;

export function adminRequestHandler(api: SandboxAdminApi): RequestListener {
  return (req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    route(api, req, res).catch((e: unknown) => {
      if (isTracegateError(e)) {
        sendError(res, 400, e.code, e.message);
        return;
      }
      sendError(res, 500, 'SANDBOX_ADMIN_FAILED', e instanceof Error ? e.message : String(e));
    });
  };
}

async function route(api: SandboxAdminApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const endpoint = `${req.method ?? ''} ${url.pathname.replace(/\/+$/, '')}`;
  switch (endpoint) {
    case 'GET /sandbox/stats':
      sendJson(res, 200, api.stats());
      return;
    case 'GET /sandbox/rows':
      sendJson(res, 200, { rows: api.rows(rowQueryOf(url.searchParams)) });
      return;
    case 'GET /sandbox/report/duplicate-codes':
      sendJson(res, 200, { codes: api.duplicateCodes() });
      return;
    case 'GET /sandbox/faults':
      sendJson(res, 200, api.faults());
      return;
    case 'PUT /sandbox/faults': {
      const body = await jsonBody(req, res);
      if (body !== undefined) {
        sendJson(res, 200, await api.setFaults(body));
      }
      return;
    }
    case 'POST /sandbox/reset':
      await api.reset();
      sendJson(res, 200, { reset: true });
      return;
    default:
      sendError(res, 404, 'ROUTE_NOT_FOUND', `no endpoint ${endpoint}`);
  }
}

function rowQueryOf(params: URLSearchParams): SandboxRowQuery {
  const get = (name: string): string | undefined => params.get(name) || undefined;
  return { infno: get('infno'), bchno: get('bchno'), code: get('code'), fixmedinsCode: get('fixmedins_code') };
}

/** The parsed JSON body; undefined after an error answer has been sent. */
async function jsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const body = await readBody(req, ADMIN_BODY_LIMIT);
  if (body === null) {
    return undefined;
  }
  if (body.kind === 'too-large') {
    sendError(res, 413, 'BODY_TOO_LARGE', `request body is larger than ${ADMIN_BODY_LIMIT} bytes`);
    return undefined;
  }
  try {
    return JSON.parse(body.bytes.toString('utf8')) as unknown;
  } catch {
    sendError(res, 400, 'BODY_INVALID_JSON', 'request body is not valid JSON');
    return undefined;
  }
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}
