/**
 * Browser tests drive the system's Debian Chromium (never a downloaded browser) with playwright-core, against a
 * tracegate started in-process. Like the database suites (test/support/databases.ts), a missing browser never
 * passes silently:
 * - Chromium present → the suite runs;
 * - missing, CI !== 'true' → a pending suite and a loud SKIPPED line on stderr;
 * - missing, CI === 'true' → a suite whose one test fails and says why (.ci/run installs `chromium`).
 * TRACEGATE_CHROMIUM overrides the path (default /usr/bin/chromium).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { loadDemoData } from '../../plugin/demo/load-demo-data.js';
import type { Tracegate } from '../../plugin/tracegate.js';
import { startTempTracegate } from '../support/temp-tracegate.js';

// Functions handed to page.evaluate run in the page; the project's types have no DOM library.
declare const localStorage: any;

export const chromiumPath = process.env.TRACEGATE_CHROMIUM || '/usr/bin/chromium';
export const screenshotDir = join(process.cwd(), 'test-artifacts', 'screenshots');

export function describeWithBrowser(title: string, fn: (this: Mocha.Suite) => void): void {
  if (existsSync(chromiumPath)) {
    describe(title, fn);
    return;
  }
  const message = `browser suite "${title}" — no Chromium at ${chromiumPath}`;
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`needs Chromium at ${chromiumPath}`, () => {
        throw new Error(`${message}; CI=true makes a missing browser a failure (apt-get install chromium)`);
      });
    });
    return;
  }
  process.stderr.write(
    `\n*** SKIPPED: ${message} (apt-get install chromium, or set TRACEGATE_CHROMIUM; CI=true makes this a failure)\n\n`
  );
  describe.skip(title, fn);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
}

/** What a browser suite's tests work with: a tracegate holding the demo data, and Chromium. */
export interface DemoSite {
  url: string;
  browser: Browser;
}

/**
 * The hooks of a browser suite, called in its describe: before its tests, a tracegate on a fresh SQLite file
 * (`overrides` as for startTempTracegate) with the demo data loaded, and Chromium; after them, both stopped; after
 * each test, a failure if any page raised a script error. The site is filled in by the first hook, so a suite's own
 * before hooks (registered after this call) can use it.
 */
export function demoSite(overrides: Record<string, unknown> = {}): DemoSite {
  const site = {} as DemoSite;
  let tg: Tracegate | undefined;
  before(async () => {
    let url: string;
    ({ tg, url } = await startTempTracegate(overrides));
    await loadDemoData(tg);
    site.url = url;
    site.browser = await launchChromium();
  });
  after(async () => {
    await site.browser?.close();
    await tg?.stop();
  });
  afterEach(() => {
    const errors = pageErrors.splice(0);
    expect(errors, 'script errors in the pages').to.deep.equal([]);
  });
  return site;
}

/**
 * A page in a fresh context, zh-CN, with the token already stored (as if the user had entered it once), opened on
 * the index and then on `path` under /ui/ when one is given.
 */
export async function openPage(site: DemoSite, token: string | null, path?: string): Promise<Page> {
  const context = await site.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  if (token) {
    await context.addInitScript((t) => {
      if (!localStorage.getItem('tracegate.token')) {
        localStorage.setItem('tracegate.token', t);
      }
    }, token);
  }
  const page = await context.newPage();
  page.on('pageerror', (e) => {
    pageErrors.push(`${page.url()}: ${e.message}`);
  });
  page.on('console', (m) => {
    // A 4xx answer is logged by Chromium as "Failed to load resource"; the pages expect those (refusals).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      pageErrors.push(`${page.url()}: console: ${m.text()}`);
    }
  });
  await page.goto(`${site.url}/ui/`);
  if (path !== undefined) {
    await page.goto(`${site.url}/ui/${path}`);
  }
  return page;
}

/** Script errors any page raised; a test asserts none happened. */
export const pageErrors: string[] = [];

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Type a scan as a keyboard-wedge scanner does: character by character, then Enter. */
export async function wedgeScan(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 2 });
  await page.keyboard.press('Enter');
}
