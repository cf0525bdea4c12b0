import type { ErrorClass, Upload, UploadAttempt, UploadFilter, UploadState } from '../insurance/upload.js';
import type { BusinessRow } from '../window/business-row.js';

/** What a sender writes back after an attempt (only the fields given change). */
export interface UploadUpdate {
  state: UploadState;
  attempts?: number;
  nextAttemptAt?: string | null;
  errorClass?: ErrorClass | null;
  lastError?: string | null;
  lastMsgid?: string | null;
  infRefmsgid?: string | null;
  deliveredAt?: string | null;
}

export interface ClaimRequest {
  /** ISO instant: due means nextAttemptAt is null or ≤ now; a 'sending' lease ending ≤ now is due too. */
  now: string;
  limit: number;
  /** Who claims (instance id); the lease is theirs until `leaseUntil`. */
  owner: string;
  leaseUntil: string;
}

/**
 * The upload outbox (tg_business_rows plus delivery columns). Business rows enter through
 * SessionStore.completeSession (in the session's transaction) or `enqueueUploads`; senders claim due uploads
 * with a lease, record each attempt BEFORE the request goes out, and write the outcome back guarded by their
 * lease. Several instances may send from one database: a row is claimed by one of them at a time.
 */
export interface UploadStore {
  /** Insert rows (all or none); a businessKey already stored → TracegateError BUSINESS_ROW_EXISTS. */
  enqueueUploads(rows: BusinessRow[]): Promise<Upload[]>;
  /**
   * Claim up to `limit` due uploads, oldest first, in state pending or ambiguous, or sending with an expired
   * lease. An upload is skipped while an older upload sharing one of its order keys is not yet delivered or held
   * (dead ones block too: head-of-line for that pack). Claimed uploads move to 'sending' with the lease; each is
   * returned with the state it had before the claim in `claimedFrom`.
   */
  claimDue(request: ClaimRequest): Promise<Array<Upload & { claimedFrom: UploadState }>>;
  /** Append an attempt row (before the request is sent; `finishAttempt` completes it). */
  startAttempt(attempt: UploadAttempt): Promise<void>;
  finishAttempt(
    uploadId: number,
    attempt: number,
    result: Pick<UploadAttempt, 'finishedAt' | 'outcome' | 'httpStatus' | 'infcode' | 'message' | 'response'>
  ): Promise<void>;
  /** Write an outcome; only while `owner` still holds the lease. Returns false when the lease was lost. */
  updateUpload(id: number, owner: string, update: UploadUpdate, at: string): Promise<boolean>;
  /** Operator actions and recovery: set state regardless of lease for rows currently in one of `from`. */
  resetUploads(ids: number[], from: UploadState[], update: UploadUpdate, at: string): Promise<number>;
  getUpload(id: number): Promise<Upload | undefined>;
  getUploadByKey(businessKey: string): Promise<Upload | undefined>;
  listUploads(filter: UploadFilter): Promise<Upload[]>;
  listAttempts(uploadId: number): Promise<UploadAttempt[]>;
  countUploadsByState(): Promise<Record<UploadState, number>>;
  /** The oldest createdAt among uploads not yet delivered or held (queue age), or null. */
  oldestUndelivered(): Promise<string | null>;
  /**
   * Retention: clear stored request/response bodies of attempts finished before `before` for delivered uploads,
   * and before `failedBefore` for the rest. Returns how many attempts were cleared.
   */
  pruneAttemptBodies(before: string, failedBefore: string): Promise<number>;
}
