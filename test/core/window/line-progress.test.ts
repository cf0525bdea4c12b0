import { expect } from 'chai';
import { decideDispenseScan } from '../../../core/window/decide-dispense-scan.js';
import { completionProblems, lineProgress, sessionSummary } from '../../../core/window/line-progress.js';
import { atorvastatin, code, dispenseSession, pack, unitInput, withScan } from './window-fixtures.js';

const A = (n: number) => code(atorvastatin, n);

describe('line progress and completion problems (应扫尽扫)', () => {
  const rx = () =>
    dispenseSession([
      { lineNo: 1, hisDrugCode: 'Y001', quantity: 2, unit: '盒' },
      { lineNo: 2, hisDrugCode: 'Y001', quantity: 3, unit: '片' },
      { lineNo: 3, hisDrugCode: 'Y900', quantity: 30, unit: 'g' },
    ]);
  const one = () =>
    withScan(rx(), A(1), decideDispenseScan(unitInput(rx(), atorvastatin, A(1), pack(A(1), atorvastatin))));

  it('PACKS_MISSING: 第1行 阿托伐他汀钙片 20mg*7片：应扫2盒，实扫1盒; SPLIT_SCAN_MISSING for the split line', () => {
    const problems = completionProblems(one(), { requireSplitScan: true });
    expect(problems).to.deep.equal([
      { code: 'PACKS_MISSING', message: '第1行 阿托伐他汀钙片 20mg*7片：应扫2盒，实扫1盒' },
      {
        code: 'SPLIT_SCAN_MISSING',
        message: '第2行 阿托伐他汀钙片 20mg*7片：拆零数量 3（最小单位），还没有扫拆零用的药盒',
      },
    ]);
    expect(completionProblems(one(), { requireSplitScan: false }).map((p) => p.code)).to.deep.equal(['PACKS_MISSING']);
  });

  it('counts only non-withdrawn accepted/warning scans; an exempt line is complete with no scans', () => {
    const s = one();
    const withdrawn = { ...s, scans: s.scans.map((sc) => ({ ...sc, withdrawn: true })) };
    expect(lineProgress(withdrawn)[0]).to.include({ scannedPacks: 0, complete: false });
    const refusedScan = { ...s, scans: s.scans.map((sc) => ({ ...sc, result: 'rejected' as const })) };
    expect(lineProgress(refusedScan)[0]?.scannedPacks).to.equal(0);
    expect(lineProgress(s)).to.deep.equal([
      { lineNo: 1, packs: 2, scannedPacks: 1, splitUnits: 0, splitScanned: false, exempt: false, complete: false },
      { lineNo: 2, packs: 0, scannedPacks: 0, splitUnits: 3, splitScanned: false, exempt: false, complete: false },
      { lineNo: 3, packs: 0, scannedPacks: 0, splitUnits: 0, splitScanned: false, exempt: true, complete: true },
    ]);
  });

  it('sessionSummary is complete once every line has what it needs', () => {
    let s = one();
    for (const n of [2, 3]) {
      s = withScan(s, A(n), decideDispenseScan(unitInput(s, atorvastatin, A(n), pack(A(n), atorvastatin))));
    }
    const summary = sessionSummary(s, { requireSplitScan: true });
    expect(summary.complete).to.equal(true);
    expect(summary.problems).to.deep.equal([]);
    expect(summary.progress.map((p) => p.complete)).to.deep.equal([true, true, true]);
    expect(sessionSummary(one(), { requireSplitScan: true }).complete).to.equal(false);
  });
});
