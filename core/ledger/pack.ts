/** The ledger's view of one smallest coded pack (小码) and its append-only history. */

export const PackStates = ['in_stock', 'opened', 'dispensed', 'quarantined', 'scrapped', 'transferred_out'] as const;
export type PackState = (typeof PackStates)[number];

export const packStateName: Record<PackState, string> = {
  in_stock: '在库',
  opened: '已拆零',
  dispensed: '已发药',
  quarantined: '已隔离',
  scrapped: '已报废',
  transferred_out: '已调出',
};

export interface Pack {
  traceCode: string;
  hisDrugCode: string;
  state: PackState;
  /** Units left in an opened (拆零) pack; null unless opened. */
  unitsRemaining: number | null;
  lot: string | null;
  /** yyyy-MM-dd */
  expiry: string | null;
  /** 生产日期 yyyy-MM-dd, from the delivery note or a GS1 AI (11); every 35xx row of the pack needs it. */
  manufactureDate: string | null;
  /** Number of events so far; the next event is seq + 1. The store makes (traceCode, seq) unique. */
  seq: number;
  updatedAt: string;
  /** Where and under which business reference the pack got its current state. */
  location: string | null;
  ref: string | null;
}

export const LedgerActions = [
  'receive',
  'open',
  'dispense',
  'dispense_units',
  'return_to_stock',
  'return_to_quarantine',
  'quarantine',
  'release',
  'scrap',
  'transfer_out',
  'transfer_in',
  'correct',
] as const;
export type LedgerAction = (typeof LedgerActions)[number];

export const ledgerActionName: Record<LedgerAction, string> = {
  receive: '入库',
  open: '拆零',
  dispense: '发药',
  dispense_units: '拆零发药',
  return_to_stock: '退药入库',
  return_to_quarantine: '退药隔离',
  quarantine: '隔离',
  release: '解除隔离',
  scrap: '报废',
  transfer_out: '调出',
  transfer_in: '调入',
  correct: '更正',
};

export interface LedgerEvent {
  traceCode: string;
  seq: number;
  action: LedgerAction;
  fromState: PackState | null;
  toState: PackState;
  /** Units taken from an opened pack, for dispense_units. */
  units: number | null;
  occurredAt: string;
  actor: string;
  location: string | null;
  /** Business reference: delivery note, prescription number, return number… */
  ref: string | null;
  reason: string | null;
  /** The raw scan, the parent case code, anything worth keeping as evidence. */
  details: Record<string, unknown> | null;
}

/** One atomic step: the pack as it was (null for a new pack), as it becomes, and the event that says why. */
export interface LedgerChange {
  before: Pack | null;
  after: Pack;
  event: LedgerEvent;
}
