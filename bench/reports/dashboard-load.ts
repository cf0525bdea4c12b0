/**
 * The pharmacy head's dashboard (/ui/dashboard.html) loaded in Debian Chromium through playwright-core, the token
 * already in localStorage (as after the user entered it once). A load is timed from the navigation's start until
 * every section has rendered: the variance table's rows, the anomaly list's rows, the trend chart's canvas and the
 * upload state cards (or the section's "nothing" note). Cold: a fresh browser context each time (no HTTP cache);
 * warm: the same page navigated again (static files revalidated from the cache).
 */
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

// Functions handed to page.evaluate run in the page; the project's types have no DOM library.
declare const localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
declare const document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };

/** api.js keeps the token under this key. */
const TOKEN_KEY = 'tracegate.token';
const SECTION_TIMEOUT_MS = 120_000;

export const CHROMIUM = process.env.TRACEGATE_CHROMIUM || '/usr/bin/chromium';

const SECTIONS = {
  reconciliation: '#reconciliation-rows tr, #reconciliation-empty:not([hidden]), #reconciliation-error:not([hidden])',
  anomalies: '#anomaly-rows tr, #anomalies-empty:not([hidden]), #anomalies-error:not([hidden])',
  trend: '#trend-chart canvas, #trend-chart p, #trend-error:not([hidden])',
  uploads: '#upload-counts .count-card, #uploads-error:not([hidden])',
} as const;
export type Section = keyof typeof SECTIONS;
export const SECTION_NAMES = Object.keys(SECTIONS) as Section[];

export interface PageLoad {
  /** Navigation start → every section rendered. */
  totalMs: number;
  domContentLoadedMs: number;
  sections: Record<Section, number>;
  /** Rows shown in the variance table and the anomaly list. */
  varianceRows: number;
  anomalyRows: number;
  /** When the all-drugs report's response had arrived (the page's resource timing, from the navigation's start). */
  reconciliationResponseMs: number;
  errors: string[];
}

interface TimingEntry {
  name: string;
  responseEnd: number;
  domContentLoadedEventEnd: number;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

async function newPage(browser: Browser, token: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  await context.addInitScript(
    ([key, t]) => {
      if (!localStorage.getItem(key)) {
        localStorage.setItem(key, t);
      }
    },
    [TOKEN_KEY, token] as const
  );
  return context.newPage();
}

async function loadOnce(page: Page, url: string): Promise<PageLoad> {
  const errors: string[] = [];
  const onError = (e: Error) => errors.push(e.message);
  const onConsole = (m: ConsoleMessage) => {
    if (m.type() === 'error') {
      errors.push(`console: ${m.text()}`);
    }
  };
  page.on('pageerror', onError);
  page.on('console', onConsole);
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  const times = await Promise.all(
    SECTION_NAMES.map((name) =>
      page
        .waitForSelector(SECTIONS[name], { state: 'attached', timeout: SECTION_TIMEOUT_MS })
        .then(() => performance.now() - started)
    )
  ).catch((e: unknown) => {
    throw new Error(`${String(e)}\nerrors in the page: ${errors.join('; ') || 'none'}`);
  });
  const info = await page.evaluate(() => ({
    dcl:
      (globalThis.performance as unknown as { getEntriesByType(t: string): TimingEntry[] }).getEntriesByType(
        'navigation'
      )[0]?.domContentLoadedEventEnd ?? NaN,
    report:
      (globalThis.performance as unknown as { getEntriesByType(t: string): TimingEntry[] })
        .getEntriesByType('resource')
        .find((e) => e.name.includes('/api/v1/reports/reconciliation'))?.responseEnd ?? NaN,
    banners: Array.from(document.querySelectorAll('.error-banner:not([hidden])')).map((e) => e.textContent ?? ''),
    varianceRows: document.querySelectorAll('#reconciliation-rows tr').length,
    anomalyRows: document.querySelectorAll('#anomaly-rows tr').length,
  }));
  page.off('pageerror', onError);
  page.off('console', onConsole);
  return {
    totalMs: Math.max(...times),
    domContentLoadedMs: info.dcl,
    sections: Object.fromEntries(SECTION_NAMES.map((n, i) => [n, times[i]!])) as Record<Section, number>,
    varianceRows: info.varianceRows,
    anomalyRows: info.anomalyRows,
    reconciliationResponseMs: info.report,
    errors: [...errors, ...info.banners.filter((b) => b.trim() !== '')],
  };
}

/** `loads` cold loads (each in a new context), then one warm-up and `loads` warm loads in one page. */
export async function measureDashboard(
  browser: Browser,
  baseUrl: string,
  token: string,
  loads: number
): Promise<{ cold: PageLoad[]; warm: PageLoad[] }> {
  const url = `${baseUrl}/ui/dashboard.html`;
  const cold: PageLoad[] = [];
  for (let i = 0; i < loads; i++) {
    const page = await newPage(browser, token);
    try {
      cold.push(await loadOnce(page, url));
    } finally {
      await page.context().close();
    }
  }
  const page = await newPage(browser, token);
  const warm: PageLoad[] = [];
  try {
    await loadOnce(page, url);
    for (let i = 0; i < loads; i++) {
      warm.push(await loadOnce(page, url));
    }
  } finally {
    await page.context().close();
  }
  return { cold, warm };
}
