/**
 * Property: for random prescriptions and the right packs scanned in any order, every pack lands on a line of its
 * own drug, no line gets more than it needs, and the session completes. With extra packs mixed in (wrong drug,
 * already dispensed, opened, surplus), the first two still hold.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { Drug } from '../../../core/catalog/drug.js';
import type { Pack, PackState } from '../../../core/ledger/pack.js';
import { decideDispenseScan } from '../../../core/window/decide-dispense-scan.js';
import { sessionSummary } from '../../../core/window/line-progress.js';
import { planDispense } from '../../../core/window/plan-lines.js';
import type { Session } from '../../../core/window/session.js';
import { atorvastatin, dispenseOrder, pack, shuffle, unitInput, withScan } from './window-fixtures.js';

const RUNS = { numRuns: Number(process.env.WINDOW_PROPERTY_RUNS ?? 200) };

const lineArb = fc.record({
  drug: fc.nat({ max: 2 }),
  inUnits: fc.boolean(),
  qty: fc.integer({ min: 1, max: 40 }),
  splitFromOpened: fc.boolean(),
  remainingFraction: fc.double({ min: 0, max: 1, noNaN: true }),
});
const noiseArb = fc.record({
  drug: fc.nat({ max: 3 }),
  state: fc.constantFrom<PackState>('in_stock', 'dispensed', 'opened', 'quarantined'),
  remaining: fc.integer({ min: 1, max: 10 }),
});
const caseArb = fc.record({
  unitsPerPack: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 4, maxLength: 4 }),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }),
  noise: fc.array(noiseArb, { maxLength: 5 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function world(c: Case) {
  const drugs: Drug[] = c.unitsPerPack.map((upp, i) => ({
    ...atorvastatin,
    hisDrugCode: `P${i}`,
    name: `药品${i}`,
    spec: `${upp}片/盒`,
    unitsPerPack: upp,
    prefixes: [{ prefix: `81${String(i).padStart(5, '0')}`, packLevel: 1, unitCount: 1 }],
  }));
  const drugOf = (code: string) => drugs.find((d) => d.hisDrugCode === code);
  const order = dispenseOrder(
    c.lines.map((l, i) => {
      const d = drugs[l.drug] as Drug;
      return {
        lineNo: i + 1,
        hisDrugCode: d.hisDrugCode,
        quantity: l.inUnits ? l.qty : 1 + (l.qty % 4),
        unit: l.inUnits ? '片' : '盒',
      };
    })
  );
  const plan = planDispense(order, drugOf);
  let serial = 0;
  const newPack = (d: Drug, state: PackState, extra: Partial<Pack> = {}) =>
    pack(`${d.prefixes[0]?.prefix}${String(++serial).padStart(13, '0')}`, d, state, extra);
  const right: { drug: Drug; pack: Pack }[] = [];
  plan.forEach((line, i) => {
    const d = drugOf(line.hisDrugCode) as Drug;
    for (let k = 0; k < line.packs; k++) {
      right.push({ drug: d, pack: newPack(d, 'in_stock') });
    }
    if (line.splitUnits > 0) {
      const l = c.lines[i] as Case['lines'][number];
      const remaining = line.splitUnits + Math.floor(l.remainingFraction * (d.unitsPerPack - line.splitUnits));
      right.push({
        drug: d,
        pack: l.splitFromOpened ? newPack(d, 'opened', { unitsRemaining: remaining }) : newPack(d, 'in_stock'),
      });
    }
  });
  const noise = c.noise.map((n) => {
    const d = drugs[n.drug] as Drug;
    return { drug: d, pack: newPack(d, n.state, { unitsRemaining: n.state === 'opened' ? n.remaining : null }) };
  });
  return { order, plan, right, noise };
}

function scanAll(s: Session, scans: { drug: Drug; pack: Pack }[]) {
  const decisions = [];
  for (const { drug, pack: p } of scans) {
    const d = decideDispenseScan(unitInput(s, drug, p.traceCode, p));
    decisions.push({ scan: p, d });
    s = withScan(s, p.traceCode, d);
  }
  return { session: s, decisions };
}

function checkInvariants(s: Session, packs: Map<string, Pack>): void {
  const whole = new Map<number, number>();
  const split = new Map<number, number>();
  for (const a of s.scans.flatMap((sc) => (sc.result === 'rejected' ? [] : sc.assignments))) {
    const line = s.plan.find((l) => l.lineNo === a.lineNo);
    const p = packs.get(a.traceCode) as Pack;
    expect(line?.hisDrugCode, `${a.traceCode} on line ${a.lineNo}`).to.equal(p.hisDrugCode);
    expect(line?.exempt).to.equal(false);
    if (a.role === 'whole') {
      expect(p.state).to.equal('in_stock');
      whole.set(a.lineNo, (whole.get(a.lineNo) ?? 0) + 1);
    } else {
      expect(a.units).to.equal(line?.splitUnits);
      const available = p.state === 'opened' ? (p.unitsRemaining ?? 0) : (line?.unitsPerPack ?? 0);
      expect(a.units as number).to.be.at.most(available);
      split.set(a.lineNo, (split.get(a.lineNo) ?? 0) + 1);
    }
  }
  for (const line of s.plan) {
    expect(whole.get(line.lineNo) ?? 0, `line ${line.lineNo} whole`).to.be.at.most(line.packs);
    expect(split.get(line.lineNo) ?? 0, `line ${line.lineNo} split`).to.be.at.most(line.splitUnits > 0 ? 1 : 0);
  }
}

function session(w: ReturnType<typeof world>): Session {
  return {
    id: 'prop',
    kind: 'dispense',
    state: 'open',
    location: null,
    createdAt: '2026-11-22T00:00:00.000Z',
    createdBy: 't',
    order: w.order,
    plan: w.plan,
    scans: [],
    completedAt: null,
    completedBy: null,
    override: null,
    version: 1,
  };
}

describe('dispense decisions (property)', () => {
  it('the right packs in any order: each on a line of its drug, no line overfilled, session complete', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const w = world(c);
        const { session: s, decisions } = scanAll(session(w), shuffle(w.right, c.seed));
        for (const { scan, d } of decisions) {
          expect(d.result, `${scan.traceCode}: ${d.problem?.message}`).to.equal('accepted');
        }
        checkInvariants(s, new Map(w.right.map((r) => [r.pack.traceCode, r.pack])));
        const summary = sessionSummary(s, { requireSplitScan: true });
        expect(summary.complete, JSON.stringify(summary.problems)).to.equal(true);
      }),
      RUNS
    );
  });

  it('with wrong, sold, opened and surplus packs mixed in, no line is overfilled or gets another drug', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const w = world(c);
        const all = [...w.right, ...w.noise];
        const { session: s, decisions } = scanAll(session(w), shuffle(all, c.seed));
        for (const { d } of decisions) {
          expect(d.result === 'rejected').to.equal(d.problem !== null);
        }
        checkInvariants(s, new Map(all.map((r) => [r.pack.traceCode, r.pack])));
      }),
      RUNS
    );
  });
});
