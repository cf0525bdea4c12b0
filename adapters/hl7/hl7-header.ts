/** What the ACK and the message key need from an inbound MSH. */
import type { Hl7Message, Hl7Segment } from './hl7-message.js';
import { valueOf } from './hl7-message.js';

export interface Hl7Header {
  /** MSH-10, the sender's message control id ('' when absent). */
  controlId: string;
  /** MSH-9.1 and MSH-9.2, e.g. RDS and O13. */
  messageType: string;
  trigger: string;
  /** MSH-11.1 (P, T, D). */
  processingId: string;
  /** MSH-3 and MSH-4 as their components (namespace id, universal id, its type). */
  sendingApplication: string[];
  sendingFacility: string[];
  /** MSH-18, first repetition. */
  charset: string;
}

export function headerOf(message: Hl7Message): Hl7Header | null {
  const msh = message.first('MSH');
  if (!msh) {
    return null;
  }
  return {
    controlId: valueOf(msh, 10),
    messageType: valueOf(msh, 9, 1).toUpperCase(),
    trigger: valueOf(msh, 9, 2).toUpperCase(),
    processingId: valueOf(msh, 11, 1),
    sendingApplication: componentsOf(msh, 3),
    sendingFacility: componentsOf(msh, 4),
    charset: valueOf(msh, 18),
  };
}

function componentsOf(segment: Hl7Segment, field: number): string[] {
  return [1, 2, 3].map((c) => valueOf(segment, field, c));
}
