import type { InboundMessage } from '../../core/channels/inbound-message.js';

const AT = '2025-07-01T09:30:00.000Z';

/** An HL7 message as stored on receipt (received, nothing decided yet), with `overrides` on top. */
export function inboundMessage(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    id: 'M20250701093000000001',
    channel: 'hl7',
    sourceKey: 'MSG00001',
    kind: null,
    receivedAt: AT,
    raw: new Uint8Array(0),
    state: 'received',
    code: null,
    message: null,
    sessionId: null,
    reply: null,
    originalId: null,
    reference: null,
    updatedAt: AT,
    ...overrides,
  };
}
