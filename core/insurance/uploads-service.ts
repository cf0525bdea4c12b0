/**
 * What hospital IT does with the outbox (API and CLI): list and inspect uploads, retry what failed, re-drive a
 * delivered or dead upload as a new one that names the original, hold an upload tracegate must not send, and undo a
 * delivered row with a 3507 deletion. Every action goes through the store's guarded state changes, so an action
 * never races a sender into a double send.
 */
import { invalid, notFound } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { SessionStore } from '../ports/session-store.js';
import type { UploadStore } from '../ports/upload-store.js';
import type { BusinessRow } from '../window/business-row.js';
import { orderKeysOf } from './order-keys.js';
import { bchnoOf } from './settlement-query.js';
import { TRANSACTIONS } from './transactions.js';
import type { RowInfno } from './row-fields.js';
import type { Upload, UploadAttempt, UploadFilter, UploadState } from './upload.js';

export interface UploadsOverview {
  counts: Record<UploadState, number>;
  oldestUndelivered: string | null;
}

export class UploadsService {
  constructor(
    private readonly store: UploadStore & Pick<SessionStore, 'appendAudit'>,
    private readonly clock: Clock,
    /** Wakes the sender after an action that makes uploads due. */
    private readonly onDue: () => void = () => {}
  ) {}

  list(filter: UploadFilter): Promise<Upload[]> {
    return this.store.listUploads(filter);
  }

  async overview(): Promise<UploadsOverview> {
    const [counts, oldestUndelivered] = await Promise.all([
      this.store.countUploadsByState(),
      this.store.oldestUndelivered(),
    ]);
    return { counts, oldestUndelivered };
  }

  async get(id: number): Promise<{ upload: Upload; attempts: UploadAttempt[] }> {
    const upload = await this.store.getUpload(id);
    if (!upload) {
      throw notFound('UPLOAD_NOT_FOUND', `上传记录 ${id} 不存在`, { id });
    }
    return { upload, attempts: await this.store.listAttempts(id) };
  }

  /**
   * Due now: a dead or waiting upload goes back to pending; an ambiguous one stays ambiguous, so it is still
   * settled by query before anything is resent.
   */
  async retry(ids: number[], actor: string): Promise<number> {
    const at = this.now();
    const note = `RETRY: ${actor} 手动重试`;
    const revived = await this.store.resetUploads(
      ids,
      ['dead', 'pending'],
      { state: 'pending', nextAttemptAt: at, lastError: note },
      at
    );
    const settling = await this.store.resetUploads(ids, ['ambiguous'], { state: 'ambiguous', nextAttemptAt: at }, at);
    await this.audit(actor, 'upload_retry', ids, '手动重试');
    this.onDue();
    return revived + settling;
  }

  /** Hold uploads tracegate must not send (the HIS or an operator sent them another way). */
  async hold(ids: number[], actor: string, reason: string): Promise<number> {
    if (!reason.trim()) {
      throw invalid('HOLD_REASON_REQUIRED', '停止上传必须填写原因');
    }
    const held = await this.store.resetUploads(
      ids,
      ['pending', 'dead', 'ambiguous'],
      { state: 'held', lastError: `HELD: ${actor}：${reason}` },
      this.now()
    );
    await this.audit(actor, 'upload_hold', ids, reason);
    return held;
  }

  /** Send a delivered, dead or held upload again as a new upload (`${key}:r${n}`) that names the original. */
  async redrive(ids: number[], actor: string): Promise<Upload[]> {
    const rows: BusinessRow[] = [];
    for (const id of ids) {
      const { upload } = await this.get(id);
      if (!['delivered', 'dead', 'held'].includes(upload.state)) {
        throw invalid(
          'REDRIVE_STATE',
          `上传记录 ${id} 状态为 ${upload.state}，只有已上传、失败或停止上传的记录可以重新上传`,
          { id }
        );
      }
      rows.push({
        ...this.rowOf(upload, await this.freeKey(upload.businessKey, 'r'), upload.payload, 'redrive'),
        originalId: upload.id,
      });
    }
    const queued = await this.store.enqueueUploads(rows);
    await this.audit(actor, 'upload_redrive', ids, `重新上传为 ${queued.map((u) => u.id).join(',')}`);
    this.onDue();
    return queued;
  }

  /** Undo a delivered row on the platform: queue a 3507 deleting it (the only undo the interface has). */
  async undo(id: number, actor: string): Promise<Upload> {
    const { upload } = await this.get(id);
    const spec = TRANSACTIONS[upload.infno as RowInfno];
    if (upload.state !== 'delivered' || !spec?.dataType) {
      throw invalid(
        'UNDO_STATE',
        `只有已上传的 3501–3506 记录可以删除（上传记录 ${id}：${upload.infno} ${upload.state}）`,
        {
          id,
        }
      );
    }
    const payload = { fixmedins_bchno: bchnoOf(upload), inv_data_type: spec.dataType };
    const [queued] = await this.store.enqueueUploads([
      {
        ...this.rowOf(upload, await this.freeKey(`${bchnoOf(upload)}:del`, 'd'), payload, 'operator'),
        infno: '3507',
        originalId: upload.id,
      },
    ]);
    await this.audit(actor, 'upload_undo', [id], `3507 删除 ${payload.fixmedins_bchno}`);
    this.onDue();
    return queued as Upload;
  }

  private async audit(actor: string, action: string, ids: number[], reason: string): Promise<void> {
    await this.store.appendAudit([
      {
        at: this.now(),
        actor,
        role: null,
        action,
        sessionId: null,
        raw: null,
        traceCode: null,
        code: null,
        reason: `上传记录 ${ids.join(',')}：${reason}`,
      },
    ]);
  }

  private rowOf(
    upload: Upload,
    businessKey: string,
    payload: Record<string, unknown>,
    source: BusinessRow['source']
  ): BusinessRow {
    return {
      infno: upload.infno as RowInfno,
      businessKey,
      sessionId: upload.sessionId,
      payload,
      createdAt: this.now(),
      source,
      orderKeys: orderKeysOf(payload),
      state: 'pending',
    };
  }

  /** The first `${key}:${letter}${n}` not yet used (the key itself first for a deletion). */
  private async freeKey(key: string, letter: string): Promise<string> {
    if (letter === 'd' && !(await this.store.getUploadByKey(key))) {
      return key;
    }
    for (let n = 2; ; n++) {
      const candidate = `${key}:${letter}${n}`;
      if (!(await this.store.getUploadByKey(candidate))) {
        return candidate;
      }
    }
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
