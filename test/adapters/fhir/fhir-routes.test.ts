import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import sinon from 'sinon';
import { createFhirChannels } from '../../../adapters/fhir/create-fhir-channels.js';
import { fhirConfigSchema } from '../../../adapters/fhir/fhir-config.js';
import { channelWorld, type ChannelWorld } from '../../support/channel-world.js';
import { recordingLog } from '../../support/recording-log.js';
import { dispenseResource, type DispenseSpec } from './fhir-fixtures.js';

function parseOrNull(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

describe('FHIR channel: POST /fhir/MedicationDispense (real HTTP)', () => {
  let w: ChannelWorld;
  let server: Server;
  let url: string;
  let decisions: sinon.SinonSpy;
  let log: ReturnType<typeof recordingLog>;

  beforeEach(async () => {
    w = await channelWorld(10);
    log = recordingLog();
    const config = fhirConfigSchema.parse({ post: { enabled: true, bodyLimitKb: 16 } });
    const { routes, runtimes } = createFhirChannels(config, {
      inbound: w.inbound,
      store: w.store,
      clock: w.clock,
      log,
    });
    expect(runtimes).to.deep.equal([]);
    const app = express();
    app.use(routes as express.Router);
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    decisions = sinon.spy(w.window, 'decideMessage');
  });

  afterEach(async () => {
    sinon.restore();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  async function post(
    body: unknown,
    headers: Record<string, string> = { 'content-type': 'application/fhir+json' }
  ): Promise<Answer> {
    const res = await fetch(`${url}/fhir/MedicationDispense`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: parseOrNull(text) };
  }

  const dispense = (spec: Partial<DispenseSpec> & { codes: string[] }) => post(dispenseResource(spec));
  const stock = (i: number): string => w.stock[i] as string;

  function expectOutcome(answer: Answer, status: number, type: string, code: string): any {
    expect(answer.status, answer.text).to.equal(status);
    expect(answer.headers.get('content-type')).to.match(/^application\/fhir\+json/);
    expect(answer.body.resourceType).to.equal('OperationOutcome');
    const issue = answer.body.issue[0];
    expect(issue).to.include({ severity: 'error', code: type });
    expect(issue.details.coding[0].code).to.equal(code);
    expect(issue.details.text).to.match(/[\u4e00-\u9fa5]/);
    expect(issue.diagnostics).to.equal(issue.details.text);
    return issue;
  }

  it('accepts a dispense: 201, the stored resource echoed with its id, meta and Location; the boxes are dispensed', async () => {
    const answer = await dispense({ identifier: 'FY-1', prescriptionNo: 'RX1', codes: [stock(0), stock(1)] });
    expect(answer.status, answer.text).to.equal(201);
    const [message] = await w.inbound.list({ channel: 'fhir', limit: 10 });
    expect(message).to.include({ state: 'accepted', sourceKey: 'urn:his:dispense-no|FY-1', kind: 'dispense' });
    expect(answer.body).to.include({ resourceType: 'MedicationDispense', id: message?.id, status: 'completed' });
    expect(answer.body.meta).to.deep.equal({ versionId: '1', lastUpdated: message?.receivedAt });
    expect(answer.body.contained).to.have.length(2);
    expect(answer.headers.get('location')).to.equal(`${url}/fhir/MedicationDispense/${message?.id}/_history/1`);
    expect(answer.text).to.equal(message?.reply);
    const packs = await w.store.getPacks([stock(0), stock(1)]);
    expect([...packs.values()].map((p) => p.state)).to.deep.equal(['dispensed', 'dispensed']);

    const read = await fetch(answer.headers.get('location') as string);
    expect(read.status).to.equal(200);
    expect(await read.text()).to.equal(answer.text);
  });

  it('the same box in another prescription: 422 OperationOutcome with CODE_ALREADY_DISPENSED', async () => {
    expect((await dispense({ identifier: 'FY-1', prescriptionNo: 'RX1', codes: [stock(0)] })).status).to.equal(201);
    const answer = await dispense({ identifier: 'FY-2', prescriptionNo: 'RX2', codes: [stock(0)] });
    expectOutcome(answer, 422, 'business-rule', 'CODE_ALREADY_DISPENSED');
    expect(answer.headers.get('location')).to.equal(null);
  });

  it('a return: a foreign box is refused (RETURN_CODE_NOT_DISPENSED_HERE), the right box is taken back', async () => {
    await dispense({ identifier: 'FY-1', prescriptionNo: 'RX1', codes: [stock(0), stock(1)] });
    const foreign = await dispense({ identifier: 'TY-1', kind: 'return', prescriptionNo: 'RX1', codes: [stock(5)] });
    const issue = expectOutcome(foreign, 422, 'business-rule', 'RETURN_CODE_NOT_DISPENSED_HERE');
    expect(issue.diagnostics).to.contain('不是本次就诊/处方发出的药盒');

    const right = await dispense({ identifier: 'TY-2', kind: 'return', prescriptionNo: 'RX1', codes: [stock(1)] });
    expect(right.status, right.text).to.equal(201);
    const packs = await w.store.getPacks([stock(0), stock(1)]);
    expect(packs.get(stock(0))?.state).to.equal('dispensed');
    expect(packs.get(stock(1))?.state).to.equal('in_stock');
  });

  it('malformed JSON: 400 OperationOutcome (structure), stored as invalid', async () => {
    const answer = await post('{"resourceType":"MedicationDispense",');
    expectOutcome(answer, 400, 'structure', 'FHIR_JSON_INVALID');
    const [message] = await w.inbound.list({ channel: 'fhir', limit: 10 });
    expect(message).to.include({ state: 'invalid', code: 'FHIR_JSON_INVALID' });
    expect(message?.sourceKey).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(decisions.callCount).to.equal(0);
  });

  it('a resource of another type: 400', async () => {
    const answer = await post(
      { resourceType: 'Patient', identifier: [{ value: 'P1' }] },
      { 'content-type': 'application/json' }
    );
    const issue = expectOutcome(answer, 400, 'structure', 'FHIR_RESOURCE_INVALID');
    expect(issue.expression).to.deep.equal(['resourceType']);
  });

  it('a field missing: 400 naming the path', async () => {
    const d = dispenseResource({ identifier: 'FY-9', codes: [stock(0)] });
    delete d.subject.identifier;
    const issue = expectOutcome(await post(d), 400, 'invalid', 'FHIR_FIELD_MISSING');
    expect(issue.expression).to.deep.equal(['MedicationDispense.subject.identifier']);
  });

  it('a repeated identifier gets the same bytes and no second decision (acceptance 200, refusal 422 again)', async () => {
    const first = await dispense({ identifier: 'FY-1', prescriptionNo: 'RX1', codes: [stock(0)] });
    const again = await dispense({ identifier: 'FY-1', prescriptionNo: 'RX1', codes: [stock(0)] });
    expect([first.status, again.status]).to.deep.equal([201, 200]);
    expect(again.text).to.equal(first.text);
    expect(again.headers.get('location')).to.equal(first.headers.get('location'));

    const refused = await dispense({ identifier: 'FY-2', prescriptionNo: 'RX2', codes: [stock(0)] });
    const refusedAgain = await dispense({ identifier: 'FY-2', prescriptionNo: 'RX2', codes: [stock(0)] });
    expect([refused.status, refusedAgain.status]).to.deep.equal([422, 422]);
    expect(refusedAgain.text).to.equal(refused.text);

    expect(decisions.callCount).to.equal(2);
    expect(await w.inbound.list({ channel: 'fhir', limit: 10 })).to.have.length(2);
  });

  it('without an identifier the key is If-None-Exist, else the body hash', async () => {
    const d = dispenseResource({ identifier: null, codes: [stock(0)] });
    const headers = { 'content-type': 'application/fhir+json', 'if-none-exist': 'identifier=urn:his:dispense-no|X1' };
    const first = await post(d, headers);
    const again = await post({ ...d, note: [{ text: '重发' }] }, headers);
    expect([first.status, again.status]).to.deep.equal([201, 200]);
    const plain = dispenseResource({ identifier: null, prescriptionNo: 'RX3', codes: [stock(3)] });
    expect((await post(plain)).status).to.equal(201);
    expect((await post(plain)).status).to.equal(200);
    const keys = (await w.inbound.list({ channel: 'fhir', limit: 10 })).map((m) => m.sourceKey);
    expect(keys[0]).to.equal('identifier=urn:his:dispense-no|X1');
    expect(keys[1]).to.match(/^sha256:/);
    expect(decisions.callCount).to.equal(2);
  });

  it('another content type: 415; a body over the limit: 413; both OperationOutcomes', async () => {
    expectOutcome(await post('{}', { 'content-type': 'text/plain' }), 415, 'not-supported', 'FHIR_CONTENT_TYPE');
    const big = dispenseResource({ identifier: 'FY-BIG', codes: [stock(0)] });
    big.note = [{ text: 'x'.repeat(20 * 1024) }];
    expectOutcome(await post(big), 413, 'too-long', 'FHIR_BODY_TOO_LARGE');
    expect(await w.inbound.list({ channel: 'fhir', limit: 10 })).to.deep.equal([]);
  });

  it('a store failure: 503 OperationOutcome (transient) with Retry-After, logged; the resend is decided', async () => {
    const insert = sinon.stub(w.store, 'insertInbound').rejects(new Error('connection reset'));
    const answer = await dispense({ identifier: 'FY-1', codes: [stock(0)] });
    expectOutcome(answer, 503, 'transient', 'FHIR_STORE_UNAVAILABLE');
    expect(answer.headers.get('retry-after')).to.equal('5');
    expect(log.at('error')).to.have.length(1);
    insert.restore();
    expect((await dispense({ identifier: 'FY-1', codes: [stock(0)] })).status).to.equal(201);
  });

  it('GET of something not accepted here: 404 OperationOutcome', async () => {
    const res = await fetch(`${url}/fhir/MedicationDispense/M404`);
    expect(res.status).to.equal(404);
    expect(((await res.json()) as any).issue[0].code).to.equal('not-found');
  });
});
