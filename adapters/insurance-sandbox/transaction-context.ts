/** What every transaction handler gets: the checked envelope, the sandbox's memory and this request's reference. */
import type { CheckedEnvelope } from './envelope-checks.js';
import type { DuplicateBchnoMode } from './sandbox-options.js';
import type { SandboxState } from './sandbox-state.js';

export interface TransactionContext {
  envelope: CheckedEnvelope;
  state: SandboxState;
  infRefmsgid: string;
  now: Date;
  duplicateBchno: DuplicateBchnoMode;
}

/** msgRslt holds at most 2000 characters (insurance-interface.md §1.3). */
export const MSG_RSLT_MAX = 2000;

export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
