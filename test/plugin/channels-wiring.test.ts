/**
 * The HIS channels as `serve` wires them: FHIR POST behind the integration token, the inbound message API (list,
 * inspect, re-drive) over the same store, and the channel checks in doctor's list.
 */
import { expect } from 'chai';
import { demoCode } from '../../plugin/demo/demo-catalog.js';
import type { Tracegate } from '../../plugin/tracegate.js';
import { dispenseResource } from '../adapters/fhir/fhir-fixtures.js';
import { startTempTracegate } from '../support/temp-tracegate.js';

const HIS = { authorization: 'Bearer demo-integration-token' };
const HEAD = { authorization: 'Bearer demo-pharmacy-head-token' };

describe('HIS channels wired into tracegate', () => {
  let tg: Tracegate;
  let url: string;
  const box = demoCode('8106001', 901);

  before(async () => {
    ({ tg, url } = await startTempTracegate({ channels: { fhir: { post: { enabled: true } } } }));
    await tg.catalog.save((await import('../../plugin/demo/demo-catalog.js')).demoDrugs, 'test', 'import');
    await tg.ledger.receive({ actor: '库管', scans: [box], lot: 'L1', expiry: '2028-01-31' });
  });
  after(async () => tg.stop());

  const post = (resource: unknown, headers: Record<string, string> = HIS) =>
    fetch(`${url}/fhir/MedicationDispense`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/fhir+json' },
      body: JSON.stringify(resource),
    });

  it('needs the integration token for FHIR POST', async () => {
    const none = await post(dispenseResource({ codes: [box], drug: 'Y0006' }), {});
    expect(none.status).to.equal(401);
    const head = await post(dispenseResource({ codes: [box], drug: 'Y0006' }), HEAD);
    expect(head.status).to.equal(403);
  });

  it('lists, shows and re-drives what the channels received', async () => {
    const first = await post(
      dispenseResource({ identifier: 'FY1', prescriptionNo: 'RX-A', codes: [box], drug: 'Y0006' })
    );
    expect(first.status).to.equal(201);
    const second = await post(
      dispenseResource({ identifier: 'FY2', prescriptionNo: 'RX-B', codes: [box], drug: 'Y0006' })
    );
    expect(second.status).to.equal(422);

    const list = await fetch(`${url}/api/v1/inbound?channel=fhir&state=refused`, { headers: HEAD });
    const body = (await list.json()) as {
      channels: string[];
      messages: { id: string; code: string; rawBytes: number }[];
    };
    expect(body.channels).to.deep.equal(['fhir']);
    expect(body.messages.map((m) => m.code)).to.deep.equal(['CODE_ALREADY_DISPENSED']);
    const refusedId = body.messages[0]?.id as string;

    const shown = (await (await fetch(`${url}/api/v1/inbound/${refusedId}`, { headers: HEAD })).json()) as {
      text: string;
      raw: string;
    };
    expect(JSON.parse(shown.text)).to.have.property('resourceType', 'MedicationDispense');
    expect(Buffer.from(shown.raw, 'base64').toString()).to.equal(shown.text);

    // A pharmacy head may look but not re-drive; the integration role may.
    const forbidden = await fetch(`${url}/api/v1/inbound/${refusedId}/redrive`, { method: 'POST', headers: HEAD });
    expect(forbidden.status).to.equal(403);
    const redriven = await fetch(`${url}/api/v1/inbound/${refusedId}/redrive`, { method: 'POST', headers: HIS });
    expect(redriven.status).to.equal(201);
    const { message } = (await redriven.json()) as { message: { originalId: string; state: string; code: string } };
    expect(message).to.include({ originalId: refusedId, state: 'refused', code: 'CODE_ALREADY_DISPENSED' });

    const batch = await fetch(`${url}/api/v1/inbound/redrive`, {
      method: 'POST',
      headers: { ...HIS, 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(batch.status).to.equal(400);
  });

  it('lists the channel checks with the others', () => {
    expect(tg.healthChecks().map((c) => c.name)).to.satisfy((names: string[]) => names.some((n) => /store/i.test(n)));
  });
});
