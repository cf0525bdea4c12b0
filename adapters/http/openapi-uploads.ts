/** OpenAPI paths of the upload outbox and of the insurance proxy (kept beside the routes they describe). */

import { errors, json, query } from './openapi-parts.js';

const idsBody = {
  required: true,
  content: {
    'application/json': {
      schema: { type: 'object', required: ['ids'], properties: { ids: { type: 'array', items: { type: 'integer' } } } },
    },
  },
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

export const uploadSchema = {
  type: 'object',
  description: 'One 35xx row in the outbox and its delivery state',
  properties: {
    id: { type: 'integer' },
    infno: { type: 'string', example: '3505' },
    businessKey: { type: 'string', description: 'fixmedins_bchno (3507: `<bchno>:del`, re-drive: `<bchno>:r<n>`)' },
    sessionId: { type: 'string' },
    source: { enum: ['window', 'proxy', 'ledger', 'redrive', 'operator'] },
    payload: { type: 'object', description: 'the 35xx row as it is sent' },
    orderKeys: { type: 'array', items: { type: 'string' } },
    state: { enum: ['pending', 'sending', 'ambiguous', 'delivered', 'dead', 'held'] },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: ['string', 'null'] },
    errorClass: { enum: ['transient', 'ambiguous', 'permanent', null] },
    lastError: { type: ['string', 'null'], description: '`CODE: message` of the last failure' },
    lastMsgid: { type: ['string', 'null'] },
    infRefmsgid: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    deliveredAt: { type: ['string', 'null'] },
    originalId: { type: ['integer', 'null'] },
  },
};

export const uploadPaths = {
  '/api/v1/uploads': {
    get: {
      summary: 'Uploads in id order with the count per state (roles pharmacy-head, integration)',
      parameters: [
        query('state', 'one state or several, comma-separated'),
        query('infno', 'e.g. 3505'),
        query('source', 'window | proxy | ledger | redrive | operator'),
        query('sessionId', 'uploads of one window session'),
        query('businessKey', 'fixmedins_bchno'),
        query('traceCode', 'uploads carrying this code'),
        query('from', 'created at or after (ISO)'),
        query('to', 'created before (ISO)'),
        query('afterId', 'next page: rows after this id', { type: 'integer' }),
        query('limit', '1–1000, default 100', { type: 'integer' }),
      ],
      responses: {
        200: json({
          type: 'object',
          properties: {
            counts: { type: 'object' },
            oldestUndelivered: { type: ['string', 'null'] },
            uploads: { type: 'array', items: uploadSchema },
            nextAfterId: { type: ['integer', 'null'] },
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/uploads/{id}': {
    get: {
      summary: 'One upload with every attempt (request and response bodies within the retention period)',
      parameters: [idParam],
      responses: { 200: json({ type: 'object' }), ...errors(400, 401, 403, 404) },
    },
  },
  '/api/v1/uploads/retry': {
    post: {
      summary: 'Due now: dead/pending → pending; ambiguous ones are still settled by query first (role integration)',
      requestBody: idsBody,
      responses: {
        200: json({ type: 'object', properties: { changed: { type: 'integer' } } }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/uploads/redrive': {
    post: {
      summary: 'Send delivered, dead or held uploads again as new uploads naming the originals (role integration)',
      requestBody: idsBody,
      responses: { 201: json({ type: 'object' }), ...errors(400, 401, 403, 404) },
    },
  },
  '/api/v1/uploads/hold': {
    post: {
      summary: 'Stop tracegate from sending these uploads, with a reason (role integration)',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['ids', 'reason'],
              properties: { ids: { type: 'array', items: { type: 'integer' } }, reason: { type: 'string' } },
            },
          },
        },
      },
      responses: { 200: json({ type: 'object' }), ...errors(400, 401, 403) },
    },
  },
  '/api/v1/uploads/{id}/undo': {
    post: {
      summary: 'Delete a delivered row on the platform: queues a 3507 (role integration)',
      parameters: [idParam],
      responses: { 201: json({ type: 'object' }), ...errors(400, 401, 403, 404) },
    },
  },
  '/api/v1/stock-changes': {
    post: {
      summary:
        'Record a stock change (报损/销毁, 调拨出入库, 盘盈/盘损…) by its 3502 change type: the ledger moves and a 3502 ' +
        'row per drug is queued in the same transaction (roles pharmacy-head, integration)',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['changeType', 'scans'],
              properties: {
                changeType: { enum: ['101', '102', '103', '104', '105', '106', '107', '108', '109', '110', '111'] },
                scans: { type: 'array', items: { type: 'string' }, description: 'unit trace codes or raw scans' },
                reason: { type: ['string', 'null'] },
                location: { type: ['string', 'null'] },
                price: { type: ['number', 'null'], description: '单价 pric of the 3502 rows' },
              },
            },
          },
        },
      },
      responses: { 201: json({ type: 'object' }), ...errors(400, 401, 403, 409, 422) },
    },
  },
  '/api/v1/inventory-counts': {
    post: {
      summary:
        'An inventory count (盘存) of one drug from the boxes scanned on the shelf: a 3501 row per lot is queued; the ' +
        'answer lists counted boxes the ledger does not show in stock (roles pharmacy-head, integration)',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['hisDrugCode', 'scans'],
              properties: { hisDrugCode: { type: 'string' }, scans: { type: 'array', items: { type: 'string' } } },
            },
          },
        },
      },
      responses: { 201: json({ type: 'object' }), ...errors(400, 401, 403, 422) },
    },
  },
  '/fsi/{path}': {
    post: {
      summary:
        'Insurance proxy (no bearer token; source address must be in insurance.proxy.allowFrom). The body is the ' +
        "platform's request envelope; 3505/3506 are checked first, everything else is relayed untouched. A refusal " +
        'is HTTP 200 with infcode -1 and a Chinese err_msg naming the code and the reason.',
      parameters: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
      responses: {
        200: json({ type: 'object', description: "the platform's response envelope, or tracegate's refusal" }),
        403: json({ type: 'object' }, 'source address not allowed (envelope with infcode -1)'),
      },
    },
  },
} as const;
