/**
 * Window sessions (receipt, dispense, return): what the HIS or the pharmacist opened, what was scanned, and
 * what completing it committed. The same types serve every channel (HTTP, proxy, HL7, FHIR, HIS database).
 */
import type { PackState } from '../ledger/pack.js';

export const SessionKinds = ['receipt', 'dispense', 'return'] as const;
export type SessionKind = (typeof SessionKinds)[number];

export const SessionStates = ['open', 'completed', 'cancelled'] as const;
export type SessionState = (typeof SessionStates)[number];

export const SettlementTypes = ['insured', 'self_pay'] as const;
export type SettlementType = (typeof SettlementTypes)[number];

/** One prescription line as the HIS sends it. `unit` is the drug's pack unit (盒…) or its smallest unit (片…). */
export interface OrderLine {
  lineNo: number;
  hisDrugCode: string;
  quantity: number;
  unit: string;
  /** The HIS's own key of this line (its 3505 fixmedins_bchno), when the order came from an HIS upload. */
  businessKey?: string;
}

/**
 * Who collected the drugs for the patient (代办人), when the HIS or the window records it: the anomaly rule
 * AGENT_MANY_PATIENTS groups prescriptions by this contact.
 */
export interface DispenseAgent {
  name: string | null;
  phone: string | null;
}

export interface DispenseOrder {
  prescriptionNo: string;
  visitNo: string;
  /** mdtrt_id when insured. */
  insuranceVisitId: string | null;
  patientId: string;
  patientName: string;
  settlementType: SettlementType;
  settlementId: string | null;
  doctorName: string | null;
  lines: OrderLine[];
  /** 代办人 (absent or null: the patient collected the drugs, or the channel does not say). */
  agent?: DispenseAgent | null;
}

export interface ReceiptLine {
  lineNo: number;
  hisDrugCode: string;
  lot: string | null;
  /** yyyy-MM-dd */
  expiry: string | null;
  /** 生产日期 yyyy-MM-dd from the delivery note (the 35xx rows need it). */
  manufactureDate?: string | null;
  /** Whole packs of the smallest coded level. */
  quantity: number;
}

export interface ReceiptOrder {
  deliveryNo: string;
  supplier: string;
  lines: ReceiptLine[];
}

/** A return names the original sale by dispense session, or by prescription and/or visit. */
export interface ReturnOrder {
  dispenseId: string | null;
  prescriptionNo: string | null;
  visitNo: string | null;
  reason: string | null;
  /** Whole packs to return per line of the original prescription. */
  lines: { lineNo: number; hisDrugCode: string; quantity: number }[];
}

/** What one line needs: 应扫 whole packs of the smallest coded level, and the 拆零 remainder in smallest units. */
export interface LinePlan {
  lineNo: number;
  hisDrugCode: string;
  drugName: string;
  /** 无码/exempt: completes without codes. */
  exempt: boolean;
  /** 应扫: whole packs that must be scanned. */
  packs: number;
  /** 拆零: smallest units served from an opened (or to-be-opened) pack; 0 when none. */
  splitUnits: number;
  unitsPerPack: number;
  /** Receipt lines: lot and expiry the scans must match, when the note gives them. */
  lot: string | null;
  expiry: string | null;
}

export const ScanResults = ['accepted', 'rejected', 'warning'] as const;
export type ScanResult = (typeof ScanResults)[number];

/** The part a scanned pack plays on its line. */
export const ScanRoles = ['whole', 'split'] as const;
export type ScanRole = (typeof ScanRoles)[number];

export interface ScanProblemInfo {
  code: string;
  message: string;
}

/** One unit pack a scan put on a line (a case scan puts many). */
export interface Assignment {
  traceCode: string;
  lineNo: number;
  role: ScanRole;
  /** Units taken for a split role. */
  units: number | null;
  /** The pack's state when scanned (null when not in the ledger: receipts, or a warned never-received pack). */
  stateAtScan: PackState | null;
  /** The scanned case/middle code this unit came from. */
  via: string | null;
}

/** Every scan is kept, accepted or not: the raw string, who, when, and what was decided. */
export interface SessionScan {
  seq: number;
  raw: string;
  /** The recognised trace code (null when the scan was not recognised). */
  traceCode: string | null;
  result: ScanResult;
  problem: ScanProblemInfo | null;
  assignments: Assignment[];
  at: string;
  actor: string;
  /** True once the pharmacist took the scan back. */
  withdrawn: boolean;
}

export interface LineProgress {
  lineNo: number;
  packs: number;
  scannedPacks: number;
  splitUnits: number;
  splitScanned: boolean;
  exempt: boolean;
  complete: boolean;
}

export interface Override {
  by: string;
  role: string;
  reason: string;
  at: string;
}

export interface Session {
  id: string;
  kind: SessionKind;
  state: SessionState;
  /** The window or store room (e.g. 门诊西药房 3号窗口). */
  location: string | null;
  createdAt: string;
  createdBy: string;
  order: DispenseOrder | ReceiptOrder | ReturnOrder;
  plan: LinePlan[];
  scans: SessionScan[];
  completedAt: string | null;
  completedBy: string | null;
  override: Override | null;
  /** Optimistic concurrency for the session row itself. */
  version: number;
}
