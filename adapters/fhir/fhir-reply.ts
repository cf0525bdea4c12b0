/**
 * The answer stored with each decided FHIR message, byte for byte what a repeated POST gets again: the accepted
 * resource echoed back as tracegate stored it (id = the inbound message id), or an OperationOutcome saying why not.
 */
import type { InboundMessage, InboundState } from '../../core/channels/inbound-message.js';
import type { TracegateError } from '../../core/errors.js';
import { parseDispenseDocument } from './dispense-document.js';
import { issueTypeOfReadError, operationOutcome } from './operation-outcome.js';

/** Every stored message is version 1: tracegate never updates a received resource. */
export const STORED_VERSION = '1';

/** `readError` reads the bytes again for an invalid message, for the path of the problem (not stored otherwise). */
export function fhirReplyOf(message: InboundMessage, readError: () => TracegateError | null): string | null {
  switch (message.state) {
    case 'accepted':
      return JSON.stringify(echoOf(message));
    case 'refused':
      return JSON.stringify(
        operationOutcome({
          type: 'business-rule',
          code: message.code ?? 'REFUSED',
          message: message.message ?? '溯码网关拒绝了此发药记录',
        })
      );
    case 'invalid': {
      const error = readError();
      const code = message.code ?? error?.code ?? 'FHIR_RESOURCE_INVALID';
      const path = error?.details?.path;
      return JSON.stringify(
        operationOutcome({
          type: issueTypeOfReadError(code),
          code,
          message: message.message ?? error?.message ?? 'FHIR 消息无法读取',
          path: typeof path === 'string' ? path : null,
        })
      );
    }
    case 'received':
      return null;
    default:
      return message.state satisfies never;
  }
}

/** The HTTP status a decided message is answered with; a replayed acceptance is 200 (FHIR's conditional create). */
export function httpStatusOf(state: InboundState, replayed: boolean): number {
  switch (state) {
    case 'accepted':
      return replayed ? 200 : 201;
    case 'refused':
      return 422;
    case 'invalid':
      return 400;
    case 'received':
      // Stored but not decided (a decision interrupted): the sender should come again.
      return 503;
    default:
      return state satisfies never;
  }
}

/** The MedicationDispense as received, with tracegate's id and meta (the sender's own id is not kept as the id). */
function echoOf(message: InboundMessage): Record<string, unknown> {
  const { value } = parseDispenseDocument(message.raw, 'resource-or-bundle').dispense;
  const { resourceType, id: _senderId, meta, ...rest } = value;
  return {
    resourceType,
    id: message.id,
    meta: {
      ...(typeof meta === 'object' && meta !== null ? meta : {}),
      versionId: STORED_VERSION,
      lastUpdated: message.receivedAt,
    },
    ...rest,
  };
}
