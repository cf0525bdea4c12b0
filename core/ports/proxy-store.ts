/**
 * What the insurance proxy keeps: every checked 35xx request by the HIS's msgid (so a repeated msgid gets the
 * stored answer, not a second decision) and, in sync mode, holds on the packs of a request whose platform call
 * is in flight (so a second request with the same packs is refused until the first is settled).
 */

/**
 * inflight: the platform call is under way (or tracegate stopped during it: recovery settles it) · answered:
 * the answer is stored.
 */
export const ProxyRequestStates = ['inflight', 'answered'] as const;
export type ProxyRequestState = (typeof ProxyRequestStates)[number];

export interface ProxyRequest {
  /** The HIS's msgid (≤ 30 characters). */
  msgid: string;
  infno: string;
  receivedAt: string;
  sourceIp: string;
  /** The window session that holds this request's decision (null when refused before one was opened). */
  sessionId: string | null;
  /** sync | queued | refused */
  mode: string;
  state: ProxyRequestState;
  /** The HIS's request body as received (UTF-8 JSON text): the rows a settlement completes the sale with. */
  request: string;
  /** The answer given to the HIS (JSON text), once answered. */
  response: string | null;
  /** fixmedins_bchno of the request's rows. */
  businessKeys: string[];
  updatedAt: string;
}

export interface ProxyStore {
  /** Insert; a msgid already stored → returns the stored request instead (nothing written). */
  saveProxyRequest(request: ProxyRequest): Promise<ProxyRequest>;
  getProxyRequest(msgid: string): Promise<ProxyRequest | undefined>;
  updateProxyRequest(
    msgid: string,
    update: Pick<ProxyRequest, 'state' | 'response' | 'sessionId'>,
    at: string
  ): Promise<void>;
  listProxyRequests(query: { state: ProxyRequestState; receivedBefore?: string }): Promise<ProxyRequest[]>;
  /**
   * Retention: forget answered requests received before `before` (their bodies with them); a msgid older than that
   * is decided anew. In-flight requests are kept whatever their age. Returns how many were removed.
   */
  deleteAnsweredProxyRequests(before: string): Promise<number>;
  /**
   * Hold packs for `holder` until `expiresAt`, all or none: returns the codes already held by another holder
   * (whose hold has not expired) and holds nothing then; an expired hold is taken over.
   */
  acquireHolds(codes: string[], holder: string, at: string, expiresAt: string): Promise<string[]>;
  releaseHolds(holder: string): Promise<void>;
}
