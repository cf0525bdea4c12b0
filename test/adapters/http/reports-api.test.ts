/**
 * 药帐核对 over HTTP, on a ledger built through the real window, ledger and stock-change services: 10 boxes received,
 * 3 dispensed (one never received), a refused duplicate receipt, a refused return, a split pack opened, one box
 * scrapped and one quarantined, and the HIS's book stock imported saying 8.
 */
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Tracegate } from '../../../plugin/tracegate.js';
import { shanghaiDate } from '../../../core/shanghai-time.js';
import { startTempTracegate } from '../../support/temp-tracegate.js';

const PHARMACIST = 'demo-pharmacist-token';
const HEAD = 'demo-pharmacy-head-token';
const DRUG = 'R0001';
const R = (n: number): string => `8109001${String(n).padStart(13, '0')}`;
/** A box of R0001 the hospital never received. */
const NEVER_RECEIVED = R(99);

describe('reports over HTTP: reconciliation and the daily trend', function () {
  this.timeout(60_000);
  let tg: Tracegate;
  let url: string;
  let today: string;

  async function call(
    method: string,
    path: string,
    body?: unknown,
    token = HEAD
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const post = (path: string, body: unknown, token = PHARMACIST) => call('POST', path, body, token);

  async function download(path: string): Promise<{ status: number; type: string; disposition: string; body: Buffer }> {
    const res = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${HEAD}` } });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      disposition: decodeURIComponent(res.headers.get('content-disposition') ?? ''),
      body: Buffer.from(await res.arrayBuffer()),
    };
  }

  async function session(kind: string, open: unknown, scans: string[], complete = true): Promise<any[]> {
    const opened = await post(`/${kind}`, open);
    expect(opened.status, JSON.stringify(opened.body)).to.equal(201);
    const outcomes = [];
    for (const scan of scans) {
      outcomes.push((await post(`/${kind}/${opened.body.id}/scans`, { scan })).body);
    }
    if (complete) {
      const done = await post(`/${kind}/${opened.body.id}/complete`, {});
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
    }
    return outcomes;
  }

  const dispense = (rx: string, quantity: number, unit: string, scans: string[]) =>
    session(
      'dispenses',
      {
        prescriptionNo: rx,
        visitNo: `V-${rx}`,
        patientId: 'P001',
        patientName: '张三',
        settlementType: 'self_pay',
        location: '门诊西药房 1号窗口',
        lines: [{ lineNo: 1, hisDrugCode: DRUG, quantity, unit }],
      },
      scans
    );

  before(async () => {
    ({ tg, url } = await startTempTracegate());
    today = shanghaiDate(new Date().toISOString());
    await tg.catalog.save(
      [
        {
          hisDrugCode: DRUG,
          insuranceCode: 'XC10AAR0001',
          name: '瑞舒伐他汀钙片',
          spec: '10mg*10片',
          manufacturer: '示范药业',
          rxFlag: true,
          vbpFlag: true,
          unitsPerPack: 10,
          unitName: '片',
          prefixes: [{ prefix: '8109001', packLevel: 1, unitCount: 1 }],
          gtins: [],
          barcode69: null,
          exempt: false,
          exemptReason: null,
        },
      ],
      'test',
      'import'
    );
    const receiptLine = { lineNo: 1, hisDrugCode: DRUG, quantity: 10, lot: 'L2601', expiry: '2028-12-31' };
    const receipt = { deliveryNo: 'DN-1', supplier: '国药控股', lines: [receiptLine] };
    await session(
      'receipts',
      receipt,
      Array.from({ length: 10 }, (_, i) => R(i + 1))
    );
    const dispensed = await dispense('RX-1', 3, '盒', [R(1), R(2), NEVER_RECEIVED]);
    expect(dispensed.map((o) => o.result)).to.deep.equal(['accepted', 'accepted', 'warning']);
    const duplicate = await session('receipts', { ...receipt, deliveryNo: 'DN-2' }, [R(3)], false);
    expect(duplicate[0].problem.code).to.equal('CODE_ALREADY_RECEIVED');
    const ret = { visitNo: 'V-RX-1', reason: '患者退药', lines: [{ lineNo: 1, hisDrugCode: DRUG, quantity: 1 }] };
    const refusedReturn = await session('returns', ret, [R(4)], false);
    expect(refusedReturn[0].problem.code).to.equal('RETURN_CODE_NOT_DISPENSED_HERE');
    await dispense('RX-2', 3, '片', [R(5)]);
    const scrap = await post('/stock-changes', { changeType: '105', scans: [R(6)], reason: '破损销毁' }, HEAD);
    expect(scrap.status, JSON.stringify(scrap.body)).to.equal(201);
    await tg.ledger.apply({ traceCodes: [R(7)], action: 'quarantine', actor: '药剂科 王主任', reason: '疑似召回批次' });

    const csv = `HIS药品编码,账面库存(盒),日期\n${DRUG},8,${today}\n`;
    const imported = await fetch(`${url}/api/v1/imports/book-stock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HEAD}`, 'content-type': 'text/csv', 'x-filename': 'book.csv' },
      body: csv,
    });
    expect(imported.status, await imported.clone().text()).to.equal(200);
    expect(await imported.json()).to.deep.equal({ imported: 1, dates: [today] });
  });
  after(async () => {
    await tg?.stop();
  });

  it('explains the variance of the drug by category, down to the codes', async () => {
    const res = await call('GET', `/reports/reconciliation?drug=${DRUG}&codes=10`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const report = res.body;
    expect(report).to.include({ asOf: today, basis: 'current', since: null });
    expect(report.drugs).to.have.length(1);
    const drug = report.drugs[0];
    expect(drug).to.deep.include({
      hisDrugCode: DRUG,
      name: '瑞舒伐他汀钙片',
      unitsPerPack: 10,
      lastCount: null,
      window: { from: null, to: today, basis: 'all' },
      variance: 3,
      unitsVariance: null,
      explained: 4,
      unexplained: -1,
    });
    expect(drug.book).to.include({
      quantity: 8,
      units: null,
      asOf: today,
      source: 'import',
      recordedBy: '药剂科 王主任',
    });
    expect(drug.ledger).to.deep.equal({
      inStock: 5,
      opened: 1,
      openedUnitsLeft: 7,
      quarantined: 1,
      scrapped: 1,
      transferredOut: 0,
      dispensed: 3,
    });
    const byCategory = Object.fromEntries(
      drug.categories.map((c: any) => [c.category, { count: c.count, codes: c.codes, effect: c.effect }])
    );
    expect(byCategory).to.deep.equal({
      dispensed_never_received: { count: 1, codes: [NEVER_RECEIVED], effect: -1 },
      received_twice: { count: 1, codes: [R(3)], effect: 1 },
      returns_not_matching: { count: 1, codes: [R(4)], effect: 1 },
      opened: { count: 1, codes: [R(5)], effect: 1 },
      quarantined: { count: 1, codes: [R(7)], effect: 1 },
      scrapped: { count: 1, codes: [R(6)], effect: 1 },
      transferred_out: { count: 0, codes: [], effect: 1 },
      sold_not_uploaded: { count: 4, codes: [R(1), R(2), R(5), NEVER_RECEIVED].sort(), effect: 0 },
      unexplained: { count: -1, codes: [], effect: 0 },
    });
    expect(drug.categories.find((c: any) => c.category === 'received_twice').label).to.equal('重复入库（已拒收）');
    expect(drug.uploads.sales.delivered).to.equal(0);
    expect(drug.uploads.sales.pending + drug.uploads.sales.failed).to.equal(2);
    expect(report.totals).to.deep.include({ drugs: 1, withBook: 1, withVariance: 1, variance: 3, unexplained: -1 });
  });

  it('lists every code of a category, paged, and refuses what has no list', async () => {
    const first = await call('GET', `/reports/reconciliation/${DRUG}/codes?category=in_stock&limit=2`);
    expect(first.status).to.equal(200);
    expect(first.body).to.deep.include({ category: 'in_stock', label: '在库', limit: 2, offset: 0, nextOffset: 2 });
    expect(first.body.codes.map((c: any) => c.traceCode)).to.deep.equal([R(3), R(4)]);
    const last = await call('GET', `/reports/reconciliation/${DRUG}/codes?category=in_stock&limit=2&offset=4`);
    expect(last.body.codes.map((c: any) => c.traceCode)).to.deep.equal([R(10)]);
    expect(last.body.nextOffset).to.equal(null);
    const opened = await call('GET', `/reports/reconciliation/${DRUG}/codes?category=opened`);
    expect(opened.body.codes[0]).to.include({ traceCode: R(5), unitsLeft: 7, detail: '已拆零，剩余 7片' });
    const refused = await call('GET', `/reports/reconciliation/${DRUG}/codes?category=returns_not_matching`);
    expect(refused.body.codes[0]).to.include({
      traceCode: R(4),
      refusalCode: 'RETURN_CODE_NOT_DISPENSED_HERE',
      refusals: 1,
    });
    expect(refused.body.window).to.deep.equal({ from: null, to: today, basis: 'all' });

    for (const [path, code] of [
      [`/reports/reconciliation/${DRUG}/codes?category=unexplained`, 'CATEGORY_INVALID'],
      [`/reports/reconciliation?asOf=2999-01-01`, 'AS_OF_IN_FUTURE'],
      [`/reports/reconciliation?asOf=2026-02-30`, 'DATE_INVALID'],
      [`/reports/reconciliation?format=pdf`, 'EXPORT_FORMAT_INVALID'],
      [`/reports/daily?days=0`, 'BODY_INVALID'],
    ] as const) {
      const res = await call('GET', path);
      expect(res.status, path).to.equal(400);
      expect(res.body.error.code, path).to.equal(code);
    }
    expect((await call('GET', '/reports/reconciliation', undefined, PHARMACIST)).status).to.equal(403);
  });

  it('answers as of an earlier day from the events (nothing had happened yet)', async () => {
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const res = await call('GET', `/reports/reconciliation?asOf=${yesterday}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ asOf: yesterday, basis: 'end-of-day' });
    expect(res.body.drugs).to.deep.equal([]);
  });

  it('exports the reconciliation as CSV and a category’s codes as XLSX, both readable back', async () => {
    const csv = await download(`/reports/reconciliation?format=csv`);
    expect(csv.status).to.equal(200);
    expect(csv.type).to.contain('text/csv');
    expect(csv.disposition).to.contain(`药帐核对-${today}.csv`);
    const rows = parse(csv.body.toString('utf8').replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({
      HIS药品编码: DRUG,
      '账面库存(盒)': '8',
      '台账在库(盒)': '5',
      '差异(盒)': '3',
      发药未入库: '1',
      '重复入库（已拒收）': '1',
      '退药不符（已拒退）': '1',
      拆零在用: '1',
      隔离中: '1',
      报废: '1',
      无法解释的差异: '-1',
      统计起始日: '全部',
    });

    const xlsx = await download(`/reports/reconciliation/${DRUG}/codes?category=in_stock&format=xlsx`);
    expect(xlsx.status).to.equal(200);
    expect(xlsx.disposition).to.contain(`药帐核对-${DRUG}-在库-${today}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).values).to.deep.equal([undefined, '追溯码', '类别', '时间', '单号', '说明']);
    const codes: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) {
        codes.push(String(row.getCell(1).value));
      }
    });
    expect(codes).to.deep.equal([R(3), R(4), R(8), R(9), R(10)]);
  });

  it('takes book stock as JSON rows, replaces a figure for the same day, and refuses unknown drugs', async () => {
    const saved = await call('POST', '/book-stock', { rows: [{ hisDrugCode: DRUG, quantity: 6, units: 4 }] });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(201);
    expect(saved.body).to.deep.equal({ saved: 1, skipped: 0, dates: [today] });
    const listed = await call('GET', `/book-stock?drug=${DRUG}`);
    expect(listed.body.rows).to.have.length(1);
    expect(listed.body.rows[0]).to.include({ quantity: 6, units: 4, source: 'api' });
    const report = await call('GET', `/reports/reconciliation?drug=${DRUG}&codes=0`);
    expect(report.body.drugs[0]).to.include({ variance: 1, unitsVariance: -3 });

    const unknown = await call('POST', '/book-stock', { rows: [{ hisDrugCode: 'NOPE', quantity: 1 }] });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.code).to.equal('BOOK_STOCK_ROWS_INVALID');
    expect(unknown.body.error.message).to.contain('NOPE');
    // Put the imported figure back for the other tests.
    expect((await call('POST', '/book-stock', { rows: [{ hisDrugCode: DRUG, quantity: 8 }] })).status).to.equal(201);
  });

  it('gives the dashboard its daily trend', async () => {
    const res = await call('GET', '/reports/daily?days=7');
    expect(res.status).to.equal(200);
    expect(res.body.days).to.have.length(7);
    expect(res.body.to).to.equal(today);
    const last = res.body.days.at(-1);
    expect(last).to.deep.include({
      date: today,
      received: 10,
      dispensed: 3,
      splitDispensed: 1,
      returned: 0,
      dispensedNeverReceived: 1,
      refusedScans: 2,
      uploadsDelivered: 0,
    });
    expect(last).to.have.property('anomalies');
    expect(res.body.days[0]).to.deep.include({ received: 0, dispensed: 0 });
    const csv = await download('/reports/daily?days=2&format=csv');
    expect(csv.disposition).to.contain('每日趋势-');
    expect(parse(csv.body.toString('utf8').replace(/^\ufeff/, ''), { columns: true })).to.have.length(2);
  });
});
