import { expect } from 'chai';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import { WindowService } from '../../../core/window/window-service.js';
import { defaultWindowPolicy } from '../../../core/window/window-policy.js';
import { demoCode } from '../../../plugin/demo/demo-catalog.js';
import { world } from '../../support/demo-world.js';

describe('a session opened with a whole message of scans (one write)', () => {
  async function setup() {
    const store = new MemoryStore();
    const w = await world(store);
    await w.ledger.receive({
      actor: '库管',
      scans: [1, 2].map((n) => demoCode('8101001', n)),
      lot: 'L1',
      expiry: '2028-01-31',
    });
    let n = 0;
    const window = new WindowService(
      store,
      w.catalog,
      w.ledger,
      w.clock,
      { next: (p) => `${p}${++n}` },
      defaultWindowPolicy
    );
    return { store, window };
  }
  const order = (quantity: number) => ({
    prescriptionNo: 'RX1',
    visitNo: 'MZ1',
    insuranceVisitId: null,
    patientId: 'P1',
    patientName: '王小明',
    settlementType: 'self_pay' as const,
    settlementId: null,
    doctorName: null,
    lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity, unit: '盒' }],
  });
  const who = { actor: 'HIS', roles: ['integration'] };

  it('decides every scan as if scanned one by one and stores the session open, ready to complete', async () => {
    const { store, window } = await setup();
    const { session, outcomes } = await window.openWithScans(
      'dispense',
      order(2),
      [demoCode('8101001', 1), demoCode('8101001', 2)],
      who
    );
    expect(outcomes.map((o) => o.result)).to.deep.equal(['accepted', 'accepted']);
    expect(outcomes[1]?.summary.complete).to.equal(true);
    expect((await store.getSession(session.id))?.state).to.equal('open');
    await window.complete(session.id, who, undefined, 'dispense', { session });
    expect((await store.getPacks([demoCode('8101001', 1)])).get(demoCode('8101001', 1))?.state).to.equal('dispensed');
  });

  it('a refused scan stores the session cancelled, with the refusal in the audit trail', async () => {
    const { store, window } = await setup();
    const { session, outcomes } = await window.openWithScans('dispense', order(1), [demoCode('8102001', 1)], who);
    expect(outcomes[0]?.result).to.equal('rejected');
    expect((await store.getSession(session.id))?.state).to.equal('cancelled');
    const audit = await store.listAudit(session.id);
    expect(audit.map((a) => a.action)).to.deep.equal(['scan_refused']);
  });
});
