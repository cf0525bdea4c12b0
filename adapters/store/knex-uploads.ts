/**
 * The upload-outbox half of KnexStore: tg_business_rows as the outbox, the order keys in tg_upload_keys and
 * the attempts in tg_upload_attempts. New uploads come from enqueueUploads or, inside the session's
 * transaction, from completeSession (`writeIn`). Claiming is in knex-upload-claims.ts.
 */
import type { Knex } from 'knex';
import { isTracegateError } from '../../core/errors.js';
import type { Upload, UploadAttempt, UploadFilter, UploadState } from '../../core/insurance/upload.js';
import type { ClaimRequest, UploadStore, UploadUpdate } from '../../core/ports/upload-store.js';
import { batchLimits, chunks } from './batching.js';
import { bulkInsert } from './bulk-insert.js';
import { classifyDbError } from './db-errors.js';
import type { StoreDialect } from './knex-config.js';
import { blockedCandidates, dueCandidates, guardedClaim, guardedUploadUpdate } from './knex-upload-claims.js';
import {
  attemptValues,
  businessRowValues,
  definedColumns,
  rowToAttempt,
  rowToUpload,
  uploadPatchColumns,
  type Row,
} from './row-mappers.js';
import { selectIn } from './select-in.js';
import { businessRowExists } from './session-rules.js';
import {
  BUSINESS_ROW_COLUMNS,
  columnNames,
  TABLES,
  UPLOAD_ATTEMPT_COLUMNS,
  UPLOAD_KEY_COLUMNS,
  UPLOAD_READ_COLUMNS,
} from './tables.js';
import {
  attemptExists,
  attemptNotFound,
  checkNewUploads,
  checkResetUpdate,
  claimInPages,
  emptyStateCounts,
  listLimit,
  newUpload,
  SETTLED_STATES,
  traceCodeKey,
  uploadPatch,
  type ClaimCandidate,
  type NewUpload,
} from './upload-rules.js';

const attemptColumns = columnNames(UPLOAD_ATTEMPT_COLUMNS);
const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function rowToCandidate(r: Row): ClaimCandidate {
  return {
    id: Number(r.id),
    state: String(r.state) as UploadState,
    nextAttemptAt: r.next_attempt_at == null ? null : String(r.next_attempt_at),
    leaseUntil: r.lease_until == null ? null : String(r.lease_until),
  };
}

export class KnexUploads implements UploadStore {
  constructor(
    private readonly db: Knex,
    private readonly dialect: StoreDialect
  ) {}

  /**
   * Inserts checked rows and their order keys inside the caller's transaction: the rows in multi-row
   * batches, one set-based SELECT for the ids the database gave them, then the keys in batches.
   */
  async writeIn(trx: Knex.Transaction, rows: NewUpload[]): Promise<Upload[]> {
    if (rows.length === 0) {
      return [];
    }
    await bulkInsert(trx, this.dialect, TABLES.businessRows, BUSINESS_ROW_COLUMNS, rows.map(businessRowValues));
    const keys = rows.map((r) => r.businessKey);
    const stored = await selectIn(trx, this.dialect, TABLES.businessRows, ['id', 'business_key'], 'business_key', keys);
    const idOf = new Map(stored.map((r) => [String(r.business_key), Number(r.id)]));
    const uploads = rows.map((r) => newUpload(r, idOf.get(r.businessKey)!));
    const keyRows = uploads.flatMap((u) => u.orderKeys.map((key, i) => [u.id, key, i]));
    await bulkInsert(trx, this.dialect, TABLES.uploadKeys, UPLOAD_KEY_COLUMNS, keyRows);
    return uploads;
  }

  /**
   * A failed insert of new uploads (already rolled back) in the port's terms: a key violation is
   * BUSINESS_ROW_EXISTS naming the keys now stored; anything else is returned unchanged.
   */
  async explainInsert(error: unknown, rows: NewUpload[]): Promise<unknown> {
    if (isTracegateError(error) || classifyDbError(this.dialect, error) !== 'unique') {
      return error;
    }
    const keys = rows.map((r) => r.businessKey);
    const stored = await selectIn(this.db, this.dialect, TABLES.businessRows, ['business_key'], 'business_key', keys);
    const taken = new Set(stored.map((r) => String(r.business_key)));
    const named = keys.filter((k) => taken.has(k));
    // None found: the key was taken by a writer that has since rolled back; still this one lost.
    return businessRowExists(named.length > 0 ? named : keys);
  }

  async enqueueUploads(rows: NewUpload[]): Promise<Upload[]> {
    checkNewUploads(rows);
    if (rows.length === 0) {
      return [];
    }
    try {
      const uploads = await this.db.transaction((trx) => this.writeIn(trx, rows));
      return uploads.map(jsonCopy);
    } catch (e) {
      throw await this.explainInsert(e, rows);
    }
  }

  async claimDue(request: ClaimRequest): Promise<Array<Upload & { claimedFrom: UploadState }>> {
    const limit = Math.max(0, Math.floor(request.limit));
    if (limit === 0) {
      return [];
    }
    const won = await claimInPages(
      {
        candidates: async (afterId, size) =>
          ((await dueCandidates(this.db, request.now, afterId, size)) as Row[]).map(rowToCandidate),
        blocked: (ids) => this.blocked(ids),
        claim: async (c) => Number(await guardedClaim(this.db, c, request)) === 1,
      },
      limit
    );
    const from = new Map(won.map((c) => [c.id, c.state]));
    const uploads = await this.withKeys(await this.rowsWhereIn(won.map((c) => c.id)));
    return uploads.map((u) => ({ ...u, claimedFrom: from.get(u.id)! }));
  }

  async startAttempt(attempt: UploadAttempt): Promise<void> {
    try {
      await bulkInsert(this.db, this.dialect, TABLES.uploadAttempts, UPLOAD_ATTEMPT_COLUMNS, [attemptValues(attempt)]);
    } catch (e) {
      throw classifyDbError(this.dialect, e) === 'unique' ? attemptExists(attempt.uploadId, attempt.attempt) : e;
    }
  }

  async finishAttempt(
    uploadId: number,
    attempt: number,
    result: Pick<UploadAttempt, 'finishedAt' | 'outcome' | 'httpStatus' | 'infcode' | 'message' | 'response'>
  ): Promise<void> {
    const affected = await this.db(TABLES.uploadAttempts).where({ row_id: uploadId, attempt }).update({
      finished_at: result.finishedAt,
      outcome: result.outcome,
      http_status: result.httpStatus,
      infcode: result.infcode,
      message: result.message,
      response: result.response,
    });
    if (Number(affected) === 0) {
      throw attemptNotFound(uploadId, attempt);
    }
  }

  async updateUpload(id: number, owner: string, update: UploadUpdate, at: string): Promise<boolean> {
    return Number(await guardedUploadUpdate(this.db, id, owner, uploadPatch(update, at))) === 1;
  }

  async resetUploads(ids: number[], from: UploadState[], update: UploadUpdate, at: string): Promise<number> {
    checkResetUpdate(update);
    if (ids.length === 0 || from.length === 0) {
      return 0;
    }
    const columns = uploadPatchColumns(uploadPatch(update, at));
    let total = 0;
    for (const chunk of chunks([...new Set(ids)], batchLimits[this.dialect].inList)) {
      total += Number(await this.db(TABLES.businessRows).whereIn('id', chunk).whereIn('state', from).update(columns));
    }
    return total;
  }

  async getUpload(id: number): Promise<Upload | undefined> {
    const [upload] = await this.withKeys(
      await this.db(TABLES.businessRows).select(UPLOAD_READ_COLUMNS).where('id', id)
    );
    return upload;
  }

  async getUploadByKey(businessKey: string): Promise<Upload | undefined> {
    const rows: Row[] = await this.db(TABLES.businessRows)
      .select(UPLOAD_READ_COLUMNS)
      .where('business_key', businessKey);
    const [upload] = await this.withKeys(rows);
    return upload;
  }

  async listUploads(filter: UploadFilter): Promise<Upload[]> {
    const limit = listLimit(filter.limit);
    if (limit === 0) {
      return [];
    }
    const q = this.db(TABLES.businessRows).select(UPLOAD_READ_COLUMNS).orderBy('id').limit(limit);
    if (filter.states !== undefined) {
      q.whereIn('state', filter.states);
    }
    q.where(
      definedColumns([
        ['infno', filter.infno],
        ['source', filter.source],
        ['session_id', filter.sessionId],
        ['business_key', filter.businessKey],
      ])
    );
    if (filter.traceCode !== undefined) {
      q.whereIn('id', this.db(TABLES.uploadKeys).select('row_id').where('order_key', traceCodeKey(filter.traceCode)));
    }
    if (filter.createdFrom !== undefined) {
      q.where('created_at', '>=', filter.createdFrom);
    }
    if (filter.createdTo !== undefined) {
      q.where('created_at', '<', filter.createdTo);
    }
    if (filter.afterId !== undefined) {
      q.where('id', '>', filter.afterId);
    }
    return this.withKeys(await q);
  }

  /** The uploads of one session in id order (SessionStore.listBusinessRows). */
  async listBySession(sessionId: string): Promise<Upload[]> {
    const rows: Row[] = await this.db(TABLES.businessRows)
      .select(UPLOAD_READ_COLUMNS)
      .where('session_id', sessionId)
      .orderBy('id');
    return this.withKeys(rows);
  }

  async listAttempts(uploadId: number): Promise<UploadAttempt[]> {
    const rows: Row[] = await this.db(TABLES.uploadAttempts)
      .select(attemptColumns)
      .where('row_id', uploadId)
      .orderBy('attempt');
    return rows.map(rowToAttempt);
  }

  async countUploadsByState(): Promise<Record<UploadState, number>> {
    const rows: Row[] = await this.db(TABLES.businessRows).select('state').count({ n: '*' }).groupBy('state');
    const counts = emptyStateCounts();
    for (const r of rows) {
      const state = String(r.state) as UploadState;
      if (state in counts) {
        counts[state] = Number(r.n);
      }
    }
    return counts;
  }

  async oldestUndelivered(): Promise<string | null> {
    const row: Row | undefined = await this.db(TABLES.businessRows)
      .min({ oldest: 'created_at' })
      .whereNotIn('state', SETTLED_STATES)
      .first();
    return row?.oldest == null ? null : String(row.oldest);
  }

  /** Two UPDATEs: attempts of delivered uploads finished before `before`, of the others before `failedBefore`. */
  async pruneAttemptBodies(before: string, failedBefore: string): Promise<number> {
    const prune = (cutoff: string, delivered: boolean) =>
      this.db(TABLES.uploadAttempts)
        .whereNotNull('finished_at')
        .where('finished_at', '<', cutoff)
        .where((q) => q.whereNotNull('request').orWhereNotNull('response'))
        .whereIn('row_id', (sub) => {
          sub.select('id').from(TABLES.businessRows);
          if (delivered) {
            sub.where('state', 'delivered');
          } else {
            sub.whereNot('state', 'delivered');
          }
        })
        .update({ request: null, response: null });
    return Number(await prune(before, true)) + Number(await prune(failedBefore, false));
  }

  private async blocked(ids: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (const chunk of chunks(ids, batchLimits[this.dialect].inList)) {
      const rows: Row[] = await blockedCandidates(this.db, chunk);
      for (const r of rows) {
        out.add(Number(r.row_id));
      }
    }
    return out;
  }

  private async rowsWhereIn(ids: number[]): Promise<Row[]> {
    const rows = await selectIn(this.db, this.dialect, TABLES.businessRows, UPLOAD_READ_COLUMNS, 'id', ids);
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Uploads from their rows (order kept), with their order keys read in one set-based query. */
  private async withKeys(rows: Row[]): Promise<Upload[]> {
    if (rows.length === 0) {
      return [];
    }
    const ids = rows.map((r) => Number(r.id));
    const keyRows = await selectIn(
      this.db,
      this.dialect,
      TABLES.uploadKeys,
      ['row_id', 'order_key', 'key_no'],
      'row_id',
      ids
    );
    keyRows.sort((a, b) => Number(a.key_no) - Number(b.key_no));
    const keysOf = new Map<number, string[]>();
    for (const k of keyRows) {
      const id = Number(k.row_id);
      const list = keysOf.get(id) ?? [];
      list.push(String(k.order_key));
      keysOf.set(id, list);
    }
    return rows.map((r) => rowToUpload(r, keysOf.get(Number(r.id)) ?? []));
  }
}
