import { expect } from 'chai';
import sinon from 'sinon';
import { createFhirChannels } from '../../../adapters/fhir/create-fhir-channels.js';
import { DEFAULT_FHIR_EXTENSIONS, fhirConfigSchema } from '../../../adapters/fhir/fhir-config.js';
import type { FhirPoller } from '../../../adapters/fhir/fhir-poller.js';
import { InboundService } from '../../../core/channels/inbound-service.js';
import { channelWorld, type ChannelWorld } from '../../support/channel-world.js';
import { recordingLog } from '../../support/recording-log.js';
import { dispenseResource, medication, type DispenseSpec, type Resource } from './fhir-fixtures.js';
import { FhirTestServer } from './fhir-test-server.js';

const SINCE = '2026-11-22T00:00:00Z';
const T = (minute: number): string => `2026-11-22T08:${String(minute).padStart(2, '0')}:00.000+08:00`;

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) {
      throw new Error('condition not met in time');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('FHIR channel: polling the HIS FHIR server', () => {
  let w: ChannelWorld;
  let fhir: FhirTestServer;
  let log: ReturnType<typeof recordingLog>;
  let decisions: sinon.SinonSpy;
  const started: FhirPoller[] = [];

  beforeEach(async () => {
    w = await channelWorld(10);
    fhir = new FhirTestServer();
    await fhir.start();
    log = recordingLog();
    decisions = sinon.spy(w.window, 'decideMessage');
  });

  afterEach(async () => {
    sinon.restore();
    await Promise.all(started.splice(0).map((p) => p.stop()));
    await fhir.stop();
  });

  /** A poller over the world's store; `inbound` another service over the same store stands for a restart. */
  function poller(inbound = w.inbound): FhirPoller {
    const config = fhirConfigSchema.parse({
      poll: {
        enabled: true,
        baseUrl: fhir.baseUrl,
        pageSize: 2,
        intervalMs: 50,
        maxBackoffMs: 200,
        timeoutMs: 2000,
        since: SINCE,
      },
    });
    const { runtimes, routes } = createFhirChannels(config, { inbound, store: w.store, clock: w.clock, log });
    expect(routes).to.equal(undefined);
    const p = runtimes[0] as FhirPoller;
    started.push(p);
    return p;
  }

  const stock = (i: number): string => w.stock[i] as string;
  const put = (id: string, minute: number, spec: Partial<DispenseSpec> = {}) =>
    fhir.put(
      { ...dispenseResource({ prescriptionNo: `RX-${id}`, codes: [stock(Number(id.slice(1)))], ...spec }), id },
      T(minute)
    );
  const messages = () => w.store.listInbound({ channel: 'fhir-poll', limit: 100 });

  it('picks up 3 dispenses over 2 pages and advances the mark to the newest lastUpdated', async () => {
    put('d1', 1);
    put('d2', 2);
    put('d3', 3);
    const round = await poller().pollOnce();
    expect(round).to.include({ decided: 3, replayed: 0, skipped: 0, pages: 2, mark: T(3) });
    expect(fhir.searches[0]).to.include({ _lastUpdated: `ge${SINCE}`, _sort: '_lastUpdated', _count: '2' });
    expect(await w.store.getChannelMark('fhir-poll')).to.equal(T(3));
    const stored = await messages();
    expect(stored.map((m) => [m.sourceKey, m.state])).to.deep.equal([
      ['d1/_history/1', 'accepted'],
      ['d2/_history/1', 'accepted'],
      ['d3/_history/1', 'accepted'],
    ]);
    expect(JSON.parse(new TextDecoder().decode(stored[0]?.raw)).id).to.equal('d1');
    const packs = await w.store.getPacks([stock(1), stock(2), stock(3)]);
    expect([...packs.values()].every((p) => p.state === 'dispensed')).to.equal(true);
  });

  it('after a restart (new service and poller over the same store) nothing is decided twice', async () => {
    put('d1', 1);
    put('d2', 2);
    put('d3', 3);
    await poller().pollOnce();
    const ids = { n: 0, next: (prefix: string) => `${prefix}R${String(++ids.n).padStart(5, '0')}` };
    const restarted = poller(new InboundService(w.store, w.window, w.clock, ids));
    const round = await restarted.pollOnce();
    expect(fhir.searches.at(-1)).to.include({ _lastUpdated: `ge${T(3)}` });
    // `ge`: the resource at the mark is read again and replayed by its key.
    expect(round).to.include({ decided: 0, replayed: 1 });
    put('d4', 4);
    expect(await restarted.pollOnce()).to.include({ decided: 1, replayed: 1, mark: T(4) });
    expect(decisions.callCount).to.equal(4);
    expect(await messages()).to.have.length(4);
  });

  it('a poller stopped mid-page reads the page again from the old mark; what it stored is replayed', async () => {
    put('d1', 1);
    put('d2', 2);
    put('d3', 3);
    const p = poller();
    const receive = sinon.stub(w.inbound, 'receive').callThrough();
    receive.onSecondCall().rejects(new Error('stopped'));
    await p.pollOnce().then(
      () => expect.fail('the round should fail'),
      (e: Error) => expect(e.message).to.equal('stopped')
    );
    expect(await w.store.getChannelMark('fhir-poll')).to.equal(SINCE);
    receive.restore();
    expect(await p.pollOnce()).to.include({ decided: 2, replayed: 1, mark: T(3) });
    expect(decisions.callCount).to.equal(3);
  });

  it('an updated resource (new versionId) is a new message; one not handed over yet is skipped', async () => {
    put('d1', 1, { status: 'in-progress' });
    const p = poller();
    expect(await p.pollOnce()).to.include({ decided: 0, skipped: 1, mark: T(1) });
    put('d1', 2);
    expect(await p.pollOnce()).to.include({ decided: 1, skipped: 0 });
    put('d1', 3);
    expect(await p.pollOnce()).to.include({ decided: 1 });
    const stored = await messages();
    expect(stored.map((m) => [m.sourceKey, m.state, m.code])).to.deep.equal([
      ['d1/_history/2', 'accepted', null],
      // The same boxes again under a new version: refused, not dispensed twice.
      ['d1/_history/3', 'refused', 'CODE_ALREADY_DISPENSED'],
    ]);
    expect(log.at('warn').map((l) => l.fields?.code)).to.deep.equal(['CODE_ALREADY_DISPENSED']);
  });

  it('packs kept as Medication resources on the server are stored with the dispense as a Bundle', async () => {
    fhir.putMedication({ ...medication('m1', stock(1)), id: 'm1' });
    fhir.putMedication({ ...medication('m2', stock(2)), id: 'm2' });
    const packRef = (ref: string) => ({ url: DEFAULT_FHIR_EXTENSIONS.pack, valueReference: { reference: ref } });
    const outside: Resource & { id: string } = {
      ...dispenseResource({ prescriptionNo: 'RX-M', codes: [stock(1), stock(2)] }),
      id: 'd9',
    };
    delete outside.contained;
    outside.extension = [packRef('Medication/m1'), packRef('Medication/m2')];
    fhir.put(outside, T(1));
    fhir.put({ ...outside, id: 'd8', extension: [packRef('Medication/gone')] }, T(2));
    await poller().pollOnce();
    const [d9, d8] = await messages();
    expect(d9).to.include({ state: 'accepted' });
    const stored = JSON.parse(new TextDecoder().decode(d9?.raw));
    expect(stored.resourceType).to.equal('Bundle');
    expect(stored.entry.map((e: any) => e.fullUrl)).to.deep.equal([
      `${fhir.baseUrl}/MedicationDispense/d9`,
      `${fhir.baseUrl}/Medication/m1`,
      `${fhir.baseUrl}/Medication/m2`,
    ]);
    expect(d8).to.include({ state: 'invalid', code: 'FHIR_REFERENCE_UNRESOLVED' });
  });

  it('the FHIR server down: no crash, one logged error for the whole outage, resumes when it is back', async () => {
    await fhir.stop();
    const p = poller();
    await p.start();
    await eventually(() => log.at('error').length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(log.at('error')).to.have.length(1);
    expect(String(log.at('error')[0]?.fields?.error)).to.match(/fetch failed|ECONNREFUSED/);

    put('d1', 1);
    await fhir.start();
    await eventually(async () => (await messages()).some((m) => m.state === 'accepted'));
    expect(log.at('info').map((l) => l.message)).to.include('FHIR poll recovered');
    expect(log.at('error')).to.have.length(1);
    await p.stop();
  });

  it('stop() does not wait for a hung server: the request in flight is aborted', async () => {
    fhir.hang = true;
    const p = poller();
    await p.start();
    await eventually(() => fhir.searches.length > 0);
    const began = Date.now();
    await p.stop();
    expect(Date.now() - began).to.be.below(1000);
    expect(log.at('error')).to.deep.equal([]);
  });

  it('checks the CapabilityStatement (not required for readiness)', async () => {
    const [check] = poller().checks;
    expect(check?.requiredForReadiness).to.equal(false);
    expect(await check?.check()).to.include({ ok: true });
    expect((await check?.check())?.detail).to.contain('FHIR 4.0.1');
    await fhir.stop();
    const down = await check?.check();
    expect(down?.ok).to.equal(false);
    expect(down?.fix).to.contain('fhir.poll.baseUrl');
  });
});
