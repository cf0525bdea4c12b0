/** Counters of what the sandbox platform saw and did, for tests and the admin API. */
import type { FaultAction } from './fault-injection.js';
import type { BchnoCount } from './bchno-counts.js';

/** Faults actually injected, by kind (latency counts requests that were delayed). */
export interface FaultCounts {
  latency: number;
  error: number;
  busy: number;
  timeout: number;
  dropBeforeProcessing: number;
  dropAfterProcessing: number;
}

export interface SandboxStats {
  requests: {
    /** Every POST to /fsi/…, faulted or not. */
    total: number;
    /** Requests whose envelope could be read, by its infno (as sent, 3505A apart from 3505). */
    byInfno: Record<string, number>;
  };
  /** infcode -1 answers for the envelope, by machine code (BODY_NOT_JSON, FIELD_MISSING, MSGID_DUPLICATE…). */
  envelopeErrors: { total: number; byCode: Record<string, number> };
  faults: FaultCounts;
  rows: {
    /** 3501–3506 rows in processed requests. */
    received: number;
    recorded: number;
    /** Refused with retRslt 0 (a field, or a duplicate bchno in 'reject' mode). */
    refused: number;
    /** Removed by 3507. */
    deleted: number;
    /** Held now. */
    live: number;
  };
  /** Per institution, data type and fixmedins_bchno. */
  bchno: BchnoCount[];
  /** Those received more than once: what a relay that promises exactly-once must never produce. */
  bchnoReceivedMoreThanOnce: BchnoCount[];
}

const noFaults = (): FaultCounts => ({
  latency: 0,
  error: 0,
  busy: 0,
  timeout: 0,
  dropBeforeProcessing: 0,
  dropAfterProcessing: 0,
});

export class SandboxCounters {
  requests = 0;
  byInfno = new Map<string, number>();
  envelopeErrors = new Map<string, number>();
  faults = noFaults();
  rowsReceived = 0;
  rowsRecorded = 0;
  rowsRefused = 0;
  rowsDeleted = 0;

  request(): void {
    this.requests++;
  }

  infno(infno: string): void {
    this.byInfno.set(infno, (this.byInfno.get(infno) ?? 0) + 1);
  }

  envelopeError(code: string): void {
    this.envelopeErrors.set(code, (this.envelopeErrors.get(code) ?? 0) + 1);
  }

  latency(): void {
    this.faults.latency++;
  }

  fault(action: Exclude<FaultAction, 'none'>): void {
    switch (action) {
      case 'error':
        this.faults.error++;
        return;
      case 'busy':
        this.faults.busy++;
        return;
      case 'timeout':
        this.faults.timeout++;
        return;
      case 'drop-before':
        this.faults.dropBeforeProcessing++;
        return;
      case 'drop-after':
        this.faults.dropAfterProcessing++;
        return;
      default:
        return action satisfies never;
    }
  }

  snapshot(bchno: BchnoCount[], liveRows: number): SandboxStats {
    const envelopeErrors = Object.fromEntries(this.envelopeErrors);
    return {
      requests: { total: this.requests, byInfno: Object.fromEntries(this.byInfno) },
      envelopeErrors: { total: Object.values(envelopeErrors).reduce((a, b) => a + b, 0), byCode: envelopeErrors },
      faults: { ...this.faults },
      rows: {
        received: this.rowsReceived,
        recorded: this.rowsRecorded,
        refused: this.rowsRefused,
        deleted: this.rowsDeleted,
        live: liveRows,
      },
      bchno,
      bchnoReceivedMoreThanOnce: bchno.filter((b) => b.received > 1),
    };
  }
}
