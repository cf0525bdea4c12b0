/** What the memory and knex inbound stores share: the query filter's meaning, order, and not-found error. */
import type { InboundMessage, InboundQuery } from '../../core/channels/inbound-message.js';
import { notFound, type TracegateError } from '../../core/errors.js';

/** The filter `listInbound` applies (the knex adapter says the same in SQL). */
export function matchesInbound(m: InboundMessage, q: InboundQuery): boolean {
  return (
    (q.channel === undefined || m.channel === q.channel) &&
    (q.state === undefined || m.state === q.state) &&
    (q.kind === undefined || m.kind === q.kind) &&
    (q.from === undefined || m.receivedAt >= q.from) &&
    (q.to === undefined || m.receivedAt < q.to) &&
    (q.reference === undefined || m.reference === q.reference) &&
    (q.originalId === undefined || m.originalId === q.originalId) &&
    (q.afterId === undefined || m.id > q.afterId)
  );
}

export function inboundNotFound(id: string): TracegateError {
  return notFound('INBOUND_NOT_FOUND', `消息 ${id} 不存在`, { id });
}
