/**
 * What every HIS channel (HIS database, HL7 v2, FHIR) turns its input into: a dispense or a return with the trace
 * codes of the packs handed over or brought back. The window decides it exactly as it decides scans at the counter.
 */
import type { DispenseOrder, ReturnOrder } from '../window/session.js';

export const HisEventKinds = ['dispense', 'return'] as const;
export type HisEventKind = (typeof HisEventKinds)[number];

interface EventCommon {
  /** The codes as the HIS sent them (raw scans: a GS1 element string or a 20-digit code), in order. */
  codes: string[];
  /** Who dispensed or took the return, as the HIS names them (null: the channel's name is recorded). */
  actor: string | null;
  /** Pharmacy window or department, when the HIS says. */
  location: string | null;
}

export interface HisDispenseEvent extends EventCommon {
  kind: 'dispense';
  order: DispenseOrder;
}

export interface HisReturnEvent extends EventCommon {
  kind: 'return';
  order: ReturnOrder;
}

export type HisEvent = HisDispenseEvent | HisReturnEvent;
