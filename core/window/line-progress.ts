/** Where a session stands after each scan: per-line progress, what still blocks completion (应扫尽扫). */
import { lineFills } from './line-fill.js';
import type { LineFill } from './line-fill.js';
import { lineName, PACK_WORD } from './scan-messages.js';
import type { LineProgress, ScanProblemInfo, Session } from './session.js';
import { defaultWindowPolicy } from './window-policy.js';
import type { WindowPolicy } from './window-policy.js';

type SplitPolicy = Pick<WindowPolicy, 'requireSplitScan'>;

export interface SessionSummary {
  progress: LineProgress[];
  complete: boolean;
  problems: ScanProblemInfo[];
}

/** `policy` decides whether a 拆零 remainder needs its pack scanned before the line counts as complete. */
export function lineProgress(session: Session, policy: SplitPolicy = defaultWindowPolicy): LineProgress[] {
  return lineFills(session).map((f) => ({
    lineNo: f.line.lineNo,
    packs: f.line.packs,
    scannedPacks: f.whole,
    splitUnits: f.line.splitUnits,
    splitScanned: f.splitServed,
    exempt: f.line.exempt,
    complete: f.line.exempt || (f.whole >= f.line.packs && !splitMissing(f, policy)),
  }));
}

/** 第1行 阿托伐他汀钙片 20mg*7片：应扫2盒，实扫1盒 — one problem per missing thing, in line order. */
export function completionProblems(session: Session, policy: SplitPolicy): ScanProblemInfo[] {
  const problems: ScanProblemInfo[] = [];
  for (const f of lineFills(session)) {
    if (f.line.exempt) {
      continue;
    }
    if (f.whole < f.line.packs) {
      problems.push({
        code: 'PACKS_MISSING',
        message: `${lineName(f.line)}：应扫${f.line.packs}${PACK_WORD}，实扫${f.whole}${PACK_WORD}`,
      });
    }
    if (splitMissing(f, policy)) {
      problems.push({
        code: 'SPLIT_SCAN_MISSING',
        message: `${lineName(f.line)}：拆零数量 ${f.line.splitUnits}（最小单位），还没有扫拆零用的药盒`,
      });
    }
  }
  return problems;
}

export function sessionSummary(session: Session, policy: SplitPolicy): SessionSummary {
  const problems = completionProblems(session, policy);
  return { progress: lineProgress(session, policy), complete: problems.length === 0, problems };
}

function splitMissing(f: LineFill, policy: SplitPolicy): boolean {
  return policy.requireSplitScan && f.line.splitUnits > 0 && !f.splitServed;
}
