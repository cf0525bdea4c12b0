/**
 * What a pharmacy head sees after `npm start`: the demo's variance explained down to the codes (one box left
 * unexplained on purpose), every local anomaly rule with evidence, and the platform's notice linked to the sale.
 */
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { demoCode } from '../../plugin/demo/demo-catalog.js';
import { loadDemoData } from '../../plugin/demo/load-demo-data.js';
import type { Tracegate } from '../../plugin/tracegate.js';
import { startTempTracegate } from '../support/temp-tracegate.js';

const HEAD = { authorization: 'Bearer demo-pharmacy-head-token' };

describe('demo data for the pharmacy head', () => {
  let tg: Tracegate;
  let url: string;

  before(async function () {
    this.timeout(60_000);
    ({ tg, url } = await startTempTracegate({
      demo: { loadWhenEmpty: false, pharmacyHeadDay: true },
      reports: { anomalies: { dailyAt: '23:59' } },
    }));
    await loadDemoData(tg);
  });
  after(async () => tg.stop());

  it('explains the variance of each drug by its codes, and leaves one box of 阿托伐他汀钙片 unexplained', async () => {
    const report = await tg.reports.reconciliation.report({ codes: 5 });
    const byDrug = new Map(report.drugs.map((d) => [d.hisDrugCode, d]));
    const count = (drug: string, category: string) =>
      byDrug.get(drug)?.categories.find((c) => c.category === category)?.count ?? 0;
    expect(byDrug.get('Y0003')).to.include({ variance: 1, unexplained: 0 });
    expect(count('Y0003', 'quarantined')).to.equal(1);
    expect(byDrug.get('Y0003')?.categories.find((c) => c.category === 'quarantined')?.codes).to.deep.equal([
      demoCode('8103001', 20),
    ]);
    expect(byDrug.get('Y0006')).to.include({ variance: -1, unexplained: 0 });
    expect(byDrug.get('Y0006')?.categories.find((c) => c.category === 'dispensed_never_received')?.codes).to.deep.equal(
      [demoCode('8106001', 99)]
    );
    expect(byDrug.get('Y0001')).to.include({ unexplained: 1 });
  });

  it('finds every local anomaly type with evidence, and the platform notice beside them', async () => {
    const list = await tg.anomalies.list({ limit: 100 } as Parameters<typeof tg.anomalies.list>[0]);
    expect(new Set(list.anomalies.map((a) => a.type))).to.include.members([
      'AGENT_MANY_PATIENTS',
      'SAME_CODE_SOLD_TWICE',
      'RETURN_NOT_MATCHING',
      'RETURNED_CODE_SOLD_AGAIN',
      'DISPENSED_NEVER_RECEIVED',
      'OVER_QUANTITY',
    ]);
    const agent = list.anomalies.find((a) => a.type === 'AGENT_MANY_PATIENTS');
    expect(agent?.risk).to.equal('high');
    expect((agent?.evidence as { patients: unknown[] }).patients).to.have.length(10);
    expect(list.notices.total).to.equal(1);
    const lookup = (await (await fetch(`${url}/api/v1/codes/${demoCode('8101001', 1)}`, { headers: HEAD })).json()) as {
      nationalApp: { answer: string };
      duplicateNotices: { kindName: string }[];
    };
    expect(lookup.nationalApp.answer).to.equal('several');
    expect(lookup.duplicateNotices.map((n) => n.kindName)).to.deep.equal(['回流']);
  });

  it('exports the variance and the anomalies as XLSX', async () => {
    for (const path of ['/api/v1/reports/reconciliation?format=xlsx', '/api/v1/anomalies?format=xlsx']) {
      const res = await fetch(`${url}${path}`, { headers: HEAD });
      expect(res.status, path).to.equal(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
      expect(book.worksheets[0]?.rowCount, path).to.be.greaterThan(3);
    }
  });
});
