import { expect } from 'chai';
import { demoSite, describeWithBrowser, openPage, screenshot } from './browser-support.js';

// Functions handed to page.evaluate run in the page; the project's types have no DOM library.
declare const document: any;

const PHARMACIST = 'demo-pharmacist-token';
const HEAD = 'demo-pharmacy-head-token';

describeWithBrowser('pharmacy head dashboard (/ui/dashboard.html)', function () {
  this.timeout(60_000);
  const site = demoSite();

  async function call(method: string, path: string, body?: unknown, token = HEAD): Promise<any> {
    const res = await fetch(`${site.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).to.be.lessThan(300);
    return json;
  }

  before(async () => {
    // Seeded through the API. A box the hospital never received is sold (the window warns and lets it go):
    // an anomaly, and a variance the HIS's book shows for 盐酸二甲双胍 (10 received, 1 sold → book 9, ledger 10).
    const d = await call(
      'POST',
      '/dispenses',
      {
        prescriptionNo: 'RX-DASH-1',
        visitNo: 'MZ-DASH-1',
        patientId: 'P0900',
        patientName: '赵六',
        settlementType: 'self_pay',
        lines: [{ lineNo: 1, hisDrugCode: 'Y0006', quantity: 1, unit: '盒' }],
      },
      PHARMACIST
    );
    const scan = await call('POST', `/dispenses/${d.id}/scans`, { scan: '81060010000000000099' }, PHARMACIST);
    expect(scan.result).to.equal('warning');
    await call('POST', `/dispenses/${d.id}/complete`, {}, PHARMACIST);
    // The HIS's book: 厄贝沙坦 20 (the demo quarantined one of its 20 boxes), 二甲双胍 9.
    await call('POST', '/book-stock', {
      rows: [
        { hisDrugCode: 'Y0003', quantity: 20 },
        { hisDrugCode: 'Y0006', quantity: 9 },
      ],
    });
    await call('POST', '/anomalies/runs', {});
  });

  it('shows variance explained by codes, a seeded anomaly with its evidence, the trend and upload states', async () => {
    const page = await openPage(site, HEAD, 'dashboard.html');
    await page.waitForSelector('#reconciliation-rows tr[data-drug="Y0003"]');

    // 厄贝沙坦: book 20, 19 in stock, +1 explained by the quarantined box.
    const y3 = page.locator('#reconciliation-rows tr[data-drug="Y0003"]');
    expect(await y3.locator('.variance').textContent()).to.equal('+1');
    expect(await y3.locator('.unexplained').textContent()).to.equal('0');
    expect(await y3.textContent()).to.contain('隔离中 1');
    // 二甲双胍: book 9, ledger 10, −1 explained by the box dispensed but never received.
    const y6 = page.locator('#reconciliation-rows tr[data-drug="Y0006"]');
    expect(await y6.locator('.variance').textContent()).to.equal('-1');
    expect(await y6.textContent()).to.contain('发药未入库 1');

    // Click through to the codes behind the explanation.
    await y3.click();
    await page.waitForSelector('#variance-detail:not([hidden])');
    const quarantined = page.locator('#variance-detail .category[data-category="quarantined"]');
    expect(await quarantined.textContent()).to.contain('81030010000000000020');
    await quarantined.locator('.show-codes').click();
    await page.waitForSelector('#variance-detail tr[data-code="81030010000000000020"]');
    expect(await page.textContent('#variance-detail tr[data-code="81030010000000000020"]')).to.contain('已隔离');
    expect(
      await quarantined.locator('a[href="code.html?code=81030010000000000020"]').count(),
      'each code links to its history'
    ).to.be.greaterThan(0);

    // Anomalies by risk and type, and the seeded one with its evidence.
    await page.waitForSelector('#anomaly-rows tr[data-type="DISPENSED_NEVER_RECEIVED"]');
    expect(await page.textContent('#risk-high .n')).to.equal('1');
    expect(await page.textContent('#type-DISPENSED_NEVER_RECEIVED .n')).to.equal('1');
    const anomaly = page.locator('#anomaly-rows tr[data-type="DISPENSED_NEVER_RECEIVED"]');
    expect(await anomaly.textContent()).to.contain('81060010000000000099');
    expect(await anomaly.textContent()).to.contain('高风险');
    await anomaly.click();
    await page.waitForSelector('#anomaly-detail:not([hidden])');
    const evidence = await page.textContent('#anomaly-detail');
    expect(evidence).to.contain('RX-DASH-1');
    expect(evidence).to.contain('赵六');

    // The trend is drawn (uPlot canvas), and the upload states are counted.
    await page.waitForSelector('#trend-chart canvas');
    expect(Number(await page.getAttribute('#trend-chart', 'data-points'))).to.be.greaterThan(0);
    await page.waitForSelector('#upload-pending .n');
    expect(Number(await page.textContent('#upload-pending .n'))).to.be.greaterThan(0);
    await page.evaluate(() => document.querySelector('#variance-detail')?.scrollIntoView());
    await screenshot(page, 'dashboard');

    // The exports are the API's own files.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#reconciliation-csv')]);
    expect(csv.suggestedFilename()).to.match(/\.csv$/);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#anomalies-xlsx')]);
    expect(xlsx.suggestedFilename()).to.match(/\.xlsx$/);
    await page.context().close();
  });

  it('shows a pharmacist why the dashboard is not for their token, in Chinese', async () => {
    const page = await openPage(site, PHARMACIST, 'dashboard.html');
    await page.waitForSelector('#reconciliation-error:not([hidden])');
    const text = await page.textContent('#reconciliation-error');
    expect(text).to.contain('无权执行此操作');
    expect(text).to.contain('药剂科主任');
    expect(text).to.contain('AUTH_FORBIDDEN');
    await page.context().close();
  });
});
