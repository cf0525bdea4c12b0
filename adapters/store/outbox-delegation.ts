/**
 * The upload outbox, proxy records and HIS channels' inbound messages of a Store, handed to the parts that implement them: KnexStore and MemoryStore
 * differ in those parts, not in how the Store port reaches them.
 */
import type { Upload, UploadAttempt, UploadFilter, UploadState } from '../../core/insurance/upload.js';
import type { InboundMessage, InboundQuery } from '../../core/channels/inbound-message.js';
import type { InboundDecision, InboundStore } from '../../core/ports/inbound-store.js';
import type { ProxyRequest, ProxyRequestState, ProxyStore } from '../../core/ports/proxy-store.js';
import type { ClaimRequest, UploadStore, UploadUpdate } from '../../core/ports/upload-store.js';
import type { BusinessRow } from '../../core/window/business-row.js';

export abstract class OutboxDelegation<U extends UploadStore, P extends ProxyStore, I extends InboundStore>
  implements UploadStore, ProxyStore, InboundStore
{
  protected constructor(
    protected readonly uploads: U,
    protected readonly proxy: P,
    protected readonly inbound: I
  ) {}

  // ---- UploadStore ----
  enqueueUploads(rows: BusinessRow[]): Promise<Upload[]> {
    return this.uploads.enqueueUploads(rows);
  }
  claimDue(request: ClaimRequest): Promise<Array<Upload & { claimedFrom: UploadState }>> {
    return this.uploads.claimDue(request);
  }
  startAttempt(attempt: UploadAttempt): Promise<void> {
    return this.uploads.startAttempt(attempt);
  }
  finishAttempt(
    uploadId: number,
    attempt: number,
    result: Pick<UploadAttempt, 'finishedAt' | 'outcome' | 'httpStatus' | 'infcode' | 'message' | 'response'>
  ): Promise<void> {
    return this.uploads.finishAttempt(uploadId, attempt, result);
  }
  updateUpload(id: number, owner: string, update: UploadUpdate, at: string): Promise<boolean> {
    return this.uploads.updateUpload(id, owner, update, at);
  }
  resetUploads(ids: number[], from: UploadState[], update: UploadUpdate, at: string): Promise<number> {
    return this.uploads.resetUploads(ids, from, update, at);
  }
  getUpload(id: number): Promise<Upload | undefined> {
    return this.uploads.getUpload(id);
  }
  getUploadByKey(businessKey: string): Promise<Upload | undefined> {
    return this.uploads.getUploadByKey(businessKey);
  }
  listUploads(filter: UploadFilter): Promise<Upload[]> {
    return this.uploads.listUploads(filter);
  }
  listAttempts(uploadId: number): Promise<UploadAttempt[]> {
    return this.uploads.listAttempts(uploadId);
  }
  countUploadsByState(): Promise<Record<UploadState, number>> {
    return this.uploads.countUploadsByState();
  }
  oldestUndelivered(): Promise<string | null> {
    return this.uploads.oldestUndelivered();
  }
  pruneAttemptBodies(before: string, failedBefore: string): Promise<number> {
    return this.uploads.pruneAttemptBodies(before, failedBefore);
  }

  // ---- ProxyStore ----
  saveProxyRequest(request: ProxyRequest): Promise<ProxyRequest> {
    return this.proxy.saveProxyRequest(request);
  }
  getProxyRequest(msgid: string): Promise<ProxyRequest | undefined> {
    return this.proxy.getProxyRequest(msgid);
  }
  updateProxyRequest(
    msgid: string,
    update: Pick<ProxyRequest, 'state' | 'response' | 'sessionId'>,
    at: string
  ): Promise<void> {
    return this.proxy.updateProxyRequest(msgid, update, at);
  }
  listProxyRequests(query: { state: ProxyRequestState; receivedBefore?: string }): Promise<ProxyRequest[]> {
    return this.proxy.listProxyRequests(query);
  }
  deleteAnsweredProxyRequests(before: string): Promise<number> {
    return this.proxy.deleteAnsweredProxyRequests(before);
  }
  acquireHolds(codes: string[], holder: string, at: string, expiresAt: string): Promise<string[]> {
    return this.proxy.acquireHolds(codes, holder, at, expiresAt);
  }
  releaseHolds(holder: string): Promise<void> {
    return this.proxy.releaseHolds(holder);
  }

  // ---- InboundStore ----
  insertInbound(message: InboundMessage): Promise<{ message: InboundMessage; inserted: boolean }> {
    return this.inbound.insertInbound(message);
  }
  getInbound(id: string): Promise<InboundMessage | undefined> {
    return this.inbound.getInbound(id);
  }
  findInbound(channel: string, sourceKey: string): Promise<InboundMessage | undefined> {
    return this.inbound.findInbound(channel, sourceKey);
  }
  decideInbound(id: string, decision: InboundDecision, at: string): Promise<InboundMessage> {
    return this.inbound.decideInbound(id, decision, at);
  }
  listInbound(query: InboundQuery): Promise<InboundMessage[]> {
    return this.inbound.listInbound(query);
  }
  getChannelMark(channel: string): Promise<string | null> {
    return this.inbound.getChannelMark(channel);
  }
  setChannelMark(channel: string, mark: string, at: string): Promise<void> {
    return this.inbound.setChannelMark(channel, mark, at);
  }
}
