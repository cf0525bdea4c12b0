/** Builders for the store contract: realistic drafts, packs and ledger changes with Chinese text and nulls. */
import type { DrugDraft } from '../../core/catalog/drug.js';
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';
import type { LedgerAction, LedgerChange, Pack, PackState } from '../../core/ledger/pack.js';

export const T0 = '2025-07-01T08:00:00.000Z';
export const T1 = '2025-07-01T09:30:00.000Z';

/** A 20-digit Chinese trace code whose first 7 digits are `prefix`. */
export function traceCode(n: number, prefix = '8100001'): string {
  return prefix + String(n).padStart(13, '0');
}

export function drugDraft(hisDrugCode: string, overrides: Partial<DrugDraft> = {}): DrugDraft {
  return {
    hisDrugCode,
    insuranceCode: `XC01AA${hisDrugCode}`,
    name: '阿莫西林胶囊',
    spec: '0.25g*24粒',
    manufacturer: '华北制药股份有限公司',
    rxFlag: true,
    vbpFlag: false,
    unitsPerPack: 24,
    unitName: '粒',
    prefixes: [],
    gtins: [],
    barcode69: null,
    exempt: false,
    exemptReason: null,
    ...overrides,
  };
}

export function receivedPack(code: string, overrides: Partial<Pack> = {}): Pack {
  return {
    traceCode: code,
    hisDrugCode: 'Y0001',
    state: 'in_stock',
    unitsRemaining: null,
    lot: '批号A2501',
    expiry: '2027-06-30',
    seq: 1,
    updatedAt: T0,
    location: '西药房',
    ref: '入库单-0001',
    ...overrides,
  };
}

export function receive(code: string, overrides: Partial<Pack> = {}): LedgerChange {
  const after = receivedPack(code, overrides);
  return {
    before: null,
    after,
    event: {
      traceCode: code,
      seq: 1,
      action: 'receive',
      fromState: null,
      toState: after.state,
      units: null,
      occurredAt: after.updatedAt,
      actor: '药库-张三',
      location: after.location,
      ref: after.ref,
      reason: null,
      details: { raw: `]d2${code}`, caseCode: null, 备注: '整箱入库', nested: { n: [1, 2, 3], ok: true } },
    },
  };
}

/** The next step of a pack's life: seq + 1, new state, and the event that says why. */
export function move(
  before: Pack,
  action: LedgerAction,
  toState: PackState,
  overrides: Partial<Pack> & { units?: number | null; reason?: string | null; actor?: string } = {}
): LedgerChange {
  const { units = null, reason = null, actor = '门诊药房-李四', ...packOverrides } = overrides;
  const after: Pack = {
    ...before,
    state: toState,
    seq: before.seq + 1,
    updatedAt: T1,
    ref: '处方-9001',
    ...packOverrides,
  };
  return {
    before,
    after,
    event: {
      traceCode: before.traceCode,
      seq: after.seq,
      action,
      fromState: before.state,
      toState,
      units,
      occurredAt: after.updatedAt,
      actor,
      location: after.location,
      ref: after.ref,
      reason,
      details: null,
    },
  };
}

export function relation(
  parentCode: string,
  childCode: string,
  overrides: Partial<PackageRelation> = {}
): PackageRelation {
  return { parentCode, childCode, parentLevel: 3, childLevel: 1, parentStatus: 'normal', ...overrides };
}
