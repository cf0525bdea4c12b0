/**
 * The pages under /ui: static HTML, one stylesheet and vanilla ES modules from adapters/http/pages, plus uPlot for
 * the charts, and js/names.js, the Chinese names of the enumerations, made from the core's own maps when the routes
 * are built (adapters/http/page-names.ts). Public (no token): the pages hold no data; their scripts call /api/v1 with
 * the bearer token the user enters once. Mounted before the API's authentication.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Response } from 'express';
import { sendError } from '../error-response.js';
import { namesModule } from '../page-names.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where the pages are: beside this file in a checkout (adapters/http/routes → ../pages); a compiled copy
 * (dist/adapters/http/routes) has no copy of the static files, so the source tree next to dist/ is tried too.
 */
export function pagesDirectory(): string | null {
  const candidates = [join(here, '..', 'pages'), join(here, '..', '..', '..', '..', 'adapters', 'http', 'pages')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

function uplotDirectory(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js'));
  } catch {
    return null;
  }
}

/** The scripts are the page's own files; the API is the same origin. uPlot sets inline styles, hence 'unsafe-inline'. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

function pageHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // Revalidate every time (ETag), so an upgrade's pages are seen at once.
  res.setHeader('Cache-Control', 'no-cache');
}

export function pageRoutes(): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.redirect(302, '/ui/');
  });
  const pages = pagesDirectory();
  const uplot = uplotDirectory();
  if (uplot) {
    const vendor = express.static(uplot, { index: false, setHeaders: pageHeaders });
    // Only the two files the dashboard loads.
    r.get(['/ui/vendor/uPlot.esm.js', '/ui/vendor/uPlot.min.css'], (req, res, next) => {
      req.url = req.path.slice('/ui/vendor'.length);
      vendor(req, res, next);
    });
  }
  if (!pages) {
    r.use('/ui', (_req, res) => {
      sendError(res, 404, 'UI_NOT_INSTALLED', 'the pages (adapters/http/pages) are not installed beside tracegate');
    });
    return r;
  }
  const names = namesModule();
  r.get('/ui/js/names.js', (_req, res) => {
    pageHeaders(res);
    res.type('text/javascript; charset=utf-8').send(names);
  });
  r.use('/ui', express.static(pages, { index: 'index.html', extensions: ['html'], setHeaders: pageHeaders }));
  return r;
}
