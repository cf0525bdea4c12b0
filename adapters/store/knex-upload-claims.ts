/**
 * The SQL of claiming and guarded outbox writes, as query builders (so tests compile them offline for SQL
 * Server and Oracle). claimDue runs, per page of candidates:
 *   1. `dueCandidates`: due rows after the last id seen, oldest first (index tg_business_rows_due_idx);
 *   2. `blockedCandidates`: which of them an older unsettled upload sharing an order key blocks (one join
 *      over tg_upload_keys' primary key);
 *   3. `guardedClaim` per unblocked candidate: an UPDATE that only matches while the row is still as read,
 *      so of two instances claiming one row exactly one gets a row count of 1.
 */
import type { Knex } from 'knex';
import type { ClaimRequest } from '../../core/ports/upload-store.js';
import type { Upload } from '../../core/insurance/upload.js';
import { uploadPatchColumns } from './row-mappers.js';
import { TABLES } from './tables.js';
import { claimPatch, RETRY_STATES, SETTLED_STATES, type ClaimCandidate } from './upload-rules.js';

type Db = Knex | Knex.Transaction;

/** The shape of "due" in SQL (see isDue in upload-rules.ts). */
function whereDue(q: Knex.QueryBuilder, now: string): Knex.QueryBuilder {
  return q
    .where((retry) =>
      retry
        .whereIn('state', RETRY_STATES)
        .where((when) => when.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now))
    )
    .orWhere((lapsed) => lapsed.where('state', 'sending').where('lease_until', '<=', now));
}

export function dueCandidates(db: Db, now: string, afterId: number, size: number): Knex.QueryBuilder {
  return db(TABLES.businessRows)
    .select('id', 'state', 'next_attempt_at', 'lease_until')
    .where('id', '>', afterId)
    .where((q) => whereDue(q, now))
    .orderBy('id')
    .limit(size);
}

/** `select distinct c.row_id` of the candidates that share a key with an older unsettled upload. */
export function blockedCandidates(db: Db, ids: readonly number[]): Knex.QueryBuilder {
  return db({ c: TABLES.uploadKeys })
    .distinct('c.row_id')
    .join({ k: TABLES.uploadKeys }, 'k.order_key', 'c.order_key')
    .join({ b: TABLES.businessRows }, 'b.id', 'k.row_id')
    .whereIn('c.row_id', ids)
    .where('k.row_id', '<', db.ref('c.row_id'))
    .whereNotIn('b.state', SETTLED_STATES);
}

/**
 * Claims one candidate: matches only while its state is the one read and it is still due; a lapsed lease
 * also by the lease end read (a second reclaimer of the same lapsed lease then finds the new lease).
 */
export function guardedClaim(db: Db, c: ClaimCandidate, request: ClaimRequest): Knex.QueryBuilder {
  const q = db(TABLES.businessRows).where({ id: c.id, state: c.state });
  if (c.state === 'sending') {
    q.where('lease_until', c.leaseUntil).where('lease_until', '<=', request.now);
  } else {
    q.where((when) => when.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', request.now));
  }
  return q.update(uploadPatchColumns(claimPatch(request)));
}

/** A sender's write-back: only while `owner` holds the row's lease. */
export function guardedUploadUpdate(db: Db, id: number, owner: string, patch: Partial<Upload>): Knex.QueryBuilder {
  return db(TABLES.businessRows).where({ id, lease_owner: owner, state: 'sending' }).update(uploadPatchColumns(patch));
}
