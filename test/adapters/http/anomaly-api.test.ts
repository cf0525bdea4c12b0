/**
 * Anomalies end to end through the HTTP API (startTempTracegate, demo catalog): the seed's 代办人 case, a refused
 * second sale, a returned box sold again elsewhere, a box never received, the platform's duplicate notices linked to
 * the hospital's own sale, the national app's answers, and the exports read back.
 */
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { demoCode } from '../../../plugin/demo/demo-catalog.js';
import { loadDemoData } from '../../../plugin/demo/load-demo-data.js';
import type { Tracegate } from '../../../plugin/tracegate.js';
import { startTempTracegate } from '../../support/temp-tracegate.js';

const PHARMACIST = 'demo-pharmacist-token';
const HEAD = 'demo-pharmacy-head-token';
const atorvastatin = (n: number): string => demoCode('8101001', n);
const PATIENTS = ['赵一', '钱二', '孙三', '李四', '周五', '吴六', '郑七', '王八', '冯九', '陈十', '褚十一', '卫十二'];

describe('anomalies over HTTP (the seed case end to end)', function () {
  this.timeout(60_000);
  let tg: Tracegate;
  let url: string;

  async function call(method: string, path: string, body?: unknown, token = HEAD) {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') ?? '';
    const raw = Buffer.from(await res.arrayBuffer());
    return {
      status: res.status,
      type,
      raw,
      disposition: res.headers.get('content-disposition'),
      body: type.includes('json') && raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as any) : null,
    };
  }

  async function dispense(
    rx: string,
    patient: string,
    quantity: number,
    codes: string[],
    extra: Record<string, unknown> = {},
    hisDrugCode = 'Y0001'
  ): Promise<string> {
    const open = await call(
      'POST',
      '/dispenses',
      {
        prescriptionNo: rx,
        visitNo: `V-${rx}`,
        patientId: `P-${patient}`,
        patientName: patient,
        settlementType: 'self_pay',
        doctorName: '全科 李岚',
        location: '门诊西药房 1号窗口',
        lines: [{ lineNo: 1, hisDrugCode, quantity, unit: '盒' }],
        ...extra,
      },
      PHARMACIST
    );
    expect(open.status, JSON.stringify(open.body)).to.equal(201);
    for (const code of codes) {
      const scan = await call('POST', `/dispenses/${open.body.id}/scans`, { scan: code }, PHARMACIST);
      expect(scan.body.result, JSON.stringify(scan.body)).to.not.equal('rejected');
    }
    const done = await call('POST', `/dispenses/${open.body.id}/complete`, {}, PHARMACIST);
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    return open.body.id as string;
  }

  before(async () => {
    // The daily run stays off here: these tests count the runs they make (the runner has its own test).
    ({ tg, url } = await startTempTracegate({ reports: { anomalies: { enabled: false } } }));
    await loadDemoData(tg);
    // The seed case: one agent, twelve self-pay prescriptions of 阿托伐他汀钙片 (集采) under twelve names in a week,
    // the last one 13 boxes.
    for (const [i, patient] of PATIENTS.entries()) {
      const codes = i === 11 ? Array.from({ length: 13 }, (_, k) => atorvastatin(30 + k)) : [atorvastatin(10 + i)];
      await dispense(`RX-SEED-${i + 1}`, patient, codes.length, codes, {
        agent: { name: '王五', phone: i % 2 ? '139 0000 1111' : '+86 13900001111' },
      });
    }
    // A second sale of a box already sold: refused at the window (CODE_ALREADY_DISPENSED in the audit).
    const again = await call(
      'POST',
      '/dispenses',
      {
        prescriptionNo: 'RX-AGAIN',
        visitNo: 'V-AGAIN',
        patientId: 'P-AGAIN',
        patientName: '蒋十三',
        settlementType: 'self_pay',
        lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1, unit: '盒' }],
      },
      PHARMACIST
    );
    const refused = await call('POST', `/dispenses/${again.body.id}/scans`, { scan: atorvastatin(10) }, PHARMACIST);
    expect(refused.body.problem.code).to.equal('CODE_ALREADY_DISPENSED');
    // The demo returned atorvastatin(2) at 门诊西药房 3号窗口; it is sold again at the emergency pharmacy.
    await dispense('RX-RESOLD', '沈十四', 1, [atorvastatin(2)], { location: '急诊药房' });
    // A box never received here (硝苯地平 8110001: the demo received 1–10).
    await dispense('RX-NR', '韩十五', 1, [demoCode('8110001', 99)], {}, 'Y0010');
  });
  after(async () => {
    await tg.stop();
  });

  it('runs on demand and finds the agent collecting for twelve names as high risk, with the evidence', async () => {
    const run = await call('POST', '/anomalies/runs');
    expect(run.status, JSON.stringify(run.body)).to.equal(201);
    expect(run.body.run).to.include({ trigger: 'manual', state: 'done', actor: '药剂科 王主任' });
    expect(run.body.run.counts.byType.AGENT_MANY_PATIENTS).to.equal(1);

    const list = await call('GET', '/anomalies?type=AGENT_MANY_PATIENTS');
    expect(list.status).to.equal(200);
    const [agent] = list.body.anomalies;
    expect(agent).to.include({
      type: 'AGENT_MANY_PATIENTS',
      typeName: '代办人为多名患者取集采药品',
      risk: 'high',
      riskName: '高风险',
      hisDrugCode: 'Y0001',
      drugName: '阿托伐他汀钙片',
      status: 'open',
    });
    expect(agent.summary).to.contain('12 名不同姓名的患者').and.to.contain('139****1111');
    expect(agent.evidence.contact).to.equal('tel:13900001111');
    expect(agent.evidence.patients).to.have.members(PATIENTS);
    expect(agent.evidence.prescriptions.map((p: any) => p.prescriptionNo)).to.have.members(
      PATIENTS.map((_, i) => `RX-SEED-${i + 1}`)
    );
    expect(agent.evidence.selfPay).to.equal(12);
    expect(agent.evidence.vbpBoxes[0]).to.deep.equal({ hisDrugCode: 'Y0001', name: '阿托伐他汀钙片', boxes: 24 });
    expect(agent.traceCodes).to.include(atorvastatin(10));
    for (const field of ['id', 'traceCodes', 'evidence', 'firstSeenAt', 'lastSeenAt', 'occurredAt']) {
      expect(agent).to.have.property(field);
    }
    expect(list.body.counts).to.deep.equal({ byType: { AGENT_MANY_PATIENTS: 1 }, byRisk: { high: 1 }, total: 1 });
  });

  it('finds the refused second sale, the returned box sold again elsewhere, the box never received, the 13 boxes', async () => {
    const all = (await call('GET', '/anomalies')).body;
    const of = (type: string) => all.anomalies.filter((a: any) => a.type === type);
    const [twice] = of('SAME_CODE_SOLD_TWICE');
    expect(twice).to.include({ risk: 'medium' });
    expect(twice.traceCodes).to.deep.equal([atorvastatin(10)]);
    expect(twice.evidence.originalSale).to.include({ prescriptionNo: 'RX-SEED-1', patientName: '赵一' });
    expect(twice.evidence.attempts[0]).to.include({
      prescriptionNo: 'RX-AGAIN',
      patientName: '蒋十三',
      pharmacist: '药师 张敏',
    });
    const [resold] = of('RETURNED_CODE_SOLD_AGAIN');
    expect(resold).to.include({ risk: 'high' });
    expect(resold.evidence.rounds[0].resale).to.include({ prescriptionNo: 'RX-RESOLD', location: '急诊药房' });
    const [never] = of('DISPENSED_NEVER_RECEIVED');
    expect(never.traceCodes).to.deep.equal([demoCode('8110001', 99)]);
    expect(never.evidence.sale).to.include({ prescriptionNo: 'RX-NR', patientName: '韩十五' });
    const [big] = of('OVER_QUANTITY');
    expect(big).to.include({ risk: 'medium' });
    expect(big.evidence.lines[0]).to.include({ boxes: 13, limit: 12 });
    expect(all.counts.total).to.equal(all.anomalies.length);
    expect(all.notices).to.deep.equal({ total: 0, byKind: {} });
  });

  it('runs again without duplicating, marks a finding, filters and shows the trend', async () => {
    const before = (await call('GET', '/anomalies')).body.counts.total;
    const second = await call('POST', '/anomalies/runs');
    expect(second.body.run.counts.inserted).to.equal(0);
    expect(second.body.run.counts.updated).to.equal(before);
    const [agent] = (await call('GET', '/anomalies?type=AGENT_MANY_PATIENTS')).body.anomalies;
    const marked = await call('PATCH', `/anomalies/${agent.id}`, { status: 'acknowledged', note: '已报医务处' });
    expect(marked.status, JSON.stringify(marked.body)).to.equal(200);
    expect(marked.body).to.include({
      status: 'acknowledged',
      statusName: '已确认',
      note: '已报医务处',
      statusBy: '药剂科 王主任',
    });
    expect((await call('GET', '/anomalies?status=acknowledged')).body.anomalies).to.have.length(1);
    expect(
      (await call('GET', `/anomalies?code=${atorvastatin(10)}`)).body.anomalies.map((a: any) => a.type)
    ).to.have.members(['AGENT_MANY_PATIENTS', 'SAME_CODE_SOLD_TWICE']);
    expect((await call('PATCH', '/anomalies/NO-SUCH', { status: 'dismissed' })).status).to.equal(404);
    expect((await call('PATCH', `/anomalies/${agent.id}`, { status: 'closed' })).status).to.equal(400);
    const trend = await call('GET', '/anomalies/trend?days=7');
    expect(trend.body).to.have.length(7);
    expect(trend.body[6].total).to.equal(before);
    expect(trend.body[6].byType.AGENT_MANY_PATIENTS).to.equal(1);
    expect((await call('GET', '/anomalies/runs')).body.runs).to.have.length(2);
  });

  it('refuses pharmacists and bad queries', async () => {
    expect((await call('GET', '/anomalies', undefined, PHARMACIST)).status).to.equal(403);
    expect((await call('POST', '/anomalies/runs', undefined, PHARMACIST)).status).to.equal(403);
    expect((await call('GET', '/anomalies?risk=extreme')).status).to.equal(400);
    expect((await call('GET', '/anomalies?from=yesterday')).status).to.equal(400);
    expect((await call('GET', '/anomalies/trend?days=0')).status).to.equal(400);
  });

  it('exports the list as CSV and XLSX that read back', async () => {
    const csv = await call('GET', '/anomalies?format=csv');
    expect(csv.status).to.equal(200);
    expect(csv.type).to.contain('text/csv');
    expect(csv.disposition).to.match(/filename\*=UTF-8''%E5%BC%82%E5%B8%B8%E6%B8%85%E5%8D%95/);
    const rows = parseCsv(csv.raw.toString('utf8').replace(/^\ufeff/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    const json = (await call('GET', '/anomalies')).body.anomalies;
    expect(rows).to.have.length(json.length);
    const agentRow = rows.find((r) => r['类型代码'] === 'AGENT_MANY_PATIENTS')!;
    expect(agentRow['风险等级']).to.equal('高风险');
    expect(agentRow['药品名称']).to.equal('阿托伐他汀钙片');
    expect(JSON.parse(agentRow['证据']!).contact).to.equal('tel:13900001111');

    const xlsx = await call('GET', '/anomalies?format=xlsx&type=SAME_CODE_SOLD_TWICE');
    expect(xlsx.type).to.contain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(2).value).to.equal('异常类型');
    expect(sheet.getRow(2).getCell(3).value).to.equal('SAME_CODE_SOLD_TWICE');
    expect(sheet.getRow(2).getCell(8).value).to.equal(atorvastatin(10));
  });

  it('imports duplicate notices (file and JSON) and links each to the hospital’s own sale of the code', async () => {
    const file =
      '药品追溯码,定点医药机构编号,定点医药机构名称,商品销售流水号,统筹区,重复类型,人员姓名\n' +
      `${atorvastatin(10)},P31011500012,某某大药房,S-1,310115,回流,赵一\n` +
      `${atorvastatin(20)},P31010100007,甲药房,S-2,310101,,\n` +
      `${atorvastatin(20)},P32010100001,乙药房,S-3,320101,,\n`;
    const res = await fetch(`${url}/api/v1/imports/duplicate-notices`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${HEAD}`,
        'content-type': 'text/csv',
        'x-filename': encodeURIComponent('重复通知.csv'),
      },
      body: file,
    });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({
      imported: 3,
      unchanged: 0,
      byKind: { resold: 1, counterfeit: 2, substitution: 0, other: 0 },
    });
    const again = await call('POST', '/duplicate-notices', {
      notices: [
        {
          drug_trac_codg: atorvastatin(10),
          fixmedins_code: 'P31011500012',
          medins_prod_sel_no: 'S-1',
          admdvs: '310115',
        },
        { 药品追溯码: atorvastatin(11), 定点医药机构编号: 'H31011500001', 批次流水号: 'B-9' },
      ],
    });
    expect(again.body, JSON.stringify(again.body)).to.deep.include({ imported: 1, unchanged: 1 });
    expect(again.body.byKind.substitution).to.equal(1);
    const bad = await call('POST', '/duplicate-notices', { notices: [{ 定点医药机构编号: 'P1' }] });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('NOTICE_ROWS_INVALID');

    const list = await call('GET', `/duplicate-notices?code=${atorvastatin(10)}`);
    expect(list.body.total).to.equal(1);
    const [n] = list.body.notices;
    expect(n).to.include({
      kind: 'resold',
      kindName: '回流',
      fixmedinsName: '某某大药房',
      source: '重复通知.csv',
      ownRecord: false,
    });
    expect(n.hospital.pack).to.include({
      state: 'dispensed',
      stateName: '已发药',
      hisDrugCode: 'Y0001',
      drugName: '阿托伐他汀钙片',
    });
    expect(n.hospital.sales).to.deep.equal([
      {
        at: n.hospital.sales[0].at,
        prescriptionNo: 'RX-SEED-1',
        patientName: '赵一',
        sessionId: n.hospital.sales[0].sessionId,
        pharmacist: '药师 张敏',
        location: '门诊西药房 1号窗口',
        returnedAt: null,
      },
    ]);
    const all = await call('GET', '/duplicate-notices');
    expect(all.body).to.deep.include({ total: 4, byKind: { resold: 1, counterfeit: 2, substitution: 1 } });
    expect((await call('GET', '/anomalies')).body.notices).to.deep.equal({ total: 4, byKind: all.body.byKind });

    const csv = await call('GET', '/duplicate-notices?format=csv&kind=counterfeit');
    const rows = parseCsv(csv.raw.toString('utf8').replace(/^\ufeff/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((r) => r['统筹区']).sort()).to.deep.equal(['310101', '320101']);
    expect(rows[0]!['重复类型']).to.equal('假药');
    expect(rows[0]!['本院发药处方']).to.equal('RX-SEED-11');
    const xlsx = await call('GET', '/duplicate-notices?format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.actualRowCount).to.equal(5);
  });

  it('answers what the national app says for a code: none, one, several', async () => {
    const look = async (code: string) => (await call('GET', `/codes/${code}`, undefined, PHARMACIST)).body;
    const none = await look(atorvastatin(3));
    expect(none.nationalApp).to.include({ answer: 'none', text: '未查询到销售信息', localSales: 0 });
    expect(none.nationalApp.meaning).to.contain('没有');
    const one = await look(atorvastatin(12));
    expect(one.nationalApp).to.include({ answer: 'one', text: '查询到仅有1次销售信息', localSales: 1 });
    expect(one.nationalApp.meaning).to.contain('RX-SEED-3');
    // Sold, returned, sold again: one sale stands.
    expect((await look(atorvastatin(2))).nationalApp).to.include({ answer: 'one', localSales: 1 });
    const several = await look(atorvastatin(10));
    expect(several.nationalApp).to.include({
      answer: 'several',
      text: '查询到有2次及以上的销售信息',
      noticeRecords: 1,
    });
    expect(several.nationalApp.meaning).to.contain('回流药');
    expect(several.duplicateNotices[0]).to.include({ kindName: '回流', fixmedinsCode: 'P31011500012' });
    expect(several.duplicateNotices[0]).to.not.have.property('noticeKey');
  });

  it('describes the new routes in the OpenAPI document', async () => {
    const { body } = await call('GET', '/openapi.json');
    expect(Object.keys(body.paths)).to.include.members([
      '/api/v1/anomalies',
      '/api/v1/anomalies/runs',
      '/api/v1/anomalies/trend',
      '/api/v1/anomalies/{id}',
      '/api/v1/imports/duplicate-notices',
      '/api/v1/duplicate-notices',
    ]);
    expect(body.components.schemas.CodeState.properties.nationalApp.properties.answer.enum).to.deep.equal([
      'none',
      'one',
      'several',
    ]);
  });
});
