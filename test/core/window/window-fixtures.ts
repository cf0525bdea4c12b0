/** Hand-built drugs, packs and sessions for the window's decisions; real types, no store. */
import type { ResolvedCode } from '../../../core/catalog/catalog-service.js';
import type { Drug, DrugDraft, PackLevel } from '../../../core/catalog/drug.js';
import type { Pack, PackState } from '../../../core/ledger/pack.js';
import { planDispense, planReceipt, planReturn } from '../../../core/window/plan-lines.js';
import type { ScanDecision, ScanInput, ScannedUnit } from '../../../core/window/scan-decision.js';
import type {
  DispenseOrder,
  OrderLine,
  ReceiptLine,
  ReceiptOrder,
  ReturnOrder,
  Session,
} from '../../../core/window/session.js';
import { defaultWindowPolicy } from '../../../core/window/window-policy.js';
import type { WindowPolicy } from '../../../core/window/window-policy.js';

export const TODAY = '2026-11-22';
export const NOW = '2026-11-22T02:30:00.000Z'; // 10:30 in Shanghai

function drug(d: Partial<DrugDraft> & Pick<DrugDraft, 'hisDrugCode' | 'name' | 'unitsPerPack'>): Drug {
  return {
    insuranceCode: `XI${d.hisDrugCode}`,
    spec: null,
    manufacturer: '某某制药有限公司',
    rxFlag: true,
    vbpFlag: false,
    unitName: '片',
    prefixes: [],
    gtins: [],
    barcode69: null,
    exempt: false,
    exemptReason: null,
    version: 1,
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'test',
    ...d,
  };
}

export const atorvastatin = drug({
  hisDrugCode: 'Y001',
  name: '阿托伐他汀钙片',
  spec: '20mg*7片',
  unitsPerPack: 7,
  vbpFlag: true,
  prefixes: [
    { prefix: '8100001', packLevel: 1, unitCount: 1 },
    { prefix: '8100002', packLevel: 3, unitCount: 10 },
  ],
});
export const metformin = drug({
  hisDrugCode: 'Y002',
  name: '二甲双胍缓释片',
  spec: '0.5g*30片',
  unitsPerPack: 30,
  prefixes: [{ prefix: '8100011', packLevel: 1, unitCount: 1 }],
});
export const amoxicillin = drug({
  hisDrugCode: 'Y003',
  name: '阿莫西林胶囊',
  spec: '0.25g*24粒',
  unitsPerPack: 24,
  unitName: '粒',
  rxFlag: false,
  prefixes: [{ prefix: '8100021', packLevel: 1, unitCount: 1 }],
});
export const astragalus = drug({
  hisDrugCode: 'Y900',
  name: '黄芪',
  spec: '中药饮片',
  unitsPerPack: 1,
  unitName: 'g',
  exempt: true,
  exemptReason: '中药饮片',
});

export const drugs = [atorvastatin, metformin, amoxicillin, astragalus];
export const drugOf = (code: string): Drug | undefined => drugs.find((d) => d.hisDrugCode === code);

/** A 20-digit code of the drug's unit-level prefix (or the given one). */
export function code(d: Drug, serial: number, level: PackLevel = 1): string {
  const prefix =
    d.prefixes.find((p) => p.packLevel === level)?.prefix ?? `8${d.hisDrugCode.replace(/\D/g, '').padStart(6, '9')}`;
  return `${prefix}${String(serial).padStart(13, '0')}`;
}

export function pack(traceCode: string, d: Drug, state: PackState = 'in_stock', extra: Partial<Pack> = {}): Pack {
  return {
    traceCode,
    hisDrugCode: d.hisDrugCode,
    state,
    unitsRemaining: state === 'opened' ? d.unitsPerPack : null,
    lot: 'L2026A',
    expiry: '2028-06-30',
    manufactureDate: '2026-06-30',
    seq: 1,
    updatedAt: '2026-11-20T01:15:00.000Z',
    location: '药库',
    ref: 'PS-001',
    ...extra,
  };
}

export function resolved(traceCode: string, d: Drug, level: PackLevel = 1): ResolvedCode {
  const unitCount = d.prefixes.find((p) => p.packLevel === level)?.unitCount ?? 1;
  return {
    traceCode,
    scan: {
      kind: 'cn_trace_code',
      raw: traceCode,
      normalized: traceCode,
      traceCode,
      productPrefix: traceCode.slice(0, 7),
      serial: traceCode.slice(7),
    },
    owner: { drug: d, packLevel: level, unitCount },
  };
}

export function gs1Resolved(d: Drug, serial: string, lot: string | null, expiry: string | null): ResolvedCode {
  const gtin = '06901234567892';
  const traceCode = `01${gtin}21${serial}`;
  return {
    traceCode,
    scan: {
      kind: 'gs1',
      raw: traceCode,
      normalized: traceCode,
      symbology: ']d2',
      traceCode,
      gtin,
      serial,
      lot,
      expiry,
      productionDate: null,
    },
    owner: { drug: d, packLevel: 1, unitCount: 1 },
  };
}

function session(kind: Session['kind'], order: Session['order'], plan: Session['plan'], id: string): Session {
  return {
    id,
    kind,
    state: 'open',
    location: '门诊西药房 3号窗口',
    createdAt: '2026-11-22T02:00:00.000Z',
    createdBy: 'pharmacist-1',
    order,
    plan,
    scans: [],
    completedAt: null,
    completedBy: null,
    override: null,
    version: 1,
  };
}

export function dispenseOrder(lines: OrderLine[], extra: Partial<DispenseOrder> = {}): DispenseOrder {
  return {
    prescriptionNo: 'RX20261122001',
    visitNo: 'V20261122001',
    insuranceVisitId: 'MDTRT0001',
    patientId: 'P001',
    patientName: '张三',
    settlementType: 'insured',
    settlementId: 'SETL0001',
    doctorName: '李医生',
    lines,
    ...extra,
  };
}

export function dispenseSession(lines: OrderLine[], extra: Partial<DispenseOrder> = {}, id = 'disp-0001'): Session {
  const order = dispenseOrder(lines, extra);
  return session('dispense', order, planDispense(order, drugOf), id);
}

export function receiptSession(lines: ReceiptLine[], id = 'rcpt-0001'): Session {
  const order: ReceiptOrder = { deliveryNo: 'PS-20261122-01', supplier: '国药控股某某有限公司', lines };
  return session('receipt', order, planReceipt(order, drugOf), id);
}

export function returnSession(order: ReturnOrder, originals: Session[], id = 'retn-0001'): Session {
  return session('return', order, planReturn(order, originals, drugOf), id);
}

/** The session as it stands after the decision (the orchestration service's job, done by hand here). */
export function withScan(s: Session, traceCode: string, decision: ScanDecision): Session {
  const seq = s.scans.length + 1;
  return {
    ...s,
    scans: [
      ...s.scans,
      {
        seq,
        raw: traceCode,
        traceCode,
        result: decision.result,
        problem: decision.problem,
        assignments: decision.assignments,
        at: NOW,
        actor: 'pharmacist-1',
        withdrawn: false,
      },
    ],
  };
}

export function completed(s: Session, completedAt = NOW): Session {
  return { ...s, state: 'completed', completedAt, completedBy: 'pharmacist-1' };
}

export interface InputOptions {
  units?: ScannedUnit[];
  policy?: Partial<WindowPolicy>;
  today?: string;
  resolved?: ResolvedCode;
}

/** The input for one scan of `p` (or of `traceCode` with no ledger pack when `p` is null). */
export function unitInput(s: Session, d: Drug, traceCode: string, p: Pack | null, opts: InputOptions = {}): ScanInput {
  return {
    session: s,
    raw: traceCode,
    resolved: opts.resolved ?? resolved(traceCode, d),
    units: opts.units ?? [{ traceCode, pack: p, via: null }],
    today: opts.today ?? TODAY,
    now: NOW,
    policy: { ...defaultWindowPolicy, ...opts.policy },
  };
}

/** A case code of `d` holding `units`. */
export function caseInput(s: Session, d: Drug, caseCode: string, units: Pack[], opts: InputOptions = {}): ScanInput {
  return {
    ...unitInput(s, d, caseCode, null, opts),
    resolved: resolved(caseCode, d, 3),
    units: units.map((p) => ({ traceCode: p.traceCode, pack: p, via: caseCode })),
  };
}

/** Deterministic Fisher–Yates for scenario tests. */
export function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let x = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
