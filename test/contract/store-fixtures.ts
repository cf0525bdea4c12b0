/** Builders for the store contract: realistic drafts, packs and ledger changes with Chinese text and nulls. */
import type { DrugDraft } from '../../core/catalog/drug.js';
import type { PackageRelation } from '../../core/hierarchy/package-relation.js';
import type { UploadAttempt } from '../../core/insurance/upload.js';
import type { LedgerAction, LedgerChange, Pack, PackState } from '../../core/ledger/pack.js';
import type { ProxyRequest } from '../../core/ports/proxy-store.js';
import type { AuditEntry, BusinessRow } from '../../core/window/business-row.js';
import type { Session } from '../../core/window/session.js';

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
    manufactureDate: '2025-07-01',
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

/**
 * An open outpatient dispense session as the window keeps it: a two-line prescription (one whole pack, one
 * line with a 拆零 remainder), one accepted scan and one refused scan with its reason, Chinese everywhere.
 */
export function dispenseSession(id: string, overrides: Partial<Session> = {}): Session {
  return {
    id,
    kind: 'dispense',
    state: 'open',
    location: '门诊西药房 3号窗口',
    createdAt: T0,
    createdBy: '门诊药房-李四',
    order: {
      prescriptionNo: 'CF202507010001',
      visitNo: 'MZ20250701-0088',
      insuranceVisitId: 'MDTRT-3301-0001',
      patientId: 'P000123',
      patientName: '王小明',
      settlementType: 'insured',
      settlementId: 'SETL-0001',
      doctorName: '赵医生',
      lines: [
        { lineNo: 1, hisDrugCode: 'Y0001', quantity: 1, unit: '盒' },
        { lineNo: 2, hisDrugCode: 'Y0002', quantity: 30, unit: '片' },
      ],
    },
    plan: [
      {
        lineNo: 1,
        hisDrugCode: 'Y0001',
        drugName: '阿莫西林胶囊',
        exempt: false,
        packs: 1,
        splitUnits: 0,
        unitsPerPack: 24,
        lot: null,
        expiry: null,
      },
      {
        lineNo: 2,
        hisDrugCode: 'Y0002',
        drugName: '硝苯地平控释片',
        exempt: false,
        packs: 1,
        splitUnits: 2,
        unitsPerPack: 28,
        lot: null,
        expiry: null,
      },
    ],
    scans: [
      {
        seq: 1,
        raw: `]d2${traceCode(1)}`,
        traceCode: traceCode(1),
        result: 'accepted',
        problem: null,
        assignments: [
          { traceCode: traceCode(1), lineNo: 1, role: 'whole', units: null, stateAtScan: 'in_stock', via: null },
        ],
        at: T0,
        actor: '门诊药房-李四',
        withdrawn: false,
      },
      {
        seq: 2,
        raw: '6901234567892',
        traceCode: null,
        result: 'rejected',
        problem: { code: 'NOT_A_TRACE_CODE', message: '扫到的是商品条码（69码），请扫描药品追溯码' },
        assignments: [],
        at: T0,
        actor: '门诊药房-李四',
        withdrawn: false,
      },
    ],
    completedAt: null,
    completedBy: null,
    override: null,
    version: 1,
    ...overrides,
  };
}

export function receiptSession(id: string, overrides: Partial<Session> = {}): Session {
  return {
    ...dispenseSession(id),
    kind: 'receipt',
    location: '西药库',
    createdBy: '药库-张三',
    order: {
      deliveryNo: 'PS-20250701-017',
      supplier: '国药控股浙江有限公司',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', lot: '批号A2501', expiry: '2027-06-30', quantity: 250 }],
    },
    scans: [],
    ...overrides,
  };
}

export function returnSession(id: string, overrides: Partial<Session> = {}): Session {
  return {
    ...dispenseSession(id),
    kind: 'return',
    order: {
      dispenseId: 'D-0001',
      prescriptionNo: 'CF202507010001',
      visitNo: null,
      reason: '患者过敏，退回未拆封药品',
      lines: [{ lineNo: 1, hisDrugCode: 'Y0001', quantity: 1 }],
    },
    scans: [],
    ...overrides,
  };
}

/** The session a completion hands to the store: completed by the pharmacist at T1. */
export function completed(session: Session, overrides: Partial<Session> = {}): Session {
  return { ...session, state: 'completed', completedAt: T1, completedBy: '门诊药房-李四', ...overrides };
}

/** A 3505 sale row for the insurance relay. */
export function businessRow(businessKey: string, sessionId: string, overrides: Partial<BusinessRow> = {}): BusinessRow {
  return {
    infno: '3505',
    businessKey,
    sessionId,
    payload: {
      med_list_codg: 'XC01AAY0001',
      fixmedins_hilist_id: 'Y0001',
      fixmedins_hilist_name: '阿莫西林胶囊',
      rx_flag: '1',
      sel_retn_cnt: 1,
      sel_retn_time: '2025-07-01 17:30:00',
      drug_trac_info: [{ drug_trac_codg: traceCode(1) }],
      psn_name: '王小明',
      memo: null,
    },
    createdAt: T1,
    source: 'window',
    orderKeys: [`code:${traceCode(1)}`, `bchno:${businessKey}`],
    state: 'pending',
    ...overrides,
  };
}

export function auditEntry(sessionId: string | null, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: T0,
    actor: '门诊药房-李四',
    role: 'pharmacist',
    action: 'scan_refused',
    sessionId,
    raw: '6901234567892',
    traceCode: null,
    code: 'NOT_A_TRACE_CODE',
    reason: '扫到的是商品条码（69码），请扫描药品追溯码',
    ...overrides,
  };
}

/** Attempt `attempt` of upload `uploadId`: a 3505 sent at T1, not finished yet, with its request body. */
export function uploadAttempt(
  uploadId: number,
  attempt: number,
  overrides: Partial<UploadAttempt> = {}
): UploadAttempt {
  return {
    uploadId,
    attempt,
    infno: '3505',
    msgid: `H33010500001202507011730${String(attempt).padStart(4, '0')}`.slice(0, 30),
    startedAt: T1,
    finishedAt: null,
    outcome: null,
    httpStatus: null,
    infcode: null,
    message: null,
    request: JSON.stringify({ infno: '3505', input: { selinfo: { fixmedins_bchno: `K${uploadId}`, 备注: '门诊' } } }),
    response: null,
    ...overrides,
  };
}

/** A 3505 request the proxy took from the HIS at T0, its platform call in flight. */
export function proxyRequest(msgid: string, overrides: Partial<ProxyRequest> = {}): ProxyRequest {
  return {
    msgid,
    infno: '3505',
    receivedAt: T0,
    sourceIp: '10.1.2.30',
    sessionId: null,
    mode: 'sync',
    state: 'inflight',
    request: JSON.stringify({
      infno: '3505',
      msgid,
      input: { selinfo: { fixmedins_bchno: `${msgid}-1`, psn_name: '王小明' } },
    }),
    response: null,
    businessKeys: [`${msgid}-1`],
    updatedAt: T0,
    ...overrides,
  };
}
