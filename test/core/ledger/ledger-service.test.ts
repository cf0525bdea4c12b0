import { expect } from 'chai';
import { TracegateError } from '../../../core/errors.js';
import { demoCode } from '../../../plugin/demo/demo-catalog.js';
import { atorvastatinCase, world } from '../../support/demo-world.js';
import type { World } from '../../support/demo-world.js';

async function refusal(p: Promise<unknown>): Promise<TracegateError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(TracegateError);
    return e as TracegateError;
  }
  throw new Error('expected a refusal');
}

const who = { actor: '库管 李强', location: '药库', ref: 'DN1' };

describe('ledger service', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('registers all unit codes of a case without opening it (大码入库无需开箱)', async () => {
    const c = atorvastatinCase(1);
    await w.relations.save(c.relations);
    const result = await w.ledger.receive({ ...who, scans: [c.caseCode], lot: 'L1', expiry: '2028-02-29' });
    expect(result.received).to.equal(100);
    expect(result.expanded).to.deep.equal([{ code: c.caseCode, units: 100 }]);
    const packs = await w.store.getPacks(c.units);
    expect(packs.size).to.equal(100);
    expect(
      [...packs.values()].every((p) => p.state === 'in_stock' && p.hisDrugCode === 'Y0001' && p.lot === 'L1')
    ).to.equal(true);
    const history = await w.store.history(c.units[0] as string);
    expect(history[0]?.details).to.deep.equal({ via: c.caseCode, parent: demoCode('8101002', 1) });
  });

  it('refuses a case whose relations are unknown, and a unit scanned beside its own case', async () => {
    expect((await refusal(w.ledger.receive({ ...who, scans: [demoCode('8101003', 9)] }))).code).to.equal(
      'RELATION_UNKNOWN'
    );
    const c = atorvastatinCase(1);
    await w.relations.save(c.relations);
    const e = await refusal(w.ledger.receive({ ...who, scans: [c.units[5] as string, c.caseCode] }));
    expect(e.code).to.equal('RECEIPT_DUPLICATE_CODE');
    expect(e.message).to.contain(c.units[5]);
    expect((await w.store.countByState()).in_stock ?? 0).to.equal(0);
  });

  it('refuses a second receipt of a code, naming its state, and writes nothing of that receipt', async () => {
    await w.ledger.receive({ ...who, scans: [demoCode('8103001', 1)] });
    await w.ledger.apply({
      actor: '药师',
      location: '3号窗口',
      ref: 'RX1',
      action: 'dispense',
      traceCodes: [demoCode('8103001', 1)],
    });
    const e = await refusal(
      w.ledger.receive({ ...who, ref: 'DN2', scans: [demoCode('8103001', 2), demoCode('8103001', 1)] })
    );
    expect(e.code).to.equal('CODE_ALREADY_RECEIVED');
    expect(e.message).to.contain(demoCode('8103001', 1)).and.contain('已发药');
    expect((await w.store.getPacks([demoCode('8103001', 2)])).size).to.equal(0);
  });

  it('names an unmapped prefix and a 69 barcode, and receives once the prefix is learned', async () => {
    const unmapped = await refusal(w.ledger.receive({ ...who, scans: ['89999990000000000001'] }));
    expect(unmapped.code).to.equal('PREFIX_UNMAPPED');
    expect(unmapped.message).to.contain('8999999');
    const barcode = await refusal(w.ledger.receive({ ...who, scans: ['6901234567809'] }));
    expect(barcode.code).to.equal('SCAN_IS_PRODUCT_BARCODE');
    const learned = await w.catalog.learnPrefix({
      prefix: '8999999',
      hisDrugCode: 'Y0003',
      packLevel: 1,
      unitCount: 1,
      actor: '王主任',
    });
    expect(learned.version).to.equal(2);
    expect((await w.ledger.receive({ ...who, scans: ['89999990000000000001'] })).byDrug).to.deep.equal({ Y0003: 1 });
  });

  it('takes a GS1 pack’s lot and expiry from the scan', async () => {
    const gs1 = '(01)05401234567898(17)281231(10)LOT9(21)SN1';
    await w.ledger.receive({ ...who, scans: [gs1], lot: 'NOTE-LOT' });
    const found = await w.ledger.lookup(gs1);
    expect(found.pack).to.include({
      traceCode: '0105401234567898' + '21SN1',
      lot: 'LOT9',
      expiry: '2028-12-31',
      hisDrugCode: 'Y0005',
    });
  });

  it('lets exactly one of two concurrent dispenses of one pack win', async () => {
    const code = demoCode('8106001', 1);
    await w.ledger.receive({ ...who, scans: [code] });
    const attempt = (window: string) =>
      w.ledger.apply({ actor: window, location: window, ref: window, action: 'dispense', traceCodes: [code] });
    const results = await Promise.allSettled([attempt('W1'), attempt('W2')]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((lost.reason as TracegateError).code).to.be.oneOf(['CODE_ALREADY_DISPENSED', 'CONCURRENT_CHANGE']);
    expect((await w.store.history(code)).map((e) => e.action)).to.deep.equal(['receive', 'dispense']);
  });

  it('serves a split pack to two dispensings and refuses a third that exceeds it', async () => {
    const code = demoCode('8103001', 3); // 7 tablets per box
    await w.ledger.receive({ ...who, scans: [code] });
    const take = (units: number, ref: string) =>
      w.ledger.apply({ actor: '药师', ref, action: 'dispense_units', units, traceCodes: [code] });
    await take(3, 'RX1');
    await take(3, 'RX2');
    const e = await refusal(take(3, 'RX3'));
    expect(e.code).to.equal('SPLIT_PACK_UNITS_EXCEEDED');
    const look = await w.ledger.lookup(code);
    expect(look.pack).to.include({ state: 'opened', unitsRemaining: 1 });
    expect(look.history.map((h) => h.units)).to.deep.equal([null, 3, 3]);
  });

  it('records a correction as a new event with its reason', async () => {
    const code = demoCode('8107001', 1);
    await w.ledger.receive({ ...who, scans: [code] });
    await w.ledger.apply({ actor: '药师', action: 'dispense', traceCodes: [code] });
    await w.ledger.apply({
      actor: '王主任',
      action: 'correct',
      correctTo: 'in_stock',
      reason: '误扫，实物未发出',
      traceCodes: [code],
    });
    const look = await w.ledger.lookup(code);
    expect(look.pack.state).to.equal('in_stock');
    expect(look.history.map((h) => `${h.action}:${h.fromState}->${h.toState}`)).to.deep.equal([
      'receive:null->in_stock',
      'dispense:in_stock->dispensed',
      'correct:dispensed->in_stock',
    ]);
    expect(look.history[2]?.reason).to.equal('误扫，实物未发出');
  });

  it('says a recognised code that was never received is not in the ledger', async () => {
    expect((await refusal(w.ledger.lookup(demoCode('8108001', 99)))).code).to.equal('CODE_NOT_IN_LEDGER');
    expect((await refusal(w.ledger.lookup('hello'))).code).to.equal('SCAN_UNRECOGNISED');
  });
});
