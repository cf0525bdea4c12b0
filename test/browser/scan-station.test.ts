import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { demoSite, describeWithBrowser, openPage, screenshot, wedgeScan } from './browser-support.js';

// Functions handed to page.evaluate run in the page; the project's types have no DOM library.
declare const document: any,
  window: any,
  getComputedStyle: any,
  localStorage: any,
  location: any,
  DataTransfer: any,
  ClipboardEvent: any;

const PHARMACIST = 'demo-pharmacist-token';
const code = (prefix: string, n: number): string => `${prefix}${String(n).padStart(13, '0')}`;
/** The demo's imported insulin: GS1 element string with GTIN, expiry, lot, then (after a separator) the serial. */
const gs1 = (separator: string, n: number): string =>
  `010540123456789817281231` + `10LOT2411A${separator}21SN${String(n).padStart(6, '0')}`;

/** Fisher–Yates with a seed, so a failing order can be replayed (the seed is in the test title). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function answered(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (count) => document.querySelectorAll('#scan-log tr:not([data-result="pending"])').length === count,
    n
  );
}

const resultKind = (page: Page): Promise<string | null> => page.getAttribute('#last-result', 'data-result');
const lineRow = (page: Page, lineNo: number) => page.locator(`#line-progress tr[data-line="${lineNo}"]`);

describeWithBrowser('scan station page (/ui/scan.html)', function () {
  this.timeout(60_000);
  const seed = Number(process.env.TRACEGATE_SCAN_SEED) || (Date.now() % 100_000) + 1;

  // A site whose scanners send '|' for the GS1 group separator.
  const site = demoSite({ recognition: { gsSubstitutes: ['|'] } });

  it(`dispenses three drugs scanned in any order, with a GS1 2D scan, a refusal, take-back and completion (seed ${seed})`, async () => {
    const page = await openPage(site, PHARMACIST, 'scan.html');
    // The order comes from the HIS as JSON: pasted, it fills the form.
    const order = {
      prescriptionNo: 'RX-UI-0001',
      visitNo: 'MZ-UI-0001',
      patientId: 'P0100',
      patientName: '王芳',
      settlementType: 'self_pay',
      doctorName: '李医生',
      location: '门诊西药房 2号窗口',
      lines: [
        { lineNo: 1, hisDrugCode: 'Y0001', quantity: 2, unit: '盒' },
        { lineNo: 2, hisDrugCode: 'Y0006', quantity: 1, unit: '盒' },
        { lineNo: 3, hisDrugCode: 'Y0005', quantity: 2, unit: '支' },
        { lineNo: 4, hisDrugCode: 'Y0002', quantity: 7, unit: '片' },
      ],
    };
    await page.click('#dispense-form summary');
    await page.fill('#dispense-json', JSON.stringify(order));
    await page.click('#dispense-json-fill');
    expect(await page.inputValue('#dispense-form [name="patientName"]')).to.equal('王芳');
    expect(await page.locator('#dispense-lines tr').count()).to.equal(4);
    await page.click('#dispense-open');
    await page.waitForSelector('#scan-view:not([hidden])');
    expect(await page.evaluate(() => document.activeElement?.id), 'the scan input has the focus').to.equal(
      'scan-input'
    );
    expect(await lineRow(page, 1).textContent()).to.contain('应扫 2 盒');
    expect(await lineRow(page, 4).textContent()).to.contain('7 片');

    // Clicking elsewhere does not take the focus from the scan input.
    await page.click('#session-meta');
    await page.waitForFunction(() => document.activeElement?.id === 'scan-input');

    // One of each drug except the second 阿托伐他汀 box, in a random order; the insulin as GS1 with the site's
    // substitute '|', the 拆零 tablets from the opened pack.
    const first = shuffled([code('8101001', 10), code('8106001', 3), gs1('|', 3), code('8102001', 1)], seed);
    let n = 0;
    for (const scan of first) {
      await wedgeScan(page, scan);
      await answered(page, ++n);
      expect(await resultKind(page), `scan ${scan}`).to.equal('accepted');
    }
    expect(await lineRow(page, 3).textContent()).to.contain('已扫 1 盒');
    expect(await lineRow(page, 4).getAttribute('data-complete')).to.equal('true');

    // A box already dispensed to another patient: red, the Chinese reason and the machine code, and a beep.
    await wedgeScan(page, code('8101001', 1));
    await answered(page, ++n);
    expect(await resultKind(page)).to.equal('rejected');
    const refusal = await page.textContent('#last-result');
    expect(refusal).to.contain('拒绝');
    expect(refusal).to.contain('已发药');
    expect(refusal).to.contain('CODE_ALREADY_DISPENSED');
    expect(await page.evaluate(() => window.tracegateBeeps.refusal)).to.equal(1);
    expect(
      await page.evaluate(() => getComputedStyle(document.querySelector('#last-result')).backgroundColor)
    ).to.equal('rgb(253, 228, 225)');
    await screenshot(page, 'scan-refusal');

    // Completing now: 应扫2盒，实扫1盒 and 应扫2盒，实扫1盒 for the insulin.
    await page.keyboard.press('F4');
    await page.waitForSelector('#problems:not([hidden])');
    const problems = await page.textContent('#problems');
    expect(problems).to.contain('应扫2盒，实扫1盒');
    expect(problems).to.contain('PACKS_MISSING');
    expect(await page.evaluate(() => window.tracegateBeeps.refusal)).to.equal(2);
    await screenshot(page, 'scan-problems');

    // The second insulin with a real GS typed as Ctrl+] (what many scanners send), then a wrong box taken back.
    await page.keyboard.type('010540123456789817281231' + '10LOT2411A', { delay: 2 });
    await page.keyboard.press('Control+BracketRight');
    await page.keyboard.type('21SN000004', { delay: 2 });
    await page.keyboard.press('Enter');
    await answered(page, ++n);
    expect(await resultKind(page)).to.equal('accepted');
    expect(await lineRow(page, 3).textContent()).to.contain('已扫 2 盒');

    await wedgeScan(page, code('8101001', 12));
    await answered(page, ++n);
    expect(await lineRow(page, 1).textContent()).to.contain('已扫 2 盒');
    await page.keyboard.press('F2'); // take back the last box
    await page.waitForFunction(
      () => document.querySelector('#last-result')?.getAttribute('data-result') === 'withdrawn'
    );
    expect(await page.textContent('#last-result')).to.contain(code('8101001', 12));
    expect(await lineRow(page, 1).textContent()).to.contain('已扫 1 盒');
    expect(await page.locator('#scan-log tr.log-withdrawn').count()).to.equal(1);

    await wedgeScan(page, code('8101001', 11));
    await answered(page, ++n);
    expect(await resultKind(page)).to.equal('accepted');
    expect(await page.textContent('#last-result')).to.contain('全部药盒已扫齐');

    await page.click('#complete');
    await page.waitForFunction(
      () => document.querySelector('#session-state')?.getAttribute('data-state') === 'completed'
    );
    expect(await page.textContent('#last-result')).to.contain('发药完成');
    expect(await page.locator('#scan-log tr').count()).to.equal(n);
    await screenshot(page, 'scan-completed');

    // The ledger agrees with what the page showed.
    const sold = async (c: string): Promise<string> => {
      const res = await fetch(`${site.url}/api/v1/codes/${encodeURIComponent(c)}`, {
        headers: { authorization: `Bearer ${PHARMACIST}` },
      });
      return ((await res.json()) as { state: string }).state;
    };
    expect(await sold(code('8101001', 10))).to.equal('dispensed');
    expect(await sold(code('8101001', 11))).to.equal('dispensed');
    expect(await sold(code('8101001', 12))).to.equal('in_stock');
    expect(await sold('010540123456789821SN000003')).to.equal('dispensed');
    expect(await sold('010540123456789821SN000004')).to.equal('dispensed');
    await page.context().close();
  });

  it('refuses to take back a box that was not dispensed on that prescription, in Chinese', async () => {
    const page = await openPage(site, PHARMACIST, 'scan.html');
    await page.click('#tab-return');
    // The demo sold 81010010000000000001 on RX20261122001.
    await page.fill('#return-form [name="prescriptionNo"]', 'RX20261122001');
    await page.fill('#return-form [name="reason"]', '患者要求退药');
    await page.fill('#return-lines tr:first-child [name="hisDrugCode"]', 'Y0001');
    await page.fill('#return-lines tr:first-child [name="quantity"]', '1');
    await page.click('#return-open');
    await page.waitForSelector('#scan-view:not([hidden])');
    expect(await page.textContent('#session-kind')).to.equal('退药');

    await wedgeScan(page, code('8101001', 5));
    await answered(page, 1);
    expect(await resultKind(page)).to.equal('rejected');
    const text = await page.textContent('#last-result');
    expect(text).to.contain('不是本次就诊/处方发出的药盒');
    expect(text).to.contain('不能退药');
    expect(text).to.contain('RETURN_CODE_NOT_DISPENSED_HERE');
    expect(await page.evaluate(() => window.tracegateBeeps.refusal)).to.equal(1);
    await screenshot(page, 'scan-return-refused');

    // The box that was sold comes back.
    await wedgeScan(page, code('8101001', 1));
    await answered(page, 2);
    expect(await resultKind(page)).to.equal('accepted');
    await page.keyboard.press('F4');
    await page.waitForFunction(
      () => document.querySelector('#session-state')?.getAttribute('data-state') === 'completed'
    );
    await page.context().close();
  });

  it('takes a multi-line paste as one scan per line, keeps the focus on Tab, and resumes a session by its id', async () => {
    const page = await openPage(site, PHARMACIST, 'scan.html');
    await page.fill('#dispense-form [name="prescriptionNo"]', 'RX-UI-0002');
    await page.fill('#dispense-form [name="visitNo"]', 'MZ-UI-0002');
    await page.fill('#dispense-form [name="patientId"]', 'P0101');
    await page.fill('#dispense-form [name="patientName"]', '陈静');
    await page.fill('#dispense-lines tr:first-child [name="hisDrugCode"]', 'Y0007');
    await page.fill('#dispense-lines tr:first-child [name="quantity"]', '2');
    await page.click('#dispense-add-line');
    await page.fill('#dispense-lines tr:nth-child(2) [name="hisDrugCode"]', 'Y0004');
    await page.fill('#dispense-lines tr:nth-child(2) [name="quantity"]', '30');
    await page.fill('#dispense-lines tr:nth-child(2) [name="unit"]', 'g');
    await screenshot(page, 'scan-open-form');
    await page.click('#dispense-open');
    await page.waitForSelector('#scan-view:not([hidden])');
    expect(await lineRow(page, 2).textContent(), '中药饮片 needs no scan').to.contain('无码免扫');

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('scan-input');
    await page.evaluate(
      ([a, b]) => {
        const data = new DataTransfer();
        data.setData('text/plain', `${a}\r\n${b}\r\n`);
        document.querySelector('#scan-input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data }));
      },
      [code('8107001', 1), code('8107001', 2)]
    );
    await answered(page, 2);
    expect(await lineRow(page, 1).textContent()).to.contain('已扫 2 盒');
    expect(await page.inputValue('#scan-input')).to.equal('');

    // A reload (or another browser) reopens the session from its id.
    const id = await page.evaluate(() => new URLSearchParams(location.search).get('session'));
    await page.goto(`${site.url}/ui/scan.html?session=${id}`);
    await page.waitForSelector('#scan-view:not([hidden])');
    expect(await page.locator('#scan-log tr').count()).to.equal(2);
    await page.keyboard.press('F4');
    await page.waitForFunction(
      () => document.querySelector('#session-state')?.getAttribute('data-state') === 'completed'
    );
    await page.context().close();
  });

  it('asks for the token when none is stored and again after a 401; an unknown session is explained in Chinese', async () => {
    const page = await openPage(site, null, 'scan.html');
    await page.waitForSelector('#token-dialog[open]');
    await page.fill('#token-input', 'not-a-valid-token-at-all');
    await page.click('#token-save');
    // The drug list call answers 401: the prompt comes back.
    await page.waitForSelector('#token-dialog[open]');
    expect(await page.textContent('#token-dialog')).to.contain('令牌无效');
    await page.fill('#token-input', PHARMACIST);
    await page.click('#token-save');
    await page.waitForFunction(() => document.querySelectorAll('#drug-codes option').length > 0);
    expect(await page.evaluate(() => localStorage.getItem('tracegate.token'))).to.equal(PHARMACIST);

    // A session that does not exist: a Chinese error, never a blank page.
    await page.goto(`${site.url}/ui/scan.html?session=D-NO-SUCH-SESSION`);
    await page.waitForSelector('#resume-error:not([hidden])');
    expect(await page.textContent('#resume-error')).to.match(/[\u4e00-\u9fff]/);
    await page.context().close();
  });
});
