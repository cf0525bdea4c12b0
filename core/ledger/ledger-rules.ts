import type { TracegateError } from '../errors.js';
import { conflict, invalid } from '../errors.js';
import { shanghaiDateTime } from '../shanghai-time.js';
import type { LedgerAction, LedgerEvent, Pack, PackState } from './pack.js';
import { ledgerActionName, packStateName } from './pack.js';

/** Which states each action may start from. `null` = the code is not in the ledger yet. */
const allowedFrom: Record<LedgerAction, readonly (PackState | null)[]> = {
  receive: [null],
  transfer_in: ['transferred_out'],
  open: ['in_stock'],
  dispense: ['in_stock'],
  dispense_units: ['in_stock', 'opened'],
  return_to_stock: ['dispensed'],
  return_to_quarantine: ['dispensed'],
  quarantine: ['in_stock', 'opened'],
  release: ['quarantined'],
  scrap: ['in_stock', 'opened', 'quarantined'],
  transfer_out: ['in_stock'],
  correct: [null, 'in_stock', 'opened', 'dispensed', 'quarantined', 'scrapped', 'transferred_out'],
};

export interface TransitionInput {
  action: LedgerAction;
  /** Units taken (dispense_units) — in 最小计价单位. */
  units?: number;
  /** Units in one full pack of this drug, to open a pack. */
  unitsPerPack?: number;
  /** Target state of a correction. */
  correctTo?: PackState;
  reason?: string | null;
}

export interface NextState {
  state: PackState;
  unitsRemaining: number | null;
}

/** The pure state machine: where `action` takes `pack`, or a typed error saying why it may not. */
export function nextState(traceCode: string, pack: Pack | null, input: TransitionInput): NextState {
  const from = pack?.state ?? null;
  if (!allowedFrom[input.action].includes(from)) {
    throw illegalTransition(traceCode, pack, input.action);
  }
  switch (input.action) {
    case 'receive':
    case 'transfer_in':
    case 'return_to_stock':
      return { state: 'in_stock', unitsRemaining: null };
    case 'release':
      return pack?.unitsRemaining != null
        ? { state: 'opened', unitsRemaining: pack.unitsRemaining }
        : { state: 'in_stock', unitsRemaining: null };
    case 'open':
      return { state: 'opened', unitsRemaining: requirePositive(input.unitsPerPack, 'unitsPerPack') };
    case 'dispense':
      return { state: 'dispensed', unitsRemaining: null };
    case 'dispense_units':
      return takeUnits(traceCode, pack, input);
    case 'return_to_quarantine':
    case 'quarantine':
      return { state: 'quarantined', unitsRemaining: pack?.unitsRemaining ?? null };
    case 'scrap':
      return { state: 'scrapped', unitsRemaining: null };
    case 'transfer_out':
      return { state: 'transferred_out', unitsRemaining: null };
    case 'correct':
      return correction(traceCode, pack, input);
    default:
      return input.action satisfies never;
  }
}

function takeUnits(traceCode: string, pack: Pack | null, input: TransitionInput): NextState {
  const units = requirePositive(input.units, 'units');
  const available =
    pack?.state === 'opened' ? (pack.unitsRemaining ?? 0) : requirePositive(input.unitsPerPack, 'unitsPerPack');
  if (units > available) {
    throw conflict('SPLIT_PACK_UNITS_EXCEEDED', `追溯码 ${traceCode} 拆零剩余 ${available}，不够本次发药 ${units}`, {
      traceCode,
      available,
      requested: units,
    });
  }
  const left = available - units;
  return left === 0 ? { state: 'dispensed', unitsRemaining: 0 } : { state: 'opened', unitsRemaining: left };
}

function correction(traceCode: string, pack: Pack | null, input: TransitionInput): NextState {
  if (!input.reason?.trim()) {
    throw invalid('CORRECTION_REASON_REQUIRED', `更正追溯码 ${traceCode} 必须填写原因`, { traceCode });
  }
  if (!input.correctTo) {
    throw invalid('CORRECTION_TARGET_REQUIRED', `更正追溯码 ${traceCode} 必须指定目标状态`, { traceCode });
  }
  if (input.correctTo === pack?.state) {
    throw conflict('CORRECTION_NO_CHANGE', `追溯码 ${traceCode} 已是「${packStateName[input.correctTo]}」，无需更正`, {
      traceCode,
    });
  }
  return {
    state: input.correctTo,
    unitsRemaining: input.correctTo === 'opened' ? (pack?.unitsRemaining ?? null) : null,
  };
}

function requirePositive(n: number | undefined, field: string): number {
  if (n === undefined || !Number.isInteger(n) || n <= 0) {
    throw invalid('LEDGER_INPUT_INVALID', `${field} 必须是正整数`, { field, value: n });
  }
  return n;
}

/** Machine codes for the refusals people meet most; every other illegal step is ILLEGAL_TRANSITION. */
function illegalCode(action: LedgerAction, from: PackState | null): string {
  if (from === null) {
    return 'CODE_NOT_IN_LEDGER';
  }
  if (action === 'receive') {
    return 'CODE_ALREADY_RECEIVED';
  }
  if ((action === 'dispense' || action === 'dispense_units') && from === 'dispensed') {
    return 'CODE_ALREADY_DISPENSED';
  }
  if ((action === 'return_to_stock' || action === 'return_to_quarantine') && from !== 'dispensed') {
    return 'CODE_NOT_DISPENSED';
  }
  return 'ILLEGAL_TRANSITION';
}

export function describeWhereAndWhen(pack: Pack): string {
  // People read hospital-local time; the ledger stores UTC.
  const parts = [shanghaiDateTime(pack.updatedAt).slice(0, 16)];
  if (pack.location) {
    parts.push(`于 ${pack.location}`);
  }
  if (pack.ref) {
    parts.push(`单号 ${pack.ref}`);
  }
  return parts.join('，');
}

export function illegalTransition(traceCode: string, pack: Pack | null, action: LedgerAction): TracegateError {
  const code = illegalCode(action, pack?.state ?? null);
  const verb = ledgerActionName[action];
  const message = pack
    ? `追溯码 ${traceCode} 当前状态为「${packStateName[pack.state]}」（${describeWhereAndWhen(pack)}），不能${verb}`
    : `追溯码 ${traceCode} 不在本院台账中，不能${verb}`;
  return conflict(code, message, {
    traceCode,
    action,
    state: pack?.state ?? null,
    since: pack?.updatedAt ?? null,
    location: pack?.location ?? null,
    ref: pack?.ref ?? null,
  });
}

export interface EventContext {
  actor: string;
  at: string;
  location: string | null;
  ref: string | null;
  reason: string | null;
  details: Record<string, unknown> | null;
}

/** The event and the new pack row for one step; the store appends the one and guards the other by seq. */
export function buildChange(
  traceCode: string,
  hisDrugCode: string,
  before: Pack | null,
  input: TransitionInput,
  ctx: EventContext,
  lotExpiry: { lot: string | null; expiry: string | null; manufactureDate: string | null } = {
    lot: before?.lot ?? null,
    expiry: before?.expiry ?? null,
    manufactureDate: before?.manufactureDate ?? null,
  }
): { after: Pack; event: LedgerEvent } {
  const next = nextState(traceCode, before, input);
  const seq = (before?.seq ?? 0) + 1;
  const after: Pack = {
    traceCode,
    hisDrugCode: before?.hisDrugCode ?? hisDrugCode,
    state: next.state,
    unitsRemaining: next.unitsRemaining,
    lot: lotExpiry.lot,
    expiry: lotExpiry.expiry,
    manufactureDate: lotExpiry.manufactureDate,
    seq,
    updatedAt: ctx.at,
    location: ctx.location,
    ref: ctx.ref,
  };
  const event: LedgerEvent = {
    traceCode,
    seq,
    action: input.action,
    fromState: before?.state ?? null,
    toState: next.state,
    units: input.action === 'dispense_units' ? (input.units ?? null) : null,
    occurredAt: ctx.at,
    actor: ctx.actor,
    location: ctx.location,
    ref: ctx.ref,
    reason: ctx.reason,
    details: ctx.details,
  };
  return { after, event };
}
