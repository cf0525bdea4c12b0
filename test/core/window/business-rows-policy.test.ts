import { expect } from 'chai';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import { WindowService } from '../../../core/window/window-service.js';
import { defaultWindowPolicy, type WindowPolicy } from '../../../core/window/window-policy.js';
import { demoCode } from '../../../plugin/demo/demo-catalog.js';
import { world } from '../../support/demo-world.js';

async function dispenseOne(policy: WindowPolicy): Promise<MemoryStore> {
  const store = new MemoryStore();
  const w = await world(store);
  await w.ledger.receive({ actor: '库管', scans: [demoCode('8101001', 1)], lot: 'L1', expiry: '2028-01-31' });
  let n = 0;
  const window = new WindowService(store, w.catalog, w.ledger, w.clock, { next: (p) => `${p}${++n}` }, policy);
  const who = { actor: '药师 张敏', roles: ['pharmacist'] };
  const session = await window.openDispense(
    {
      prescriptionNo: 'RX1',
      visitNo: 'MZ1',
      insuranceVisitId: null,
      patientId: 'P1',
      patientName: '王小明',
      settlementType: 'self_pay',
      settlementId: null,
      doctorName: '王建国',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1, unit: '盒' }],
    },
    who
  );
  await window.scan(session.id, demoCode('8101001', 1), who);
  await window.complete(session.id, who);
  return store;
}

describe('who sends the rows of completed window sessions', () => {
  it('upload (default): the 3505 row is pending in the outbox, with the operator named', async () => {
    const store = await dispenseOne(defaultWindowPolicy);
    const [row] = await store.listUploads({});
    expect(row).to.include({ infno: '3505', state: 'pending', source: 'window' });
    expect(row?.payload).to.include({ sel_retn_opter_name: '药师 张敏', phar_name: '药师 张敏' });
  });

  it('hold: the HIS uploads its own 3505, so the row is kept for reconciliation but never sent', async () => {
    const store = await dispenseOne({ ...defaultWindowPolicy, businessRows: 'hold' });
    const [row] = await store.listUploads({});
    expect(row).to.include({ infno: '3505', state: 'held' });
    expect(
      await store.claimDue({
        now: new Date().toISOString(),
        limit: 10,
        owner: 'x',
        leaseUntil: new Date(Date.now() + 1000).toISOString(),
      })
    ).to.deep.equal([]);
  });
});
