import { expect } from 'chai';
import { loadDemoData } from '../../../plugin/demo/load-demo-data.js';
import type { Tracegate } from '../../../plugin/tracegate.js';
import { startTempTracegate } from '../../support/temp-tracegate.js';

const PHARMACIST = 'demo-pharmacist-token';
const HEAD = 'demo-pharmacy-head-token';
const code = (prefix: string, n: number): string => `${prefix}${String(n).padStart(13, '0')}`;

describe('pharmacy window over HTTP (seed scenarios and every refusal)', () => {
  let tg: Tracegate;
  let url: string;
  let rx = 0;
  before(async () => {
    ({ tg, url } = await startTempTracegate());
    await loadDemoData(tg);
  });
  after(async () => {
    await tg.stop();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    token = PHARMACIST
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const post = (path: string, body?: unknown, token?: string) => call('POST', path, body ?? {}, token);

  /** Open a dispense for the given lines; returns its id. */
  async function dispense(
    lines: { hisDrugCode: string; quantity: number; unit: string }[],
    visitNo = `V${++rx}`
  ): Promise<string> {
    const res = await post('/dispenses', {
      prescriptionNo: `RX-T${++rx}`,
      visitNo,
      patientId: 'P001',
      patientName: '张三',
      settlementType: 'self_pay',
      location: '门诊西药房 1号窗口',
      lines: lines.map((l, i) => ({ lineNo: i + 1, ...l })),
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id as string;
  }
  const scan = async (kind: string, id: string, s: string) => (await post(`/${kind}/${id}/scans`, { scan: s })).body;

  it('puts mixed scans of three drugs, in any order, on the right lines and completes', async () => {
    const id = await dispense([
      { hisDrugCode: 'Y0001', quantity: 2, unit: '盒' },
      { hisDrugCode: 'Y0006', quantity: 1, unit: '盒' },
      { hisDrugCode: 'Y0007', quantity: 28, unit: '片' },
    ]);
    const scans: [string, number][] = [
      [code('8107001', 1), 3],
      [code('8101001', 10), 1],
      [`  ${code('8106001', 1)}\r\n`, 2],
      [code('8101001', 11), 1],
    ];
    for (const [s, line] of scans) {
      const out = await scan('dispenses', id, s);
      expect(out.result, JSON.stringify(out)).to.equal('accepted');
      expect(out.lineNo).to.equal(line);
    }
    const done = await post(`/dispenses/${id}/complete`);
    expect(done.status).to.equal(200);
    expect(done.body.state).to.equal('completed');
    expect((await call('GET', `/codes/${code('8101001', 10)}`)).body.state).to.equal('dispensed');
    const again = await post(`/dispenses/${id}/complete`);
    expect(again.status, 'completing twice gives the same result').to.equal(200);
    expect(again.body.completedAt).to.equal(done.body.completedAt);
  });

  it('refuses a return with a different box of the same drug; accepts the right box once, then refuses it', async () => {
    const visit = `V-RET-${rx}`;
    const id = await dispense([{ hisDrugCode: 'Y0008', quantity: 1, unit: '盒' }], visit);
    expect((await scan('dispenses', id, code('8108001', 1))).result).to.equal('accepted');
    expect((await post(`/dispenses/${id}/complete`)).status).to.equal(200);

    const openReturn = () =>
      post('/returns', {
        visitNo: visit,
        reason: '患者退药',
        lines: [{ lineNo: 1, hisDrugCode: 'Y0008', quantity: 1 }],
      });
    const ret = await openReturn();
    expect(ret.status, JSON.stringify(ret.body)).to.equal(201);
    const wrong = await scan('returns', ret.body.id, code('8108001', 2));
    expect(wrong.result).to.equal('rejected');
    expect(wrong.problem.code).to.equal('RETURN_CODE_NOT_DISPENSED_HERE');
    expect(wrong.problem.message).to.contain(code('8108001', 2));
    expect((await scan('returns', ret.body.id, code('8108001', 1))).result).to.equal('accepted');
    expect((await post(`/returns/${ret.body.id}/complete`)).body.state).to.equal('completed');
    expect((await call('GET', `/codes/${code('8108001', 1)}`)).body.state).to.equal('in_stock');

    const second = await openReturn();
    const refusedAgain = await scan('returns', second.body.id, code('8108001', 1));
    expect(refusedAgain.result).to.equal('rejected');
    expect(refusedAgain.problem.code).to.equal('RETURN_ALREADY_RETURNED');
  });

  it('lets a split pack serve two dispensings and refuses a third', async () => {
    const box = code('8103001', 5); // 厄贝沙坦氢氯噻嗪片, 7 片 per box
    for (const expected of ['accepted', 'accepted']) {
      const id = await dispense([{ hisDrugCode: 'Y0003', quantity: 3, unit: '片' }]);
      expect((await scan('dispenses', id, box)).result).to.equal(expected);
      expect((await post(`/dispenses/${id}/complete`)).status).to.equal(200);
    }
    const look = await call('GET', `/codes/${box}`);
    expect(look.body).to.include({ state: 'opened', unitsRemaining: 1 });
    const third = await dispense([{ hisDrugCode: 'Y0003', quantity: 3, unit: '片' }]);
    const out = await scan('dispenses', third, box);
    expect(out.result).to.equal('rejected');
    expect(out.problem.code).to.equal('SPLIT_PACK_UNITS_EXCEEDED');
  });

  it('completes a 中药饮片 line without codes', async () => {
    const id = await dispense([{ hisDrugCode: 'Y0004', quantity: 30, unit: 'g' }]);
    const done = await post(`/dispenses/${id}/complete`);
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body.state).to.equal('completed');
  });

  it('registers all units of a case scanned at receipt', async () => {
    const rels = ['父码,子码,父码级别,子码级别'];
    for (let m = 1; m <= 10; m++) {
      rels.push(`${code('8101003', 3)},${code('8101002', 20 + m)},3,2`);
      for (let u = 1; u <= 10; u++) {
        rels.push(`${code('8101002', 20 + m)},${code('8101001', 200 + (m - 1) * 10 + u)},2,1`);
      }
    }
    const imported = await fetch(`${url}/api/v1/imports/relations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HEAD}`, 'x-filename': 'rel.csv' },
      body: rels.join('\n'),
    });
    expect(imported.status).to.equal(200);
    const rec = await post('/receipts', {
      deliveryNo: 'DN-CASE-3',
      supplier: '国药控股',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', lot: '20260401', expiry: '2028-03-31', quantity: 100 }],
    });
    expect(rec.status, JSON.stringify(rec.body)).to.equal(201);
    const out = await scan('receipts', rec.body.id, code('8101003', 3));
    expect(out.result, JSON.stringify(out)).to.equal('accepted');
    expect(out.progress[0].scannedPacks).to.equal(100);
    expect((await post(`/receipts/${rec.body.id}/complete`)).body.state).to.equal('completed');
    const unit = await call('GET', `/codes/${code('8101001', 250)}`);
    expect(unit.body).to.include({ state: 'in_stock', lot: '20260401', expiry: '2028-03-31' });
  });

  it('refuses each bad scan at once with its own code, and keeps going', async () => {
    const id = await dispense([{ hisDrugCode: 'Y0010', quantity: 1, unit: '盒' }]);
    const expectations: [string, string, string][] = [
      ['hello', 'rejected', 'SCAN_UNRECOGNISED'],
      ['6901234567809', 'rejected', 'SCAN_IS_PRODUCT_BARCODE'],
      ['89999990000000000001', 'rejected', 'PREFIX_UNMAPPED'],
      [code('8108001', 5), 'rejected', 'DRUG_NOT_ON_PRESCRIPTION'],
      [code('8110001', 99), 'warning', 'CODE_NOT_RECEIVED'],
    ];
    for (const [s, result, problem] of expectations) {
      const out = await scan('dispenses', id, s);
      expect(out.result, s).to.equal(result);
      expect(out.problem.code, s).to.equal(problem);
      expect(out.problem.message).to.be.a('string').and.not.equal('');
    }
    const over = await scan('dispenses', id, code('8110001', 1));
    expect(over.problem.code).to.equal('TOO_MANY_PACKS');
  });

  it('dispenses a warned never-received pack and records the implicit receipt in its history', async () => {
    const id = await dispense([{ hisDrugCode: 'Y0009', quantity: 1, unit: '盒' }]);
    const out = await scan('dispenses', id, code('8109001', 77));
    expect(out.result).to.equal('warning');
    expect(out.problem.code).to.equal('CODE_NOT_RECEIVED');
    expect((await post(`/dispenses/${id}/complete`)).status).to.equal(200);
    const look = (await call('GET', `/codes/${code('8109001', 77)}`)).body;
    expect(look.state).to.equal('dispensed');
    expect(look.history.map((h: { action: string }) => h.action)).to.deep.equal(['receive', 'dispense']);
    expect(look.history[0].details.implicit).to.equal(true);
    const view = (await call('GET', `/dispenses/${id}`)).body;
    expect(view.audit.map((a: { action: string }) => a.action)).to.include('scan_warning');
  });

  it('refuses packs already dispensed, quarantined or expired', async () => {
    const id = await dispense([
      { hisDrugCode: 'Y0001', quantity: 1, unit: '盒' },
      { hisDrugCode: 'Y0003', quantity: 1, unit: '盒' },
    ]);
    const sold = await scan('dispenses', id, code('8101001', 1));
    expect(sold.problem.code).to.equal('CODE_ALREADY_DISPENSED');
    expect(sold.problem.message).to.contain('门诊西药房');
    expect((await scan('dispenses', id, code('8103001', 20))).problem.code).to.equal('CODE_QUARANTINED');

    const rec = await post('/receipts', {
      deliveryNo: 'DN-OLD',
      supplier: '国药控股',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0012', lot: 'OLD1', expiry: '2024-12-31', quantity: 1 }],
    });
    await scan('receipts', rec.body.id, code('8112001', 50));
    await post(`/receipts/${rec.body.id}/complete`);
    const id2 = await dispense([{ hisDrugCode: 'Y0012', quantity: 1, unit: '盒' }]);
    const expired = await scan('dispenses', id2, code('8112001', 50));
    expect(expired.problem.code).to.equal('CODE_EXPIRED');
    expect(expired.problem.message).to.contain('2024-12-31');
  });

  it('treats a second scan of the same box as harmless, takes a scan back, and counts packs at completion', async () => {
    const id = await dispense([{ hisDrugCode: 'Y0001', quantity: 2, unit: '盒' }]);
    expect((await scan('dispenses', id, code('8101001', 20))).result).to.equal('accepted');
    const twice = await scan('dispenses', id, code('8101001', 20));
    expect(twice.result).to.equal('accepted');
    expect(twice.duplicate).to.equal(true);
    const short = await post(`/dispenses/${id}/complete`);
    expect(short.status).to.equal(422);
    expect(short.body.error.code).to.equal('PACKS_MISSING');
    expect(short.body.error.message).to.contain('应扫2盒，实扫1盒');

    const back = await call('DELETE', `/dispenses/${id}/scans/${code('8101001', 20)}`);
    expect(back.status).to.equal(200);
    expect(back.body.progress[0].scannedPacks).to.equal(0);
    expect((await call('DELETE', `/dispenses/${id}/scans/${code('8101001', 20)}`)).status).to.equal(404);

    expect(
      (await post(`/dispenses/${id}/complete`, { override: { reason: '缺货' } })).status,
      'pharmacist may not override'
    ).to.equal(403);
    const forced = await post(`/dispenses/${id}/complete`, { override: { reason: '患者急用，先发后补' } }, HEAD);
    expect(forced.status).to.equal(200);
    expect(forced.body.override.reason).to.equal('患者急用，先发后补');
    expect((await scan('dispenses', id, code('8101001', 21))).error?.code ?? 'none').to.equal('SESSION_CLOSED');
  });

  it('leaves an audit trail of refusals and overrides, and the business rows the insurance relay needs', async () => {
    const visit = `V-TRAIL-${rx}`;
    const id = await dispense(
      [
        { hisDrugCode: 'Y0006', quantity: 2, unit: '盒' },
        { hisDrugCode: 'Y0004', quantity: 10, unit: 'g' },
      ],
      visit
    );
    await scan('dispenses', id, '6901234567809');
    await scan('dispenses', id, code('8106001', 5));
    await post(`/dispenses/${id}/complete`, { override: { reason: '另一盒破损，先发一盒' } }, HEAD);
    const view = (await call('GET', `/dispenses/${id}`)).body;
    const actions = view.audit.map((a: { action: string; code: string | null }) => `${a.action}:${a.code}`);
    expect(actions).to.include.members(['scan_refused:SCAN_IS_PRODUCT_BARCODE', 'override:PACKS_MISSING']);
    const refusal = view.audit.find((a: { action: string }) => a.action === 'scan_refused');
    expect(refusal).to.include({ raw: '6901234567809', actor: '药师 张敏' });
    const sale = view.businessRows.find(
      (r: { infno: string; payload: any }) => r.payload.fixmedins_hilist_id === 'Y0006'
    );
    expect(sale.infno).to.equal('3505');
    expect(sale.businessKey.length).to.be.at.most(30);
    expect(sale.payload.drugtracinfo).to.deep.equal([{ drug_trac_codg: code('8106001', 5) }]);
    expect(sale.payload.mdtrt_sn).to.equal(visit);
    const herb = view.businessRows.find((r: { payload: any }) => r.payload.fixmedins_hilist_id === 'Y0004');
    expect(herb.payload.drugtracinfo ?? []).to.deep.equal([]);

    const ret = await post('/returns', {
      dispenseId: id,
      reason: '不需要了',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0006', quantity: 1 }],
    });
    await scan('returns', ret.body.id, code('8106001', 5));
    await post(`/returns/${ret.body.id}/complete`);
    const back = (await call('GET', `/returns/${ret.body.id}`)).body;
    expect(back.businessRows).to.have.length(1);
    expect(back.businessRows[0].infno).to.equal('3506');
    expect(back.businessRows[0].payload.medins_prod_sel_no).to.equal(sale.businessKey);
  });

  it('answers malformed bodies and unknown sessions with 4xx and the error shape', async () => {
    const cases: [Promise<{ status: number; body: any }>, number, string][] = [
      [post('/dispenses', { prescriptionNo: 'x' }), 400, 'BODY_INVALID'],
      [post('/dispenses', '{"prescriptionNo":'), 400, 'BODY_INVALID_JSON'],
      [
        post('/dispenses', {
          prescriptionNo: 'R',
          visitNo: 'V',
          patientId: 'P',
          patientName: '李四',
          settlementType: 'cash',
          lines: [],
        }),
        400,
        'BODY_INVALID',
      ],
      [
        post('/dispenses', {
          prescriptionNo: 'R',
          visitNo: 'V',
          patientId: 'P',
          patientName: '李四',
          settlementType: 'insured',
          lines: [{ lineNo: 1, hisDrugCode: 'NOPE', quantity: 1, unit: '盒' }],
        }),
        422,
        'ORDER_DRUG_UNKNOWN',
      ],
      [post('/dispenses/D-none/scans', { scan: code('8101001', 30) }), 404, 'SESSION_NOT_FOUND'],
      [post('/dispenses/D-none/scans', { nope: 1 }), 400, 'BODY_INVALID'],
      [
        post('/returns', { lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }] }),
        422,
        'RETURN_ORIGINAL_REQUIRED',
      ],
      [
        post('/returns', { visitNo: 'never', lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }] }),
        422,
        'RETURN_ORIGINAL_NOT_FOUND',
      ],
      [
        post('/receipts', {
          deliveryNo: 'D',
          supplier: 'S',
          lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 0 }],
        }),
        400,
        'BODY_INVALID',
      ],
    ];
    for (const [p, status, errorCode] of cases) {
      const res = await p;
      expect(res.status, `${errorCode}: ${JSON.stringify(res.body)}`).to.equal(status);
      expect(res.body.error.code).to.equal(errorCode);
    }
    const id = await dispense([{ hisDrugCode: 'Y0001', quantity: 1, unit: '盒' }]);
    const bad = await post(`/dispenses/${id}/scans`, { scan: 123 });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('BODY_INVALID');
  });
});
