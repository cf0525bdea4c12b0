/**
 * The upload outbox: every 35xx row tracegate must get to the platform, written before it is sent. A business
 * row of a completed session IS an upload (one table); these types add the delivery state around it.
 */

/**
 * pending: waiting for its next attempt · sending: claimed by a sender (a lease) · ambiguous: an attempt may have
 * reached the platform (timeout, dropped connection); settled by a query before any resend · delivered: the
 * platform accepted it · dead: a permanent refusal or too many attempts; kept until an operator acts ·
 * held: not for tracegate to send (the HIS uploads it itself, or the platform already has it).
 */
export const UploadStates = ['pending', 'sending', 'ambiguous', 'delivered', 'dead', 'held'] as const;
export type UploadState = (typeof UploadStates)[number];

export const uploadStateName: Record<UploadState, string> = {
  pending: '待上传',
  sending: '上传中',
  ambiguous: '结果未知（待核实）',
  delivered: '已上传',
  dead: '失败（需处理）',
  held: '不上传',
};

/**
 * transient: not delivered, safe to resend (connection refused, 503, platform busy) · ambiguous: may have been
 * delivered (timeout after sending, dropped connection, 502/504) · permanent: the platform refused the content;
 * resending the same row cannot help.
 */
export const ErrorClasses = ['transient', 'ambiguous', 'permanent'] as const;
export type ErrorClass = (typeof ErrorClasses)[number];

/**
 * window: a completed window session · proxy: the HIS's own row taken by the proxy · ledger: a stock event ·
 * redrive: an operator's re-send of an earlier upload · operator: another operator action (a 3507 undo).
 */
export const UploadSources = ['window', 'proxy', 'ledger', 'redrive', 'operator'] as const;
export type UploadSource = (typeof UploadSources)[number];

export const uploadSourceName: Record<UploadSource, string> = {
  window: '窗口',
  proxy: '代理',
  ledger: '库存变更',
  redrive: '重新上传',
  operator: '操作员',
};

export interface Upload {
  /** Database-numbered; also the order uploads are sent in. */
  id: number;
  /** '3501'…'3507' (sent in the single-row form). */
  infno: string;
  /** Unique per upload: the row's fixmedins_bchno (a 3507 uses `${bchno}:del`, a re-drive `${bchno}:r${n}`). */
  businessKey: string;
  /** The session or operation that produced it. */
  sessionId: string;
  source: UploadSource;
  /** The 35xx row exactly as it will be sent. */
  payload: Record<string, unknown>;
  /**
   * Uploads sharing a key go out in id order: the pack codes and `bchno:<fixmedins_bchno>` of the row (and of the
   * sale a 3506 names or a 3507 deletes), so a return never overtakes its sale.
   */
  orderKeys: string[];
  state: UploadState;
  attempts: number;
  /** ISO; null = as soon as possible. */
  nextAttemptAt: string | null;
  errorClass: ErrorClass | null;
  /** `CODE: message` of the last failure. */
  lastError: string | null;
  lastMsgid: string | null;
  infRefmsgid: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  /** A re-driven upload names the one it repeats. */
  originalId: number | null;
  /** Sender lease (state 'sending'): who, and until when. An expired lease is treated as ambiguous. */
  leaseOwner: string | null;
  leaseUntil: string | null;
}

/** One request tracegate made for an upload: the row itself or a settling query. */
export interface UploadAttempt {
  uploadId: number;
  /** 1-based per upload. */
  attempt: number;
  /** '3505', or the query ('3511'…) that settled an ambiguous upload. */
  infno: string;
  msgid: string;
  startedAt: string;
  finishedAt: string | null;
  /** delivered | rejected | transient | ambiguous | permanent | found | not_found */
  outcome: string | null;
  httpStatus: number | null;
  infcode: number | null;
  message: string | null;
  /** Bodies, kept for the retention period (null once swept). */
  request: string | null;
  response: string | null;
}

export interface UploadFilter {
  states?: UploadState[];
  infno?: string;
  source?: UploadSource;
  sessionId?: string;
  businessKey?: string;
  /** A trace code among the order keys. */
  traceCode?: string;
  createdFrom?: string;
  createdTo?: string;
  /** Id of the last row of the previous page (rows come in id order). */
  afterId?: number;
  limit?: number;
}
