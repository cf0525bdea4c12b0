/** The wording shared by the window's decisions: every message names the code, the drug and, where known, when/where. */
import type { Drug, PackLevel } from '../catalog/drug.js';
import { packLevelName } from '../catalog/drug.js';
import { describeWhereAndWhen } from '../ledger/ledger-rules.js';
import type { Pack } from '../ledger/pack.js';
import { packStateName } from '../ledger/pack.js';
import type { LinePlan, ScanProblemInfo } from './session.js';

/** 阿托伐他汀钙片 20mg*7片 — name and spec, as the pharmacist reads them on the box. */
export function drugLabel(drug: Pick<Drug, 'name' | 'spec'>): string {
  return drug.spec ? `${drug.name} ${drug.spec}` : drug.name;
}

export function unitWord(drug: Pick<Drug, 'unitName'>): string {
  return drug.unitName ?? '个';
}

/** The whole-pack word: the catalog has no pack-unit name, and 盒 is what the window says. */
export const PACK_WORD = '盒';

/** "追溯码 U", or "大码 C 中的追溯码 U" when the unit came in a case/middle the pharmacist scanned. */
export function subjectOf(unitCode: string, scannedCode: string, scannedLevel: PackLevel): string {
  return unitCode === scannedCode
    ? `追溯码 ${unitCode}`
    : `${packLevelName[scannedLevel]} ${scannedCode} 中的追溯码 ${unitCode}`;
}

/** 「已发药」（2026-11-22 08:15，于 门诊西药房 3号窗口，单号 RX…） */
export function stateAndWhere(pack: Pack): string {
  return `「${packStateName[pack.state]}」（${describeWhereAndWhen(pack)}）`;
}

export function lineName(line: LinePlan): string {
  return `第${line.lineNo}行 ${line.drugName}`;
}

/** 追溯码 X（阿托伐他汀钙片 20mg*7片）当前状态为「已发药」（…），<what follows>. */
export function stateProblem(code: string, subject: string, label: string, pack: Pack, tail: string): ScanProblemInfo {
  return { code, message: `${subject}（${label}）当前状态为${stateAndWhere(pack)}，${tail}` };
}
