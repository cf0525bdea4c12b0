import { expect } from 'chai';
import { TracegateError } from '../../../core/errors.js';
import { buildChange, nextState } from '../../../core/ledger/ledger-rules.js';
import type { Pack, PackState } from '../../../core/ledger/pack.js';

const code = '81010010000000000001';
const pack = (state: PackState, extra: Partial<Pack> = {}): Pack => ({
  traceCode: code,
  hisDrugCode: 'Y0001',
  state,
  unitsRemaining: null,
  lot: 'L1',
  expiry: '2028-01-31',
  manufactureDate: null,
  seq: 3,
  updatedAt: '2026-11-22T08:15:00.000Z',
  location: '门诊西药房 3号窗口',
  ref: 'RX20261122001',
  ...extra,
});

function refusal(fn: () => unknown): TracegateError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(TracegateError);
    return e as TracegateError;
  }
  throw new Error('expected a refusal');
}

describe('ledger rules (state machine)', () => {
  it('walks a pack through receive → dispense → return → dispense', () => {
    expect(nextState(code, null, { action: 'receive' }).state).to.equal('in_stock');
    expect(nextState(code, pack('in_stock'), { action: 'dispense' }).state).to.equal('dispensed');
    expect(nextState(code, pack('dispensed'), { action: 'return_to_stock' }).state).to.equal('in_stock');
    expect(nextState(code, pack('dispensed'), { action: 'return_to_quarantine' }).state).to.equal('quarantined');
  });

  it('refuses a second dispense, naming the code, its state, when and where', () => {
    const e = refusal(() => nextState(code, pack('dispensed'), { action: 'dispense' }));
    expect(e.code).to.equal('CODE_ALREADY_DISPENSED');
    expect(e.message)
      .to.contain(code)
      .and.contain('已发药')
      .and.contain('2026-11-22 16:15')
      .and.contain('门诊西药房')
      .and.contain('RX20261122001');
  });

  it('has specific codes for the common refusals and ILLEGAL_TRANSITION for the rest', () => {
    expect(refusal(() => nextState(code, pack('in_stock'), { action: 'receive' })).code).to.equal(
      'CODE_ALREADY_RECEIVED'
    );
    expect(refusal(() => nextState(code, null, { action: 'dispense' })).code).to.equal('CODE_NOT_IN_LEDGER');
    expect(refusal(() => nextState(code, pack('in_stock'), { action: 'return_to_stock' })).code).to.equal(
      'CODE_NOT_DISPENSED'
    );
    expect(refusal(() => nextState(code, pack('scrapped'), { action: 'transfer_out' })).code).to.equal(
      'ILLEGAL_TRANSITION'
    );
  });

  it('opens a split pack and serves dispensings until its units are used up', () => {
    const first = nextState(code, pack('in_stock'), { action: 'dispense_units', units: 3, unitsPerPack: 7 });
    expect(first).to.deep.equal({ state: 'opened', unitsRemaining: 4 });
    const second = nextState(code, pack('opened', { unitsRemaining: 4 }), { action: 'dispense_units', units: 4 });
    expect(second).to.deep.equal({ state: 'dispensed', unitsRemaining: 0 });
    const e = refusal(() =>
      nextState(code, pack('opened', { unitsRemaining: 2 }), { action: 'dispense_units', units: 3 })
    );
    expect(e.code).to.equal('SPLIT_PACK_UNITS_EXCEEDED');
    expect(
      refusal(() => nextState(code, pack('dispensed', { unitsRemaining: 0 }), { action: 'dispense_units', units: 1 }))
        .code
    ).to.equal('CODE_ALREADY_DISPENSED');
  });

  it('keeps an opened pack opened through quarantine and release', () => {
    const q = nextState(code, pack('opened', { unitsRemaining: 5 }), { action: 'quarantine' });
    expect(q).to.deep.equal({ state: 'quarantined', unitsRemaining: 5 });
    expect(nextState(code, pack('quarantined', { unitsRemaining: 5 }), { action: 'release' })).to.deep.equal({
      state: 'opened',
      unitsRemaining: 5,
    });
    expect(nextState(code, pack('quarantined'), { action: 'release' }).state).to.equal('in_stock');
  });

  it('corrects only with a reason and a different target state', () => {
    expect(
      refusal(() => nextState(code, pack('dispensed'), { action: 'correct', correctTo: 'in_stock' })).code
    ).to.equal('CORRECTION_REASON_REQUIRED');
    expect(refusal(() => nextState(code, pack('dispensed'), { action: 'correct', reason: 'x' })).code).to.equal(
      'CORRECTION_TARGET_REQUIRED'
    );
    expect(
      refusal(() => nextState(code, pack('dispensed'), { action: 'correct', reason: 'x', correctTo: 'dispensed' })).code
    ).to.equal('CORRECTION_NO_CHANGE');
    expect(
      nextState(code, pack('dispensed'), { action: 'correct', reason: '误操作', correctTo: 'in_stock' }).state
    ).to.equal('in_stock');
  });

  it('builds the next event with seq + 1 and the transition it records', () => {
    const ctx = {
      actor: '药师 张敏',
      at: '2026-11-22T09:00:00.000Z',
      location: 'W3',
      ref: 'RX9',
      reason: null,
      details: { raw: code },
    };
    const { after, event } = buildChange(code, 'Y0001', pack('in_stock'), { action: 'dispense' }, ctx);
    expect(after).to.include({ state: 'dispensed', seq: 4, ref: 'RX9', lot: 'L1' });
    expect(event).to.include({
      seq: 4,
      action: 'dispense',
      fromState: 'in_stock',
      toState: 'dispensed',
      actor: '药师 张敏',
    });
  });
});
