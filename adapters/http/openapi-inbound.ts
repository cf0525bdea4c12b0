/** OpenAPI paths of the HIS channels' stored messages and of the FHIR channel's POST (beside the routes). */
import { errors, json, query } from './openapi-parts.js';

const filterProperties = {
  channel: { type: 'string', description: 'configured channel name (hl7, fhir, fhir-poll, his-db…)' },
  state: { enum: ['received', 'accepted', 'refused', 'invalid'], description: 'received = stored, not yet decided' },
  kind: { enum: ['dispense', 'return'], description: 'dispense or return' },
  reference: { type: 'string', description: 'prescription, visit or original sale' },
  originalId: { type: 'string', description: 're-drives of this message' },
  from: { type: 'string', description: 'received at or after (ISO)' },
  to: { type: 'string', description: 'received before (ISO)' },
};

export const inboundMessageSchema = {
  type: 'object',
  description: 'A message a HIS channel received, stored before it was decided (without its bytes)',
  properties: {
    id: { type: 'string' },
    channel: { type: 'string' },
    sourceKey: { type: 'string', description: "the sender's key: MSH-10, FHIR identifier or version, HIS event id" },
    kind: { enum: ['dispense', 'return', null] },
    receivedAt: { type: 'string' },
    state: filterProperties.state,
    code: { type: ['string', 'null'], description: 'machine code of the refusal or parse error' },
    message: { type: ['string', 'null'], description: 'why, in Chinese' },
    sessionId: { type: ['string', 'null'], description: 'the window session that decided it' },
    reply: { type: ['string', 'null'], description: 'the answer the sender got (ACK, OperationOutcome…)' },
    originalId: { type: ['string', 'null'], description: "a re-drive's original" },
    reference: { type: ['string', 'null'] },
    updatedAt: { type: 'string' },
    rawBytes: { type: 'integer' },
  },
};

export const inboundPaths = {
  '/api/v1/inbound': {
    get: {
      summary: 'Messages from the HIS channels in id order (roles pharmacy-head, integration)',
      parameters: [
        ...Object.entries(filterProperties).map(([name, schema]) => query(name, schema.description, schema)),
        query('afterId', 'next page: messages after this id'),
        query('limit', '1–1000, default 100', { type: 'integer' }),
      ],
      responses: {
        200: json({
          type: 'object',
          properties: {
            channels: { type: 'array', items: { type: 'string' } },
            messages: { type: 'array', items: inboundMessageSchema },
            nextAfterId: { type: ['string', 'null'] },
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/inbound/{id}': {
    get: {
      summary: 'One message with its bytes (base64) and its text as the channel reads it',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: json(inboundMessageSchema), ...errors(401, 403, 404) },
    },
  },
  '/api/v1/inbound/{id}/redrive': {
    post: {
      summary: 'Decide a message again from its stored bytes, as a new message linked to it (role integration)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        201: json({ type: 'object', properties: { message: inboundMessageSchema } }),
        ...errors(401, 403, 404, 409),
      },
    },
  },
  '/api/v1/inbound/redrive': {
    post: {
      summary: 'Re-drive every message a filter finds that is not accepted (at most 500; role integration)',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object', properties: filterProperties, minProperties: 1 } } },
      },
      responses: {
        200: json({
          type: 'object',
          properties: {
            redriven: { type: 'array', items: inboundMessageSchema },
            skipped: { type: 'array', items: { type: 'string' } },
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/fhir/MedicationDispense': {
    post: {
      summary:
        'FHIR channel: a MedicationDispense with one contained Medication per box (docs/fhir-channel.md; role integration)',
      requestBody: { required: true, content: { 'application/fhir+json': { schema: { type: 'object' } } } },
      responses: {
        201: { description: 'accepted (the stored resource; Location names it)' },
        200: { description: 'the same identifier again: the stored answer' },
        400: { description: 'unreadable: OperationOutcome' },
        422: { description: 'refused by a rule: OperationOutcome, details.coding = machine code' },
        503: { description: 'not stored (resend): OperationOutcome' },
      },
    },
  },
};
