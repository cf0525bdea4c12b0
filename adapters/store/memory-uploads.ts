/**
 * The upload outbox of MemoryStore: the twin of knex-uploads.ts, run by the same rules (upload-rules.ts),
 * claiming through the same `claimInPages`. Uploads are kept in id order; copies go in and out through JSON,
 * as the SQL stores keep payloads.
 */
import type { Upload, UploadAttempt, UploadFilter, UploadState } from '../../core/insurance/upload.js';
import type { ClaimRequest, UploadStore, UploadUpdate } from '../../core/ports/upload-store.js';
import { compareCodes } from './ordering.js';
import { businessRowExists } from './session-rules.js';
import {
  attemptExists,
  attemptNotFound,
  checkNewUploads,
  checkResetUpdate,
  claimInPages,
  claimPatch,
  emptyStateCounts,
  isDue,
  isPrunable,
  isSettled,
  listLimit,
  matchesFilter,
  newUpload,
  uploadPatch,
  type ClaimCandidate,
  type NewUpload,
} from './upload-rules.js';

const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function candidateOf(u: Upload): ClaimCandidate {
  return { id: u.id, state: u.state, nextAttemptAt: u.nextAttemptAt, leaseUntil: u.leaseUntil };
}

export class MemoryUploads implements UploadStore {
  /** Insertion order is id order, like the SQL table's numbered ids. */
  private uploads = new Map<number, Upload>();

  /** Every upload (copies), for in-memory read models. */
  all(): Upload[] {
    return [...this.uploads.values()].map((u) => structuredClone(u));
  }
  private idByKey = new Map<string, number>();
  private idsByOrderKey = new Map<string, Set<number>>();
  private attempts = new Map<number, UploadAttempt[]>();
  /** Never reset (ids are not reused after truncateAll, as in the SQL stores). */
  private nextId = 1;

  /** Everything enqueueUploads and completeSession refuse, checked before anything is written. */
  checkNew(rows: NewUpload[]): void {
    checkNewUploads(rows);
    const taken = rows.map((r) => r.businessKey).filter((k) => this.idByKey.has(k));
    if (taken.length > 0) {
      throw businessRowExists(taken);
    }
  }

  /** Stores rows that passed `checkNew`. */
  write(rows: NewUpload[]): Upload[] {
    return rows.map((row) => {
      const upload = newUpload(jsonCopy(row), this.nextId++);
      this.uploads.set(upload.id, upload);
      this.idByKey.set(upload.businessKey, upload.id);
      for (const key of upload.orderKeys) {
        const ids = this.idsByOrderKey.get(key) ?? new Set<number>();
        ids.add(upload.id);
        this.idsByOrderKey.set(key, ids);
      }
      return jsonCopy(upload);
    });
  }

  async enqueueUploads(rows: NewUpload[]): Promise<Upload[]> {
    this.checkNew(rows);
    return this.write(rows);
  }

  async claimDue(request: ClaimRequest): Promise<Array<Upload & { claimedFrom: UploadState }>> {
    const limit = Math.max(0, Math.floor(request.limit));
    if (limit === 0) {
      return [];
    }
    const won = await claimInPages(
      {
        candidates: async (afterId, size) =>
          [...this.uploads.values()]
            .filter((u) => u.id > afterId && isDue(candidateOf(u), request.now))
            .slice(0, size)
            .map(candidateOf),
        blocked: async (ids) => new Set(ids.filter((id) => this.isBlocked(id))),
        claim: async (c) => this.claim(c, request),
      },
      limit
    );
    return won.map((c) => ({ ...jsonCopy(this.uploads.get(c.id)!), claimedFrom: c.state }));
  }

  async startAttempt(attempt: UploadAttempt): Promise<void> {
    const list = this.attempts.get(attempt.uploadId) ?? [];
    if (list.some((a) => a.attempt === attempt.attempt)) {
      throw attemptExists(attempt.uploadId, attempt.attempt);
    }
    list.push(jsonCopy(attempt));
    list.sort((a, b) => a.attempt - b.attempt);
    this.attempts.set(attempt.uploadId, list);
  }

  async finishAttempt(
    uploadId: number,
    attempt: number,
    result: Pick<UploadAttempt, 'finishedAt' | 'outcome' | 'httpStatus' | 'infcode' | 'message' | 'response'>
  ): Promise<void> {
    const stored = this.attempts.get(uploadId)?.find((a) => a.attempt === attempt);
    if (!stored) {
      throw attemptNotFound(uploadId, attempt);
    }
    const { finishedAt, outcome, httpStatus, infcode, message, response } = result;
    Object.assign(stored, jsonCopy({ finishedAt, outcome, httpStatus, infcode, message, response }));
  }

  async updateUpload(id: number, owner: string, update: UploadUpdate, at: string): Promise<boolean> {
    const u = this.uploads.get(id);
    if (!u || u.state !== 'sending' || u.leaseOwner !== owner) {
      return false;
    }
    Object.assign(u, uploadPatch(update, at));
    return true;
  }

  async resetUploads(ids: number[], from: UploadState[], update: UploadUpdate, at: string): Promise<number> {
    checkResetUpdate(update);
    let count = 0;
    for (const id of new Set(ids)) {
      const u = this.uploads.get(id);
      if (u && from.includes(u.state)) {
        Object.assign(u, uploadPatch(update, at));
        count++;
      }
    }
    return count;
  }

  async getUpload(id: number): Promise<Upload | undefined> {
    const u = this.uploads.get(id);
    return u && jsonCopy(u);
  }

  async getUploadByKey(businessKey: string): Promise<Upload | undefined> {
    const id = this.idByKey.get(businessKey);
    return id === undefined ? undefined : this.getUpload(id);
  }

  async listUploads(filter: UploadFilter): Promise<Upload[]> {
    const limit = listLimit(filter.limit);
    return [...this.uploads.values()]
      .filter((u) => matchesFilter(u, filter))
      .slice(0, limit)
      .map(jsonCopy);
  }

  /** The uploads of one session in id order (SessionStore.listBusinessRows). */
  listBySession(sessionId: string): Upload[] {
    return [...this.uploads.values()].filter((u) => u.sessionId === sessionId).map(jsonCopy);
  }

  async listAttempts(uploadId: number): Promise<UploadAttempt[]> {
    return jsonCopy(this.attempts.get(uploadId) ?? []);
  }

  async countUploadsByState(): Promise<Record<UploadState, number>> {
    const counts = emptyStateCounts();
    for (const u of this.uploads.values()) {
      counts[u.state]++;
    }
    return counts;
  }

  async oldestUndelivered(): Promise<string | null> {
    let oldest: string | null = null;
    for (const u of this.uploads.values()) {
      if (!isSettled(u.state) && (oldest === null || compareCodes(u.createdAt, oldest) < 0)) {
        oldest = u.createdAt;
      }
    }
    return oldest;
  }

  async pruneAttemptBodies(before: string, failedBefore: string): Promise<number> {
    let count = 0;
    for (const [uploadId, list] of this.attempts) {
      const upload = this.uploads.get(uploadId);
      for (const a of list) {
        if (upload && isPrunable(a, upload.state, before, failedBefore)) {
          a.request = null;
          a.response = null;
          count++;
        }
      }
    }
    return count;
  }

  clear(): void {
    this.uploads.clear();
    this.idByKey.clear();
    this.idsByOrderKey.clear();
    this.attempts.clear();
  }

  /** An older unsettled upload shares one of its order keys. */
  private isBlocked(id: number): boolean {
    const upload = this.uploads.get(id);
    return (upload?.orderKeys ?? []).some((key) =>
      [...(this.idsByOrderKey.get(key) ?? [])].some((other) => other < id && !isSettled(this.uploads.get(other)!.state))
    );
  }

  /** The same guard as knex's guardedClaim: still in the state read, still due, the same lease. */
  private claim(c: ClaimCandidate, request: ClaimRequest): boolean {
    const u = this.uploads.get(c.id);
    const sameLease = c.state !== 'sending' || u?.leaseUntil === c.leaseUntil;
    if (!u || u.state !== c.state || !sameLease || !isDue(candidateOf(u), request.now)) {
      return false;
    }
    Object.assign(u, claimPatch(request));
    return true;
  }
}
