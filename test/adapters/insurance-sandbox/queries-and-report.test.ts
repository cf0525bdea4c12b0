import { expect } from 'chai';
import type { Sandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { startSandbox } from '../../../adapters/insurance-sandbox/sandbox-server.js';
import { FIXMEDINS_CODE, admin, call, envelope, sale, saleReturn } from './sandbox-test-kit.js';

const C1 = '81010010000000000001';
const C2 = '81010010000000000002';
const C3 = '81010010000000000003';

describe('insurance sandbox: queries, the duplicate-sale report and the admin API', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox({ seed: 7 });
  });
  after(async () => {
    await sandbox.stop();
  });
  beforeEach(async () => {
    await sandbox.reset();
    await call(sandbox, envelope('3505', { selinfo: sale('Q-1', [C1, C2], { mdtrt_sn: 'MZ-1' }) }));
    await call(sandbox, envelope('3505', { selinfo: sale('Q-2', [C3], { mdtrt_sn: 'MZ-2' }) }));
    await call(sandbox, envelope('3506', { selinfo: saleReturn('Q-1R', 'Q-1', [C2]) }));
  });

  it('3511 finds sales and returns by bchno, by drug and by date', async () => {
    const byBchno = await call(sandbox, envelope('3511', { data: { fixmedins_bchno: 'Q-1' } }));
    expect(byBchno.infcode).to.equal(0);
    expect(byBchno.output.data).to.have.length(1);
    expect(byBchno.output.data[0]).to.include({ fixmedins_bchno: 'Q-1', infno: '3505', mdtrt_sn: 'MZ-1' });
    expect(byBchno.output.data[0].crte_time).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(byBchno.output.data[0].drugtracinfo).to.deep.equal([{ drug_trac_codg: C1 }, { drug_trac_codg: C2 }]);

    const all = await call(sandbox, envelope('3511', { data: { med_list_codg: 'XC10AAA034A001010100445' } }));
    expect(all.output.data.map((r: any) => `${r.infno}:${r.fixmedins_bchno}`)).to.deep.equal([
      '3505:Q-1',
      '3505:Q-2',
      '3506:Q-1R',
    ]);
    const inRange = await call(sandbox, envelope('3511', { data: { begndate: '2026-11-22', enddate: '2026-11-22' } }));
    expect(inRange.output.data).to.have.length(3);
    const outOfRange = await call(sandbox, envelope('3511', { data: { begndate: '2026-11-23', enddate: '' } }));
    expect(outOfRange.output.data).to.have.length(0);
    const none = await call(sandbox, envelope('3511', { data: { fixmedins_bchno: 'NOPE' } }));
    expect(none.output).to.deep.equal({ data: [] });
    expect((await call(sandbox, envelope('3510', { data: {} }))).output.data, 'no purchases').to.have.length(0);
    const otherHospital = await call(sandbox, envelope('3511', { data: {} }, { fixmedins_code: 'H99999999999' }));
    expect(otherHospital.output.data, 'only the asking institution’s rows').to.have.length(0);
  });

  it('3513 answers one row per code, found by code, by bchno and by mdtrt_id', async () => {
    const byCode = await call(sandbox, envelope('3513', { data: { drug_trac_codg: C2, psn_cert_type: '01' } }));
    expect(byCode.output.data).to.have.length(1);
    expect(byCode.output.data[0]).to.include({
      fixmedins_code: FIXMEDINS_CODE,
      med_list_codg: 'XC10AAA034A001010100445',
      medins_list_codg: 'Y0001',
      medins_list_name: '阿托伐他汀钙片',
      fixmedins_bchno: 'Q-1',
      mdtrt_id: 'MZ-1',
      mdtrt_setl_type: '1',
      drug_trac_codg: C2,
      psn_no: 'P4400001',
      psn_name: '李四',
      trdn_flag: '0',
      opter_name: '张敏',
    });
    expect(byCode.output.data[0].crte_time).to.match(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const byBchno = await call(sandbox, envelope('3513', { data: { fixmedins_bchno: 'Q-1' } }));
    expect(byBchno.output.data.map((r: any) => r.drug_trac_codg)).to.deep.equal([C1, C2]);
    const byVisit = await call(sandbox, envelope('3513', { data: { mdtrt_id: 'MZ-2' } }));
    expect(byVisit.output.data.map((r: any) => r.drug_trac_codg)).to.deep.equal([C3]);
    const unknown = await call(sandbox, envelope('3513', { data: { drug_trac_codg: '89999999999999999999' } }));
    expect(unknown.output.data).to.deep.equal([]);
  });

  it('3508/3509/3512 answer the stock rows', async () => {
    const inventory = {
      med_list_codg: 'XC10AAA034A001010100445',
      fixmedins_hilist_id: 'Y0001',
      fixmedins_hilist_name: '阿托伐他汀钙片',
      rx_flag: '1',
      invdate: '2026-11-01',
      inv_cnt: '20',
      fixmedins_bchno: 'I-1',
      manu_date: '2026-03-15',
      expy_end: '2028-02-29',
      drugtracinfo: [{ drug_trac_codg: C3 }],
    };
    expect((await call(sandbox, envelope('3501', { invinfo: inventory }))).output.result.retRslt).to.equal('1');
    const stock = await call(sandbox, envelope('3508', { data: { fixmedins_bchno: 'I-1' } }));
    expect(stock.output.data).to.have.length(1);
    expect(stock.output.data[0]).to.include({ infno: '3501', inv_cnt: '20' });
    expect((await call(sandbox, envelope('3509', { data: {} }))).output.data).to.have.length(0);
    const traced = await call(sandbox, envelope('3512', { data: { drug_trac_codg: C3 } }));
    expect(traced.output.data).to.have.length(1);
    expect(traced.output.data[0]).to.include({ fixmedins_bchno: 'I-1', drug_trac_codg: C3, vali_flag: '1' });
  });

  it('reports codes sold more than once, net of 3506 returns and 3507 deletions', async () => {
    expect(sandbox.duplicateCodes(), 'every code sold once so far').to.deep.equal([]);
    // C1 sold again at another visit, C2 (returned) sold again: only C1 is sold twice.
    await call(sandbox, envelope('3505', { selinfo: sale('Q-3', [C1, C2], { mdtrt_sn: 'MZ-3' }) }));
    const report = sandbox.duplicateCodes();
    expect(report.map((d) => d.drugTracCodg)).to.deep.equal([C1]);
    expect(report[0]).to.deep.include({ netSales: 2, returns: 0 });
    expect(report[0]?.sales.map((s) => [s.fixmedinsBchno, s.fixmedinsCode, s.mdtrtSn, s.selRetnTime])).to.deep.equal([
      ['Q-1', FIXMEDINS_CODE, 'MZ-1', '2026-11-22 17:30:15'],
      ['Q-3', FIXMEDINS_CODE, 'MZ-3', '2026-11-22 17:30:15'],
    ]);
    // Another hospital sells C3: a code sold at two institutions is reported too.
    await call(sandbox, envelope('3505', { selinfo: sale('X-1', [C3]) }, { fixmedins_code: 'H31010500001' }));
    const viaAdmin = await admin(sandbox, 'GET', '/sandbox/report/duplicate-codes');
    expect(viaAdmin.status).to.equal(200);
    expect(viaAdmin.body.codes.map((d: any) => d.drugTracCodg)).to.deep.equal([C1, C3]);
    expect(viaAdmin.body.codes[1].sales.map((s: any) => s.fixmedinsCode)).to.deep.equal([
      FIXMEDINS_CODE,
      'H31010500001',
    ]);
    // Deleting the second sale of C1 (3507) settles it.
    await call(sandbox, envelope('3507', { data: { fixmedins_bchno: 'Q-3', inv_data_type: '4' } }));
    expect(sandbox.duplicateCodes().map((d) => d.drugTracCodg)).to.deep.equal([C3]);
  });

  it('admin API: stats, rows, faults and reset', async () => {
    const stats = await admin(sandbox, 'GET', '/sandbox/stats');
    expect(stats.status).to.equal(200);
    expect(stats.body.requests).to.deep.equal({ total: 3, byInfno: { '3505': 2, '3506': 1 } });
    expect(stats.body.rows).to.deep.equal({ received: 3, recorded: 3, refused: 0, deleted: 0, live: 3 });
    expect(stats.body.bchno.map((b: any) => b.bchno)).to.deep.equal(['Q-1', 'Q-2', 'Q-1R']);
    expect(stats.body.bchnoReceivedMoreThanOnce).to.deep.equal([]);

    const rows = await admin(sandbox, 'GET', `/sandbox/rows?code=${C2}`);
    expect(rows.body.rows.map((r: any) => `${r.infno}:${r.bchno}`)).to.deep.equal(['3505:Q-1', '3506:Q-1R']);
    expect(rows.body.rows[0].traceCodes).to.deep.equal([C1, C2]);
    expect((await admin(sandbox, 'GET', '/sandbox/rows?infno=3505A')).body.rows).to.have.length(2);
    expect((await admin(sandbox, 'GET', '/sandbox/rows?bchno=Q-2')).body.rows).to.have.length(1);

    const faults = await admin(sandbox, 'PUT', '/sandbox/faults', { latencyMs: 5, errorRate: 0.25 });
    expect(faults.status).to.equal(200);
    expect(faults.body).to.include({ latencyMs: 5, errorRate: 0.25, down: false, holdMs: 30000 });
    expect((await admin(sandbox, 'GET', '/sandbox/faults')).body).to.deep.equal(faults.body);
    expect(sandbox.faults()).to.deep.equal(faults.body);
    const bad = await admin(sandbox, 'PUT', '/sandbox/faults', { errorRate: 2, nosuch: 1 });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('FAULTS_INVALID');
    expect(bad.body.error.message).to.contain('errorRate');
    const notJson = await fetch(`${sandbox.adminUrl}/sandbox/faults`, { method: 'PUT', body: '{' });
    expect(notJson.status).to.equal(400);
    expect((await admin(sandbox, 'GET', '/sandbox/nothing')).status).to.equal(404);

    const reset = await admin(sandbox, 'POST', '/sandbox/reset');
    expect(reset).to.deep.equal({ status: 200, body: { reset: true } });
    expect(sandbox.rows()).to.deep.equal([]);
    expect(sandbox.faults()).to.include({ latencyMs: 0, errorRate: 0 });
    expect(sandbox.stats().requests.total).to.equal(0);
  });
});
