/**
 * PRODUCT.md rule 5 for one scan at the dispensing window: which line a pack goes to (多码混扫, any order), or why
 * it may not leave. Never throws for a bad scan — every refusal is a decision the pharmacist reads at once.
 */
import { packLevelName } from '../catalog/drug.js';
import type { Drug } from '../catalog/drug.js';
import { checkDispensable } from './dispense-unit-check.js';
import type { DispenseCheckContext } from './dispense-unit-check.js';
import { bestSplitLine, fillsOfDrug, firstNeedingWhole, needsSplit, wholeRoom } from './line-fill.js';
import type { LineFill } from './line-fill.js';
import { acceptedScan, duplicateScan, gs1LotAndExpiry, rejectedScan, requireUnits } from './scan-decision.js';
import type { ScanDecision, ScanInput, ScannedUnit } from './scan-decision.js';
import { drugLabel, PACK_WORD, subjectOf, unitWord } from './scan-messages.js';
import { codesInSession, dispenseOrderOf } from './session-scans.js';
import type { Assignment, ScanProblemInfo } from './session.js';

export function decideDispenseScan(input: ScanInput): ScanDecision {
  dispenseOrderOf(input.session);
  requireUnits(input);
  const { session, resolved } = input;
  const drug = resolved.owner.drug;
  const label = drugLabel(drug);
  if (codesInSession(session).has(resolved.traceCode)) {
    return duplicateScan();
  }
  const fills = fillsOfDrug(session, drug.hisDrugCode);
  if (fills.length === 0) {
    return rejectedScan('DRUG_NOT_ON_PRESCRIPTION', `追溯码 ${resolved.traceCode} 是 ${label}，本处方没有这个药`);
  }
  const coded = fills.filter((f) => !f.line.exempt);
  if (coded.length === 0) {
    const lines = fills.map((f) => `第${f.line.lineNo}行`).join('、');
    return rejectedScan(
      'LINE_EXEMPT',
      `追溯码 ${resolved.traceCode} 是 ${label}，本处方${lines}是无码药品，不需要扫码`
    );
  }
  return resolved.owner.packLevel === 1 ? decideUnit(input, coded) : decideCase(input, coded);
}

function checkContext(input: ScanInput, allowOpened: boolean): DispenseCheckContext {
  return {
    drug: input.resolved.owner.drug,
    scannedCode: input.resolved.traceCode,
    scannedLevel: input.resolved.owner.packLevel,
    policy: input.policy,
    today: input.today,
    scannedExpiry: gs1LotAndExpiry(input.resolved)?.expiry ?? null,
    allowOpened,
  };
}

function decideUnit(input: ScanInput, coded: LineFill[]): ScanDecision {
  const unit = input.units[0] as ScannedUnit;
  const drug = input.resolved.owner.drug;
  const check = checkDispensable(unit, checkContext(input, true));
  if (!check.ok) {
    return rejectedScan(check.problem.code, check.problem.message);
  }
  const role = pickRole(unit, drug, coded);
  if ('problem' in role) {
    return rejectedScan(role.problem.code, role.problem.message);
  }
  const assignment: Assignment = {
    traceCode: unit.traceCode,
    lineNo: role.fill.line.lineNo,
    role: role.role,
    units: role.role === 'split' ? role.fill.line.splitUnits : null,
    stateAtScan: unit.pack?.state ?? null,
    via: unit.via,
  };
  return acceptedScan([assignment], check.neverReceived ? neverReceived(input, 1) : null);
}

type Role = { fill: LineFill; role: 'whole' | 'split' } | { problem: ScanProblemInfo };

/**
 * An opened pack can only serve a 拆零 remainder, and only if enough units are left in it. An unopened pack fills
 * whole packs first (应扫), then may be the pack opened for a remainder.
 */
function pickRole(unit: ScannedUnit, drug: Drug, coded: LineFill[]): Role {
  const code = unit.traceCode;
  const label = drugLabel(drug);
  const unitName = unitWord(drug);
  if (unit.pack?.state === 'opened') {
    const remaining = unit.pack.unitsRemaining ?? 0;
    const splitLines = coded.filter((f) => f.line.splitUnits > 0);
    if (splitLines.length === 0) {
      return {
        problem: {
          code: 'CODE_OPENED',
          message: `追溯码 ${code}（${label}）已拆零（剩余 ${remaining}${unitName}），只能用于拆零发药，本处方这个药没有拆零数量，请扫未拆封的药盒`,
        },
      };
    }
    const open = splitLines.filter(needsSplit);
    if (open.length === 0) {
      return { problem: tooManyPacks(code, label, coded, unitName) };
    }
    const fill = bestSplitLine(open, remaining);
    if (!fill) {
      const need = Math.min(...open.map((f) => f.line.splitUnits));
      return {
        problem: {
          code: 'SPLIT_PACK_UNITS_EXCEEDED',
          message: `追溯码 ${code}（${label}）拆零剩余 ${remaining}${unitName}，不够本次 ${need}${unitName}，请换一盒`,
        },
      };
    }
    return { fill, role: 'split' };
  }
  const whole = firstNeedingWhole(coded);
  if (whole) {
    return { fill: whole, role: 'whole' };
  }
  const split = bestSplitLine(coded, drug.unitsPerPack);
  if (split) {
    return { fill: split, role: 'split' };
  }
  return { problem: tooManyPacks(code, label, coded, unitName) };
}

/** 阿托伐他汀钙片 20mg*7片 应扫 2 盒，已扫满 2 盒，这一盒多了 — summed over every line of the drug. */
function tooManyPacks(code: string, label: string, coded: LineFill[], unitName: string): ScanProblemInfo {
  const packs = coded.reduce((n, f) => n + f.line.packs, 0);
  const whole = coded.reduce((n, f) => n + f.whole, 0);
  const split = coded.reduce((n, f) => n + f.line.splitUnits, 0);
  const splitNeed = split > 0 ? ` + 拆零 ${split}${unitName}` : '';
  const splitDone = split > 0 ? ` + 拆零` : '';
  return {
    code: 'TOO_MANY_PACKS',
    message: `追溯码 ${code}：${label} 应扫 ${packs} ${PACK_WORD}${splitNeed}，已扫满 ${whole} ${PACK_WORD}${splitDone}，这一${PACK_WORD}多了`,
  };
}

/** 大码/中码 at the window: every unit must be a dispensable whole pack and the lines must take all of them. */
function decideCase(input: ScanInput, coded: LineFill[]): ScanDecision {
  const { resolved, units } = input;
  const drug = resolved.owner.drug;
  const label = drugLabel(drug);
  const level = packLevelName[resolved.owner.packLevel];
  if (units.length === 0) {
    return rejectedScan(
      'CASE_UNITS_UNKNOWN',
      `${level} ${resolved.traceCode}（${label}）没有登记所含小码，不能整件发药，请拆开逐${PACK_WORD}扫描`
    );
  }
  const inSession = codesInSession(input.session);
  const ctx = checkContext(input, false);
  let unknown = 0;
  for (const unit of units) {
    if (inSession.has(unit.traceCode)) {
      const subject = subjectOf(unit.traceCode, resolved.traceCode, resolved.owner.packLevel);
      return rejectedScan(
        'CODE_ALREADY_SCANNED',
        `${subject}（${label}）本次已扫过，整件不能再扫入，请逐${PACK_WORD}扫描其余药盒`
      );
    }
    const check = checkDispensable(unit, ctx);
    if (!check.ok) {
      return rejectedScan(check.problem.code, check.problem.message);
    }
    unknown += check.neverReceived ? 1 : 0;
  }
  const room = wholeRoom(coded);
  if (units.length > room) {
    return rejectedScan(
      'TOO_MANY_PACKS',
      `${level} ${resolved.traceCode} 含 ${units.length} ${PACK_WORD} ${label}，本处方这个药还差 ${room} ${PACK_WORD}，整件发出就多了，请拆开扫小码`
    );
  }
  const assignments: Assignment[] = [];
  const counts = coded.map((f) => ({ fill: f, whole: f.whole }));
  for (const unit of units) {
    const target = counts.find((c) => c.whole < c.fill.line.packs);
    if (!target) {
      throw new Error('room was counted before assigning'); // unreachable: room ≥ units.length
    }
    target.whole++;
    assignments.push({
      traceCode: unit.traceCode,
      lineNo: target.fill.line.lineNo,
      role: 'whole',
      units: null,
      stateAtScan: unit.pack?.state ?? null,
      via: unit.via ?? resolved.traceCode,
    });
  }
  return acceptedScan(assignments, unknown > 0 ? neverReceived(input, unknown) : null);
}

/** Let through under policy 'warn', but said out loud: the pack never came in through this hospital's receipt. */
function neverReceived(input: ScanInput, count: number): ScanProblemInfo {
  const { resolved } = input;
  const label = drugLabel(resolved.owner.drug);
  const what =
    resolved.owner.packLevel === 1
      ? `追溯码 ${resolved.traceCode}（${label}）`
      : `${packLevelName[resolved.owner.packLevel]} ${resolved.traceCode} 中 ${count} ${PACK_WORD}（${label}）`;
  return { code: 'CODE_NOT_RECEIVED', message: `${what}不在本院台账中（未入库），已按警告放行，请补办入库并核查来源` };
}
