/**
 * Upload-outbox rules shared by the knex store and its memory twin, so both accept, claim, order, update and
 * list uploads the same way.
 *
 * - A new upload enters in one of InitialUploadStates with order keys of at most 120 characters (a key
 *   listed twice is stored once); `delivery` fills last_msgid, inf_refmsgid and delivered_at.
 * - Settled = delivered or held: only unsettled uploads block younger ones sharing an order key (a dead one
 *   blocks too: the platform must not see a pack's return before its sale).
 * - Due = pending or ambiguous with no next attempt time or one ≤ now, or sending with a lease ending ≤ now.
 * - Lists: id order; createdFrom ≤ createdAt < createdTo (half-open, so consecutive windows do not overlap);
 *   limit 100 by default, at most 1000.
 */
import { conflict, invalid, notFound, type TracegateError } from '../../core/errors.js';
import {
  UploadStates,
  type Upload,
  type UploadAttempt,
  type UploadFilter,
  type UploadState,
} from '../../core/insurance/upload.js';
import type { ClaimRequest, UploadUpdate } from '../../core/ports/upload-store.js';
import { InitialUploadStates, type BusinessRow, type BusinessRowKind } from '../../core/window/business-row.js';
import { checkBusinessRowBatch } from './session-rules.js';

/** What enqueueUploads and completeSession accept. */
export type NewUpload = BusinessRow & { originalId?: number | null };

export const SETTLED_STATES: readonly UploadState[] = ['delivered', 'held'];
/** States a sender picks up once their next attempt is due. */
export const RETRY_STATES: readonly UploadState[] = ['pending', 'ambiguous'];
/** tg_upload_keys.order_key is varchar(120). */
export const MAX_ORDER_KEY = 120;
export const LIST_LIMIT_DEFAULT = 100;
export const LIST_LIMIT_MAX = 1000;

export function isSettled(state: UploadState): boolean {
  return SETTLED_STATES.includes(state);
}

/** Refuses a batch the outbox cannot store as given (checked before anything is written). */
export function checkNewUploads(rows: NewUpload[]): void {
  checkBusinessRowBatch(rows);
  for (const r of rows) {
    if (!(InitialUploadStates as readonly string[]).includes(r.state)) {
      throw invalid('UPLOAD_STATE_INVALID', `上传记录 ${r.businessKey} 的初始状态 ${r.state} 无效`, {
        businessKey: r.businessKey,
        state: r.state,
        allowed: [...InitialUploadStates],
      });
    }
    const bad = r.orderKeys.find((k) => k === '' || k.length > MAX_ORDER_KEY);
    if (bad !== undefined) {
      throw invalid('ORDER_KEY_INVALID', `上传记录 ${r.businessKey} 的顺序键为空或超过 ${MAX_ORDER_KEY} 个字符`, {
        businessKey: r.businessKey,
        orderKey: bad,
      });
    }
  }
}

/** tg_business_rows.his_drug_code holds as many characters as tg_packs.his_drug_code. */
export const MAX_UPLOAD_DRUG_CODE = 64;

/**
 * The HIS drug an upload is for, as tg_business_rows.his_drug_code stores it (and the memory twin reads it): the
 * payload's fixmedins_hilist_id as text (a HIS may send it as a number through the proxy), null when absent, empty
 * or longer than the column. 0005-reconciliation backfills older rows with the same rule in SQL.
 */
export function uploadDrugCode(payload: Record<string, unknown>): string | null {
  const value = payload.fixmedins_hilist_id;
  const text =
    typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  return text !== '' && [...text].length <= MAX_UPLOAD_DRUG_CODE ? text : null;
}

/** The order keys as stored: first occurrence of each, in the order given. */
export function storedOrderKeys(orderKeys: readonly string[]): string[] {
  return [...new Set(orderKeys)];
}

/** The upload a new row becomes once the database numbered it. */
export function newUpload(row: NewUpload, id: number): Upload {
  const delivery = row.delivery ?? null;
  return {
    id,
    infno: row.infno,
    businessKey: row.businessKey,
    sessionId: row.sessionId,
    source: row.source,
    payload: row.payload,
    orderKeys: storedOrderKeys(row.orderKeys),
    state: row.state,
    attempts: 0,
    nextAttemptAt: null,
    errorClass: null,
    lastError: null,
    lastMsgid: delivery?.msgid ?? null,
    infRefmsgid: delivery?.infRefmsgid ?? null,
    createdAt: row.createdAt,
    updatedAt: row.createdAt,
    // A row that enters delivered without the proxy's details was delivered when it was written.
    deliveredAt: delivery?.at ?? (row.state === 'delivered' ? row.createdAt : null),
    originalId: row.originalId ?? null,
    leaseOwner: null,
    leaseUntil: null,
  };
}

/**
 * The business-row view of an upload (listBusinessRows): `delivery` only where a msgid and a time are stored,
 * `originalId` only for a re-drive, so a row written without them reads back without them.
 */
export function uploadToBusinessRow(u: Upload): BusinessRow {
  const row: BusinessRow = {
    infno: u.infno as BusinessRowKind,
    businessKey: u.businessKey,
    sessionId: u.sessionId,
    payload: u.payload,
    createdAt: u.createdAt,
    source: u.source,
    orderKeys: u.orderKeys,
    state: u.state,
  };
  if (u.lastMsgid !== null && u.deliveredAt !== null) {
    row.delivery = { msgid: u.lastMsgid, infRefmsgid: u.infRefmsgid, at: u.deliveredAt };
  }
  if (u.originalId !== null) {
    row.originalId = u.originalId;
  }
  return row;
}

// ---- claiming ----

/** What a claimer reads of a due upload, and guards its claim with. */
export interface ClaimCandidate {
  id: number;
  state: UploadState;
  nextAttemptAt: string | null;
  leaseUntil: string | null;
}

export function isDue(c: ClaimCandidate, now: string): boolean {
  if (RETRY_STATES.includes(c.state)) {
    return c.nextAttemptAt === null || c.nextAttemptAt <= now;
  }
  return c.state === 'sending' && c.leaseUntil !== null && c.leaseUntil <= now;
}

/** The three steps a store provides; `claimInPages` runs them the same way for every store. */
export interface ClaimSteps {
  /** Due uploads with id > afterId, oldest first, at most `size`. */
  candidates(afterId: number, size: number): Promise<ClaimCandidate[]>;
  /** Those of `ids` that an older unsettled upload sharing one of their order keys blocks. */
  blocked(ids: number[]): Promise<Set<number>>;
  /** Claims one candidate if it is still as read (state, due, lease); false when another claimer was first. */
  claim(candidate: ClaimCandidate): Promise<boolean>;
}

/** Candidates are read in pages, so a long blocked head cannot hide due uploads behind it… */
export const CLAIM_PAGE_MIN = 100;
/** …up to this many pages per call (the next call starts from the oldest again). */
export const CLAIM_MAX_PAGES = 10;

/** Claims up to `limit` due, unblocked uploads in id order; returns the candidates won, as they were read. */
export async function claimInPages(steps: ClaimSteps, limit: number): Promise<ClaimCandidate[]> {
  const won: ClaimCandidate[] = [];
  const size = Math.max(limit * 2, CLAIM_PAGE_MIN);
  let afterId = 0;
  for (let page = 0; page < CLAIM_MAX_PAGES && won.length < limit; page++) {
    const candidates = await steps.candidates(afterId, size);
    if (candidates.length === 0) {
      break;
    }
    const blocked = await steps.blocked(candidates.map((c) => c.id));
    for (const c of candidates) {
      if (won.length >= limit) {
        break;
      }
      if (!blocked.has(c.id) && (await steps.claim(c))) {
        won.push(c);
      }
    }
    if (candidates.length < size) {
      break;
    }
    afterId = candidates[candidates.length - 1]!.id;
  }
  return won;
}

/** What a claim writes. */
export function claimPatch(request: ClaimRequest): Partial<Upload> {
  return { state: 'sending', leaseOwner: request.owner, leaseUntil: request.leaseUntil, updatedAt: request.now };
}

// ---- writing outcomes ----

/** The fields an update changes: the given ones, updatedAt, and the lease cleared when the row leaves 'sending'. */
export function uploadPatch(update: UploadUpdate, at: string): Partial<Upload> {
  const patch: Partial<Upload> = { state: update.state, updatedAt: at };
  const optional = [
    'attempts',
    'nextAttemptAt',
    'errorClass',
    'lastError',
    'lastMsgid',
    'infRefmsgid',
    'deliveredAt',
  ] as const;
  for (const field of optional) {
    if (update[field] !== undefined) {
      Object.assign(patch, { [field]: update[field] });
    }
  }
  if (update.state !== 'sending') {
    patch.leaseOwner = null;
    patch.leaseUntil = null;
  }
  return patch;
}

/** An operator's reset cannot put a row into 'sending': without a lease no sender would ever own it. */
export function checkResetUpdate(update: UploadUpdate): void {
  if (update.state === 'sending') {
    throw invalid('UPLOAD_STATE_INVALID', '不能把上传记录直接置为“上传中”', { state: update.state });
  }
}

// ---- reading ----

/** How many rows a list returns: 100 unless asked, never more than 1000, none for a limit below 1. */
export function listLimit(limit: number | undefined): number {
  if (limit === undefined) {
    return LIST_LIMIT_DEFAULT;
  }
  return Math.max(0, Math.min(Math.floor(limit), LIST_LIMIT_MAX));
}

/** The order key a trace code is filed under (see core/insurance/order-keys.ts). */
export function traceCodeKey(traceCode: string): string {
  return `code:${traceCode}`;
}

export function matchesFilter(u: Upload, filter: UploadFilter): boolean {
  const checks: boolean[] = [
    filter.states === undefined || filter.states.includes(u.state),
    filter.infno === undefined || u.infno === filter.infno,
    filter.source === undefined || u.source === filter.source,
    filter.sessionId === undefined || u.sessionId === filter.sessionId,
    filter.businessKey === undefined || u.businessKey === filter.businessKey,
    filter.traceCode === undefined || u.orderKeys.includes(traceCodeKey(filter.traceCode)),
    filter.createdFrom === undefined || u.createdAt >= filter.createdFrom,
    filter.createdTo === undefined || u.createdAt < filter.createdTo,
    filter.afterId === undefined || u.id > filter.afterId,
  ];
  return checks.every(Boolean);
}

export function emptyStateCounts(): Record<UploadState, number> {
  const counts = {} as Record<UploadState, number>;
  for (const s of UploadStates) {
    counts[s] = 0;
  }
  return counts;
}

// ---- attempts ----

/** Retention: bodies of delivered uploads go after `before`, the rest after `failedBefore`. */
export function isPrunable(a: UploadAttempt, uploadState: UploadState, before: string, failedBefore: string): boolean {
  if (a.finishedAt === null || (a.request === null && a.response === null)) {
    return false;
  }
  return a.finishedAt < (uploadState === 'delivered' ? before : failedBefore);
}

export function attemptExists(uploadId: number, attempt: number): TracegateError {
  return conflict('UPLOAD_ATTEMPT_EXISTS', `上传记录 ${uploadId} 的第 ${attempt} 次尝试已记录`, { uploadId, attempt });
}

export function attemptNotFound(uploadId: number, attempt: number): TracegateError {
  return notFound('UPLOAD_ATTEMPT_NOT_FOUND', `上传记录 ${uploadId} 没有第 ${attempt} 次尝试`, { uploadId, attempt });
}
