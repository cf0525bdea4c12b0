import { expect } from 'chai';
import { isTracegateError } from '../../../core/errors.js';
import { expandToUnits } from '../../../core/hierarchy/expand-to-units.js';
import type { PackageRelation, ParentStatus } from '../../../core/hierarchy/package-relation.js';

const code = (prefix: string, n: number): string => prefix + String(n).padStart(13, '0');
const CASE = code('8323456', 1);

/** An in-memory relation store that records every childrenOf call. */
function store(relations: PackageRelation[]) {
  const calls: string[][] = [];
  const childrenOf = async (codes: string[]): Promise<PackageRelation[]> => {
    calls.push([...codes]);
    const wanted = new Set(codes);
    return relations.filter((r) => wanted.has(r.parentCode));
  };
  return { calls, childrenOf };
}

function edge(
  parentCode: string,
  childCode: string,
  parentLevel: 1 | 2 | 3,
  childLevel: 1 | 2 | 3,
  parentStatus: ParentStatus = 'normal'
): PackageRelation {
  return { parentCode, childCode, parentLevel, childLevel, parentStatus };
}

/** case → 2 middles → 10 units each. */
function caseOf20(middleStatus: ParentStatus = 'normal'): PackageRelation[] {
  const rels: PackageRelation[] = [];
  for (let m = 1; m <= 2; m++) {
    const middle = code('8223456', m);
    rels.push(edge(CASE, middle, 3, 2));
    for (let u = 1; u <= 10; u++) {
      rels.push(edge(middle, code('8123456', (m - 1) * 10 + u), 2, 1, m === 2 ? middleStatus : 'normal'));
    }
  }
  return rels;
}

async function expectError(p: Promise<unknown>, errorCode: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isTracegateError(e) && e.code).to.equal(errorCode);
    return;
  }
  expect.fail(`expected ${errorCode}`);
}

describe('core/hierarchy/expandToUnits', () => {
  it('expands case → 2 middles → 10 units each with exactly one childrenOf call per level', async () => {
    const s = store(caseOf20());
    const r = await expandToUnits(CASE, s.childrenOf);
    expect(s.calls).to.deep.equal([[CASE], [code('8223456', 1), code('8223456', 2)]]);
    expect(r.units).to.have.length(20);
    expect(r.units).to.deep.equal(Array.from({ length: 20 }, (_, i) => code('8123456', i + 1)));
    expect(r.parents.get(code('8123456', 1))).to.equal(code('8223456', 1));
    expect(r.parents.get(code('8123456', 20))).to.equal(code('8223456', 2));
    expect(r.parents.size).to.equal(20);
    expect(r.incomplete).to.deep.equal([]);
    expect(r.missing).to.deep.equal([]);
  });

  it('a code without children is not a parent: units = [] after one call', async () => {
    const s = store(caseOf20());
    const r = await expandToUnits(code('8123456', 1), s.childrenOf);
    expect(r.units).to.deep.equal([]);
    expect(s.calls).to.have.length(1);
  });

  it('a middle code expands in one call', async () => {
    const s = store(caseOf20());
    const r = await expandToUnits(code('8223456', 2), s.childrenOf);
    expect(r.units).to.have.length(10);
    expect(s.calls).to.have.length(1);
  });

  it('a case holding units directly', async () => {
    const s = store([edge(CASE, code('8123456', 1), 3, 1), edge(CASE, code('8123456', 2), 3, 1)]);
    const r = await expandToUnits(CASE, s.childrenOf);
    expect(r.units).to.deep.equal([code('8123456', 1), code('8123456', 2)]);
    expect(r.parents.get(code('8123456', 2))).to.equal(CASE);
    expect(s.calls).to.have.length(1);
  });

  it('reports mixed/partial parents as incomplete (once each)', async () => {
    const r = await expandToUnits(CASE, store(caseOf20('mixed')).childrenOf);
    expect(r.incomplete).to.deep.equal([code('8223456', 2)]);
    expect(r.units).to.have.length(20);
  });

  it('reports middles whose units are unknown as missing', async () => {
    const rels = caseOf20().filter((r) => r.parentCode !== code('8223456', 2));
    const r = await expandToUnits(CASE, store(rels).childrenOf);
    expect(r.units).to.have.length(10);
    expect(r.missing).to.deep.equal([code('8223456', 2)]);
  });

  it('ignores a duplicated edge and relations for codes it did not ask about', async () => {
    const rels = [
      ...caseOf20(),
      edge(CASE, code('8223456', 1), 3, 2),
      edge(code('8229999', 1), code('8129999', 1), 2, 1),
    ];
    const childrenOf = async (): Promise<PackageRelation[]> => rels;
    const r = await expandToUnits(CASE, childrenOf);
    expect(r.units).to.have.length(20);
  });

  it('refuses a cycle', async () => {
    const a = code('8323456', 1);
    const b = code('8223456', 1);
    await expectError(expandToUnits(a, store([edge(a, b, 3, 2), edge(b, a, 2, 2)]).childrenOf), 'RELATION_CYCLE');
  });

  it('refuses a hierarchy deeper than three levels', async () => {
    let n = 0;
    const endless = async (codes: string[]): Promise<PackageRelation[]> =>
      codes.map((c) => edge(c, code('8223456', ++n), 3, 2));
    await expectError(expandToUnits(CASE, endless), 'RELATION_TOO_DEEP');
    expect(n).to.equal(3);
  });
});
