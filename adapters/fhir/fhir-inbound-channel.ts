/**
 * The FHIR channel as the inbound service sees it: stored bytes read as a MedicationDispense (the POST channel takes
 * the resource alone; the polling channel also the Bundle form it stores for packs held outside the resource), and
 * the stored answer built as FHIR answers (see fhir-reply.ts).
 */
import type { InboundChannel, ReadResult } from '../../core/channels/inbound-channel.js';
import { isTracegateError } from '../../core/errors.js';
import { parseDispenseDocument, type DocumentForms } from './dispense-document.js';
import type { FhirCodes } from './fhir-config.js';
import { resourceInvalid } from './fhir-problems.js';
import { fhirReplyOf } from './fhir-reply.js';
import { hisEventOf } from './read-medication-dispense.js';

export function readFhirDispense(raw: Uint8Array, codes: FhirCodes, forms: DocumentForms): ReadResult {
  try {
    return { ok: true, event: hisEventOf(parseDispenseDocument(raw, forms), codes) };
  } catch (e) {
    // Read never throws: a fault in the mapping is recorded against the message, not retried as a store failure.
    return {
      ok: false,
      error: isTracegateError(e) ? e : resourceInvalid(e instanceof Error ? e.message : String(e), '(body)'),
    };
  }
}

export function fhirInboundChannel(name: string, codes: FhirCodes, forms: DocumentForms): InboundChannel {
  const read = (raw: Uint8Array): ReadResult => readFhirDispense(raw, codes, forms);
  return {
    name,
    read,
    replyOf: (message) =>
      fhirReplyOf(message, () => {
        const result = read(message.raw);
        return result.ok ? null : result.error;
      }),
  };
}
