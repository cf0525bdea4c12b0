/**
 * Sends the outbox: claims due uploads (oldest first, never past an older undelivered upload of the same pack),
 * writes each attempt before the request goes out, and classifies what came back. An upload whose last attempt
 * may have reached the platform (timeout, dropped connection, a sender that died mid-call) is settled by the
 * platform's own query (3508–3511 by fixmedins_bchno) before it is ever sent again: that is what makes delivery
 * exactly-once rather than at-least-once.
 */
import { isTracegateError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { InsuranceUpstream, SendResult } from '../ports/insurance-upstream.js';
import type { UploadStore, UploadUpdate } from '../ports/upload-store.js';
import { shanghaiDate } from '../shanghai-time.js';
import { classifyReply } from './classify-reply.js';
import { completeAndCheckRow, type RowCompletion } from './complete-row.js';
import { buildRequest, type Institution, type Operator, type RequestEnvelope } from './envelope.js';
import type { MsgIdSource } from './msgid-source.js';
import { retryDelayMs, type RetryPolicy } from './retry-schedule.js';
import type { RowInfno } from './row-fields.js';
import { bchnoOf, settlementInput, settlementVerdict, targetOfUpload } from './settlement-query.js';
import { inputOfRows, TRANSACTIONS } from './transactions.js';
import type { ErrorClass, Upload, UploadState } from './upload.js';

export interface OutboxSenderOptions {
  /** This instance's stable name: its leases, and the ones it finds again after a restart. */
  owner: string;
  institution: Institution;
  operator: Operator;
  completion: RowCompletion;
  retry: RetryPolicy;
  /** How long a claim lasts; longer than the upstream timeout. */
  leaseMs: number;
  /** Uploads claimed per round. */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Wait before settling an ambiguous upload (the platform may still be writing it). */
  settleDelayMs: number;
}

export interface OutboxObserver {
  onOutcome?(upload: Upload, state: UploadState, detail: string | null): void;
  /** A round could not finish this upload (store or programming error); it will be claimed again. */
  onError?(upload: Upload, error: unknown): void;
}

type Claimed = Upload & { claimedFrom: UploadState };

export class OutboxSender {
  constructor(
    private readonly store: UploadStore,
    private readonly upstream: InsuranceUpstream,
    private readonly msgids: MsgIdSource,
    private readonly clock: Clock,
    private readonly options: OutboxSenderOptions,
    private readonly random: () => number = Math.random,
    private readonly observer: OutboxObserver = {}
  ) {}

  /**
   * After a restart: this instance's own uploads still marked 'sending' were cut off mid-call, so they are
   * ambiguous now (no need to wait for their leases to run out).
   */
  async recoverOwnLeases(): Promise<number> {
    const stuck = (await this.store.listUploads({ states: ['sending'], limit: 1000 })).filter(
      (u) => u.leaseOwner === this.options.owner
    );
    const at = this.nowIso();
    return this.store.resetUploads(
      stuck.map((u) => u.id),
      ['sending'],
      {
        state: 'ambiguous',
        nextAttemptAt: at,
        errorClass: 'ambiguous',
        lastError: 'INTERRUPTED: 上次上传过程中程序停止',
      },
      at
    );
  }

  /** One round: claim, send, record. Returns how many uploads were handled. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const claimed = await this.store.claimDue({
      now: now.toISOString(),
      limit: this.options.batchSize,
      owner: this.options.owner,
      leaseUntil: new Date(now.getTime() + this.options.leaseMs).toISOString(),
    });
    await runPool(claimed, this.options.concurrency, (u) => this.handle(u));
    return claimed.length;
  }

  /** One upload; a failure here (the store gone for a moment) is reported and never stops the rest of the round. */
  private async handle(upload: Claimed): Promise<void> {
    try {
      if (upload.claimedFrom === 'ambiguous' || upload.claimedFrom === 'sending') {
        await this.catchUpAttempts(upload);
        const settled = await this.settle(upload);
        if (settled !== 'not_found') {
          return;
        }
      }
      await this.send(upload);
    } catch (e) {
      // The lease runs out and the upload is claimed again, as ambiguous: nothing is resent without a query.
      this.observer.onError?.(upload, e);
    }
  }

  /**
   * An attempt is written before its request goes out, but counted on the upload only when it finishes: after a
   * stop (or a lease taken over from another instance) the attempts table may be ahead of the upload.
   */
  private async catchUpAttempts(upload: Claimed): Promise<void> {
    const attempts = await this.store.listAttempts(upload.id);
    upload.attempts = Math.max(upload.attempts, ...attempts.map((a) => a.attempt));
  }

  /** Ask the platform whether it has the row; 'not_found' means it is safe to send it (again). */
  private async settle(upload: Claimed): Promise<'found' | 'not_found' | 'unknown'> {
    const spec = TRANSACTIONS[upload.infno as RowInfno];
    if (!spec?.queryInfno) {
      // A 3507 has no query: deleting again is harmless, and "not found" then means the first one got through.
      return 'not_found';
    }
    const attempt = upload.attempts + 1;
    const envelope = this.envelope(
      spec.queryInfno,
      settlementInput(targetOfUpload(upload), shanghaiDate(this.nowIso()))
    );
    const result = await this.call(upload, attempt, envelope);
    const verdict = settlementVerdict(result.outcome, bchnoOf(upload));
    await this.store.finishAttempt(upload.id, attempt, {
      finishedAt: this.nowIso(),
      outcome: verdict.kind,
      httpStatus: result.outcome.kind === 'reply' ? result.outcome.status : null,
      infcode: verdict.infcode,
      message: verdict.message,
      response: result.outcome.kind === 'reply' ? result.outcome.raw.toString('utf8') : null,
    });
    switch (verdict.kind) {
      case 'found':
        await this.finish(upload, { state: 'delivered', attempts: attempt, deliveredAt: this.nowIso() }, null);
        return 'found';
      case 'not_found':
        await this.store.updateUpload(
          upload.id,
          this.options.owner,
          { state: 'sending', attempts: attempt },
          this.nowIso()
        );
        upload.attempts = attempt;
        return 'not_found';
      case 'unknown':
        await this.retryLater(upload, attempt, 'ambiguous', `SETTLE_FAILED: ${verdict.message}`);
        return 'unknown';
      default:
        return verdict satisfies never;
    }
  }

  private async send(upload: Claimed): Promise<void> {
    const infno = upload.infno as RowInfno;
    const attempt = upload.attempts + 1;
    let row: Record<string, unknown>;
    try {
      row = completeAndCheckRow(infno, upload.payload, this.options.completion);
    } catch (e) {
      if (!isTracegateError(e)) {
        throw e;
      }
      // Nothing was sent: the platform would refuse this row; the operator fixes the configuration and retries.
      await this.finish(
        upload,
        { state: 'dead', errorClass: 'permanent', lastError: `${e.code}: ${e.message}` },
        e.message
      );
      return;
    }
    const { infno: sentInfno, input } = inputOfRows(infno, [row], false);
    const result = await this.call(upload, attempt, this.envelope(sentInfno, input));
    const outcome = sendOutcome(result);
    await this.store.finishAttempt(upload.id, attempt, {
      finishedAt: this.nowIso(),
      outcome: outcome.kind === 'delivered' ? 'delivered' : outcome.errorClass,
      httpStatus: result.outcome.kind === 'reply' ? result.outcome.status : null,
      infcode: outcome.infcode,
      message: outcome.kind === 'delivered' ? null : outcome.message,
      response: result.outcome.kind === 'reply' ? result.outcome.raw.toString('utf8') : null,
    });
    if (outcome.kind === 'delivered' || deletedBefore(upload, outcome)) {
      const done = { state: 'delivered', attempts: attempt, deliveredAt: this.nowIso(), errorClass: null } as const;
      await this.finish(upload, { ...done, infRefmsgid: outcome.infRefmsgid, lastError: null }, null);
      return;
    }
    if (outcome.errorClass === 'permanent') {
      const dead = {
        state: 'dead',
        attempts: attempt,
        errorClass: outcome.errorClass,
        lastError: outcome.message,
      } as const;
      await this.finish(upload, dead, outcome.message);
      return;
    }
    await this.retryLater(upload, attempt, outcome.errorClass, outcome.message);
  }

  /** Write the attempt (with a fresh msgid) before the request leaves, then send. */
  private async call(upload: Claimed, attempt: number, envelope: RequestEnvelope): Promise<SendResult> {
    await this.store.startAttempt({
      uploadId: upload.id,
      attempt,
      infno: envelope.infno,
      msgid: envelope.msgid,
      startedAt: this.nowIso(),
      finishedAt: null,
      outcome: null,
      httpStatus: null,
      infcode: null,
      message: null,
      request: JSON.stringify(envelope),
      response: null,
    });
    await this.store.updateUpload(
      upload.id,
      this.options.owner,
      { state: 'sending', lastMsgid: envelope.msgid },
      this.nowIso()
    );
    return this.upstream.send(envelope);
  }

  private async retryLater(upload: Claimed, attempt: number, errorClass: ErrorClass, message: string): Promise<void> {
    if (errorClass === 'transient' && attempt >= this.options.retry.maxAttempts) {
      await this.finish(
        upload,
        { state: 'dead', attempts: attempt, errorClass, lastError: `MAX_ATTEMPTS: ${message}` },
        message
      );
      return;
    }
    const delay =
      errorClass === 'ambiguous'
        ? Math.max(this.options.settleDelayMs, retryDelayMs(attempt, this.options.retry, this.random))
        : retryDelayMs(attempt, this.options.retry, this.random);
    const next = new Date(this.clock.now().getTime() + delay).toISOString();
    await this.finish(
      upload,
      {
        state: errorClass === 'ambiguous' ? 'ambiguous' : 'pending',
        attempts: attempt,
        nextAttemptAt: next,
        errorClass,
        lastError: message,
      },
      message
    );
  }

  private async finish(upload: Claimed, update: UploadUpdate, detail: string | null): Promise<void> {
    const kept = await this.store.updateUpload(upload.id, this.options.owner, update, this.nowIso());
    if (kept) {
      this.observer.onOutcome?.(upload, update.state, detail);
    }
  }

  private envelope(infno: string, input: Record<string, unknown>): RequestEnvelope {
    const now = this.clock.now();
    return buildRequest({
      infno,
      msgid: this.msgids.next(now),
      input,
      institution: this.options.institution,
      operator: this.options.operator,
      at: now.toISOString(),
    });
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }
}

type SendOutcome =
  | { kind: 'delivered'; infcode: number | null; infRefmsgid: string | null }
  | { kind: 'failed'; errorClass: ErrorClass; infcode: number | null; infRefmsgid: null; message: string };

/** What one send came to: a transport failure as classified, or the platform's answer as classifyReply reads it. */
function sendOutcome(result: SendResult): SendOutcome {
  if (result.outcome.kind === 'failure') {
    const { errorClass } = result.outcome;
    return { kind: 'failed', errorClass, infcode: null, infRefmsgid: null, message: failureText(result) };
  }
  const verdict = classifyReply(result.outcome.status, result.outcome.json);
  const infcode = verdict.parsed?.infcode ?? null;
  return verdict.kind === 'delivered'
    ? { kind: 'delivered', infcode, infRefmsgid: verdict.parsed.infRefmsgid }
    : {
        kind: 'failed',
        errorClass: verdict.errorClass,
        infcode,
        infRefmsgid: null,
        message: `${verdict.code}: ${verdict.message}`,
      };
}

/** A 3507 resent after an answer was lost: "not found" means the first one already deleted the row. */
function deletedBefore(upload: Claimed, outcome: SendOutcome): boolean {
  return (
    upload.infno === '3507' && upload.attempts > 0 && outcome.kind === 'failed' && /未找到|不存在/.test(outcome.message)
  );
}

function failureText(result: SendResult): string {
  return result.outcome.kind === 'failure'
    ? `${result.outcome.code}: ${result.outcome.message}`
    : `HTTP ${result.outcome.status}`;
}

/** Run `work` over `items` with at most `limit` at once. */
async function runPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
