import { expect } from 'chai';
import { loadDemoData } from '../../../plugin/demo/load-demo-data.js';
import type { Tracegate } from '../../../plugin/tracegate.js';
import { captured, startTempTracegate } from '../../support/temp-tracegate.js';

const PHARMACIST = 'demo-pharmacist-token';
const HEAD = 'demo-pharmacy-head-token';

describe('HTTP API (real server on SQLite)', () => {
  let tg: Tracegate;
  let url: string;
  before(async () => {
    ({ tg, url } = await startTempTracegate());
    await loadDemoData(tg);
  });
  after(async () => {
    await tg.stop();
  });

  async function call(
    path: string,
    init: RequestInit & { token?: string } = {}
  ): Promise<{ status: number; body: any }> {
    const headers = new Headers(init.headers);
    if (init.token) {
      headers.set('authorization', `Bearer ${init.token}`);
    }
    const res = await fetch(`${url}${path}`, { ...init, headers });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  const putDrug = (code: string, body: unknown, token = HEAD) =>
    call(`/api/v1/drugs/${code}`, {
      method: 'PUT',
      token,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const upload = (path: string, content: string | Buffer, fileName: string, token = HEAD) =>
    call(path, {
      method: 'POST',
      token,
      headers: { 'x-filename': fileName, 'content-type': 'application/octet-stream' },
      body: content,
    });

  it('answers health and readiness without a token', async () => {
    expect((await call('/healthz')).status).to.equal(200);
    const ready = await call('/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body.checks.map((c: { ok: boolean }) => c.ok)).to.not.include(false);
  });

  it('shows a demo code with its state and whole history', async () => {
    const { status, body } = await call('/api/v1/codes/81010010000000000002', { token: PHARMACIST });
    expect(status).to.equal(200);
    expect(body).to.include({ traceCode: '81010010000000000002', state: 'in_stock', stateName: '在库' });
    expect(body.drug.name).to.equal('阿托伐他汀钙片');
    expect(body.parent.code).to.equal('81010020000000000001');
    expect(body.history.map((h: { action: string }) => h.action)).to.deep.equal([
      'receive',
      'dispense',
      'return_to_stock',
    ]);
  });

  it('answers every bad request with the one error shape and a 4xx', async () => {
    const cases: [Promise<{ status: number; body: any }>, number, string][] = [
      [call('/api/v1/codes/81010010000000000001'), 401, 'AUTH_REQUIRED'],
      [call('/api/v1/codes/81010010000000000001', { token: 'not-a-known-token-at-all' }), 401, 'AUTH_INVALID'],
      [call('/api/v1/codes/81089990000000000001', { token: PHARMACIST }), 404, 'CODE_NOT_IN_LEDGER'],
      [call('/api/v1/codes/6901234567809', { token: PHARMACIST }), 400, 'SCAN_IS_PRODUCT_BARCODE'],
      [call(`/api/v1/codes/${encodeURIComponent('<script>')}`, { token: PHARMACIST }), 400, 'SCAN_UNRECOGNISED'],
      [call('/api/v1/drugs/NOPE', { token: PHARMACIST }), 404, 'DRUG_NOT_FOUND'],
      [putDrug('Y0003', { name: '厄贝沙坦氢氯噻嗪片', unitsPerPack: 7 }, PHARMACIST), 403, 'AUTH_FORBIDDEN'],
      [putDrug('Y0003', { name: '', unitsPerPack: -1, colour: 'red' }), 400, 'BODY_INVALID'],
      [
        putDrug('Y0003', { name: 'x', unitsPerPack: 7, prefixes: [{ prefix: '123', packLevel: 1, unitCount: 1 }] }),
        400,
        'DRUG_INVALID',
      ],
      [
        call('/api/v1/drugs/Y0003', {
          method: 'PUT',
          token: HEAD,
          headers: { 'content-type': 'application/json' },
          body: '{"name":',
        }),
        400,
        'BODY_INVALID_JSON',
      ],
      [call('/api/v1/nowhere', { token: PHARMACIST }), 404, 'ROUTE_NOT_FOUND'],
      [upload('/api/v1/imports/catalog', '', 'x.csv'), 400, 'IMPORT_FILE_MISSING'],
      [
        upload('/api/v1/imports/catalog', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]), 'old.xls'),
        400,
        'IMPORT_FILE_INVALID',
      ],
    ];
    for (const [p, status, code] of cases) {
      const res = await p;
      expect(res.status, code).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      expect(res.body.error.message).to.be.a('string').and.not.equal('');
    }
  });

  it('edits a drug with a version check and keeps every version', async () => {
    const before = await call('/api/v1/drugs/Y0010', { token: PHARMACIST });
    const edited = { ...before.body, spec: '30mg*14片', version: before.body.version };
    delete edited.hisDrugCode;
    delete edited.updatedAt;
    delete edited.updatedBy;
    const ok = await putDrug('Y0010', edited);
    expect(ok.status).to.equal(200);
    expect(ok.body).to.include({ spec: '30mg*14片', version: before.body.version + 1, updatedBy: '药剂科 王主任' });
    const stale = await putDrug('Y0010', edited);
    expect(stale.status).to.equal(409);
    expect(stale.body.error.code).to.equal('DRUG_VERSION_CONFLICT');
    const history = await call('/api/v1/drugs/Y0010/history', { token: PHARMACIST });
    expect(
      history.body.versions.map((v: { version: number; source: string }) => `${v.version}:${v.source}`)
    ).to.deep.equal(['1:import', '2:api']);
  });

  it('refuses a prefix another drug owns, and learns a new one', async () => {
    const taken = await call('/api/v1/drugs/Y0003/prefixes', {
      method: 'POST',
      token: HEAD,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prefix: '8101001', packLevel: 1 }),
    });
    expect(taken.status).to.equal(409);
    expect(taken.body.error.code).to.equal('CATALOG_CODE_TAKEN');
    const learned = await call('/api/v1/drugs/Y0003/prefixes', {
      method: 'POST',
      token: HEAD,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prefix: '8103009', packLevel: 1 }),
    });
    expect(learned.status).to.equal(201);
    expect(learned.body.prefixes.map((p: { prefix: string }) => p.prefix)).to.include('8103009');
  });

  it('imports a catalog file all or nothing, with row numbers for the bad rows', async () => {
    const header = 'HIS药品编码,药品名称,规格,每盒最小单位数,小码前缀\n';
    const bad = await upload(
      '/api/v1/imports/catalog',
      `${header}Z001,新药甲,10mg*10片,10,8201001\nZ002,新药乙,5mg,abc,82x\n`,
      'new.csv'
    );
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('CATALOG_ROWS_INVALID');
    expect(bad.body.error.details.problems.every((p: { row: number }) => p.row === 3)).to.equal(true);
    expect((await call('/api/v1/drugs/Z001', { token: PHARMACIST })).status).to.equal(404);
    const good = await upload('/api/v1/imports/catalog', `${header}Z001,新药甲,10mg*10片,10,8201001\n`, 'new.csv');
    expect(good.status).to.equal(200);
    expect(good.body.imported).to.equal(1);
    expect((await call('/api/v1/drugs/Z001', { token: PHARMACIST })).body.prefixes[0].prefix).to.equal('8201001');
  });

  it('refuses a relation that would put a child in a second parent', async () => {
    const file = 'parent_code,child_code,parent_level,child_level\n81010030000000000099,81010010000000000001,3,1\n';
    const res = await upload('/api/v1/imports/relations', file, 'rel.csv');
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('RELATION_CHILD_HAS_PARENT');
    expect(res.body.error.message).to.contain('81010010000000000001');
  });

  it('serves an OpenAPI description of every route, and logs with the correlation id', async () => {
    const { body } = await call('/api/v1/openapi.json');
    expect(body.openapi).to.equal('3.1.0');
    expect(Object.keys(body.paths)).to.include.members([
      '/api/v1/codes/{code}',
      '/api/v1/drugs/{hisDrugCode}',
      '/api/v1/imports/catalog',
      '/api/v1/imports/relations',
      '/api/v1/dispenses/{id}/scans',
      '/api/v1/returns/{id}/complete',
      '/api/v1/receipts/{id}/scans/{code}',
      '/api/v1/inbound',
      '/api/v1/inbound/{id}/redrive',
      '/fhir/MedicationDispense',
    ]);
    const res = await fetch(`${url}/api/v1/drugs`, {
      headers: { authorization: `Bearer ${PHARMACIST}`, 'x-request-id': 'req-42' },
    });
    expect(res.headers.get('x-request-id')).to.equal('req-42');
    expect(captured.some((l) => l.includes('"correlationId":"req-42"'))).to.equal(true);
  });
});
