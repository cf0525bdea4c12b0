/**
 * Everything the sandbox platform remembers: the rows it holds, how often each bchno arrived, the msgids and
 * sign-ins it has seen, and its counters. Kept while the platform is "down"; cleared only by reset().
 */
import { RefMsgIdSource } from '../../core/insurance/refmsgid-source.js';
import { BchnoCounts } from './bchno-counts.js';
import { RecordedRows } from './recorded-rows.js';
import type { SandboxStats } from './sandbox-stats.js';
import { SandboxCounters } from './sandbox-stats.js';

export class SandboxState {
  readonly rows = new RecordedRows();
  readonly bchno = new BchnoCounts();
  counters = new SandboxCounters();
  /** Every msgid of a request whose envelope passed: the platform refuses a msgid it has received. */
  readonly msgids = new Set<string>();
  /** sign_no values issued by 9001. */
  readonly signNos = new Set<string>();
  // Not reset: a reference the platform gave out must never be given out again, not even after reset().
  private readonly refmsgids: RefMsgIdSource;

  constructor(areaCode: string) {
    this.refmsgids = new RefMsgIdSource(areaCode);
  }

  nextRefmsgid(now: Date): string {
    return this.refmsgids.next(now);
  }

  /** sign_no has the 30-character shape of inf_refmsgid and comes from the same counter, so the two never meet. */
  nextSignNo(now: Date): string {
    return this.refmsgids.next(now);
  }

  stats(): SandboxStats {
    return this.counters.snapshot(this.bchno.all(), this.rows.size);
  }

  reset(): void {
    this.rows.clear();
    this.bchno.clear();
    this.counters = new SandboxCounters();
    this.msgids.clear();
    this.signNos.clear();
  }
}
