import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { demoSite, describeWithBrowser, openPage, screenshot } from './browser-support.js';

// Functions handed to page.evaluate run in the page; the project's types have no DOM library.
declare const document: any;

const PHARMACIST = 'demo-pharmacist-token';
const HEAD = 'demo-pharmacy-head-token';
const INTEGRATION = 'demo-integration-token';

async function apiGet(url: string, path: string, token: string): Promise<any> {
  const res = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return res.json();
}

describeWithBrowser('code history and uploads monitor pages', function () {
  this.timeout(60_000);
  const site = demoSite();

  it('serves the index and the pages without a token, and uPlot under /ui/vendor/', async () => {
    const index = await fetch(`${site.url}/ui/`);
    expect(index.status).to.equal(200);
    expect(index.headers.get('content-security-policy')).to.contain("script-src 'self'");
    const html = await index.text();
    for (const page of ['scan.html', 'dashboard.html', 'code.html', 'uploads.html']) {
      expect(html).to.contain(`href="${page}"`);
      expect((await fetch(`${site.url}/ui/${page}`)).status, page).to.equal(200);
    }
    const uplot = await fetch(`${site.url}/ui/vendor/uPlot.esm.js`);
    expect(uplot.status).to.equal(200);
    expect(uplot.headers.get('content-type')).to.match(/javascript/);
    expect((await fetch(`${site.url}/ui/vendor/uPlot.min.css`)).status).to.equal(200);
    // Nothing else of node_modules is reachable, and the API still wants its token.
    expect((await fetch(`${site.url}/ui/vendor/package.json`)).status).to.equal(404);
    expect((await fetch(`${site.url}/api/v1/drugs`)).status).to.equal(401);
    const root = await fetch(`${site.url}/`, { redirect: 'manual' });
    expect(root.headers.get('location')).to.equal('/ui/');
  });

  it('shows one header on every page, the page itself marked current in the navigation', async () => {
    const current = {
      '': null,
      'scan.html': '扫码发药',
      'dashboard.html': '药剂科看板',
      'code.html': '追溯码查询',
      'uploads.html': '上传监控',
      uploads: '上传监控',
    };
    for (const [path, name] of Object.entries(current)) {
      const page = await openPage(site, HEAD, path);
      await page.waitForSelector('header.top #token-button');
      expect(await page.locator('header.top').count(), path).to.equal(1);
      expect(await page.locator('header.top nav a').allTextContents(), path).to.deep.equal([
        '扫码发药',
        '药剂科看板',
        '追溯码查询',
        '上传监控',
      ]);
      const marked = await page.locator('header.top nav a[aria-current="page"]').allTextContents();
      expect(marked, path).to.deep.equal(name ? [name] : []);
      expect(await page.evaluate(() => document.body.firstElementChild?.matches('header.top')), path).to.equal(true);
      await page.context().close();
    }
  });

  it('shows the life of one code, looked up by link and by a scanned GS1 string', async () => {
    // 81010010000000000002: received in a case, dispensed, returned to stock (the demo).
    const page = await openPage(site, PHARMACIST, 'code.html?code=81010010000000000002');
    await page.waitForSelector('#code-result:not([hidden])');
    expect(await page.textContent('#code-state')).to.equal('在库');
    const actions = await page.locator('#history td:nth-child(3)').allTextContents();
    expect(actions).to.deep.equal(['入库', '发药', '退药入库']);
    const history = await page.textContent('#history');
    expect(history).to.contain('药师 张敏');
    expect(history).to.contain('门诊西药房 3号窗口');
    expect(history).to.contain('RX20261122002');
    expect(history).to.contain('患者退药，原盒未拆封');
    expect(await page.textContent('#code-facts')).to.contain('阿托伐他汀钙片');
    const lookup = await apiGet(site.url, '/codes/81010010000000000002', PHARMACIST);
    if (lookup.nationalApp) {
      expect(await page.isVisible('#national-section')).to.equal(true);
      expect(await page.textContent('#national-text')).to.equal(lookup.nationalApp.text);
    }
    await screenshot(page, 'code-history');

    // A GS1 2D scan typed by a wedge scanner, GS as Ctrl+], into the lookup field.
    await page.click('#code-input');
    await page.fill('#code-input', '');
    await page.keyboard.type('010540123456789817281231' + '10LOT2411A');
    await page.keyboard.press('Control+BracketRight');
    await page.keyboard.type('21SN000002');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('#code-title')?.textContent === '010540123456789821SN000002'
    );
    expect(await page.textContent('#code-facts')).to.contain('甘精胰岛素注射液');
    expect(await page.textContent('#code-facts')).to.contain('LOT2411A');

    // A code the ledger never saw: the reason in Chinese, not a blank page.
    await page.goto(`${site.url}/ui/code.html?code=81010010000000009999`);
    await page.waitForSelector('#page-error:not([hidden])');
    const error = await page.textContent('#page-error');
    expect(error).to.contain('不在本院台账中');
    expect(error).to.contain('CODE_NOT_IN_LEDGER');
    await page.context().close();
  });

  async function switchToken(page: Page, token: string): Promise<void> {
    await page.click('#token-button');
    await page.fill('#token-input', token);
    await page.click('#token-save');
  }

  it('lists uploads with counts and filters, shows one with its attempts, and shows who may retry or hold', async () => {
    const page = await openPage(site, HEAD, 'uploads.html');
    await page.waitForSelector('#upload-list tr');
    // The demo's window activity: three sales (3505) and one return (3506), not sent (no upstream configured).
    expect(await page.textContent('#counts [data-state="pending"] .n')).to.equal('4');
    expect(await page.locator('#upload-list tr').count()).to.equal(4);
    await page.selectOption('#filter-infno', '3506');
    await page.click('#filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#upload-list tr').length === 1);
    expect(await page.textContent('#upload-list')).to.contain('商品销售退货');

    await page.click('#upload-list tr');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.textContent('#detail-title')).to.contain('3506');
    expect(await page.textContent('#detail-payload')).to.contain('drugtracinfo');
    expect(await page.isVisible('#attempts-empty')).to.equal(true);
    await screenshot(page, 'uploads-monitor');

    // A pharmacy head may look but not act: the API's refusal is shown in Chinese.
    await page.check('#upload-list input.pick');
    await page.click('#retry');
    await page.waitForSelector('#action-error:not([hidden])');
    const refused = await page.textContent('#action-error');
    expect(refused).to.contain('无权执行此操作');
    expect(refused).to.contain('integration');
    expect(refused).to.contain('AUTH_FORBIDDEN');

    // Hospital IT (integration) holds it.
    await switchToken(page, INTEGRATION);
    await page.check('#upload-list input.pick');
    await page.click('#hold');
    await page.fill('#hold-reason', 'HIS 已自行上传');
    await page.click('#hold-ok');
    await page.waitForSelector('#action-result:not([hidden])');
    expect(await page.textContent('#action-result')).to.contain('已暂缓 1 条');
    expect(await page.textContent('#counts [data-state="held"] .n')).to.equal('1');
    expect(await page.textContent('#upload-list')).to.contain('不上传');

    // A pharmacist's token cannot read the outbox: said so, in Chinese.
    await switchToken(page, PHARMACIST);
    await page.click('#refresh');
    await page.waitForSelector('#page-error:not([hidden])');
    expect(await page.textContent('#page-error')).to.contain('药剂科主任');
    await page.context().close();
  });
});
