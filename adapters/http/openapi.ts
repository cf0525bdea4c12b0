/** OpenAPI 3.1 description of the HTTP API, served at /api/v1/openapi.json. Kept beside the routes it describes. */
import { errors, json } from './openapi-parts.js';
import { uploadPaths } from './openapi-uploads.js';
import { reportPaths } from './openapi-reports.js';
import { inboundPaths } from './openapi-inbound.js';
import { anomalyPaths, nationalAppSchema } from './openapi-anomalies.js';

const codeParam = { name: 'hisDrugCode', in: 'path', required: true, schema: { type: 'string' } };
const fileBody = {
  required: true,
  description: 'The file itself (CSV in UTF-8 or GBK, or XLSX); its name in the X-Filename header or ?filename=',
  content: {
    'text/csv': { schema: { type: 'string', format: 'binary' } },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
      schema: { type: 'string', format: 'binary' },
    },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  },
};

const prefixSchema = {
  type: 'object',
  required: ['prefix', 'packLevel', 'unitCount'],
  properties: {
    prefix: { type: 'string', pattern: '^8\\d{6}$' },
    packLevel: { enum: [1, 2, 3] },
    unitCount: { type: 'integer', minimum: 1 },
  },
};
const gtinSchema = {
  type: 'object',
  required: ['gtin', 'packLevel', 'unitCount'],
  properties: {
    gtin: { type: 'string', pattern: '^\\d{14}$' },
    packLevel: { enum: [1, 2, 3] },
    unitCount: { type: 'integer', minimum: 1 },
  },
};
const drugDraftProperties = {
  insuranceCode: { type: ['string', 'null'], description: '医保目录编码 med_list_codg' },
  name: { type: 'string' },
  spec: { type: ['string', 'null'] },
  manufacturer: { type: ['string', 'null'] },
  rxFlag: { type: 'boolean' },
  vbpFlag: { type: 'boolean', description: '集采' },
  unitsPerPack: { type: 'integer', minimum: 1, description: '最小计价单位 per smallest coded pack' },
  unitName: { type: ['string', 'null'] },
  prefixes: { type: 'array', items: prefixSchema },
  gtins: { type: 'array', items: gtinSchema },
  barcode69: { type: ['string', 'null'] },
  exempt: { type: 'boolean', description: '无码/免扫' },
  exemptReason: { type: ['string', 'null'] },
};

const lineSchema = {
  type: 'object',
  required: ['lineNo', 'hisDrugCode', 'quantity'],
  properties: {
    lineNo: { type: 'integer', minimum: 1 },
    hisDrugCode: { type: 'string' },
    quantity: { type: 'number', exclusiveMinimum: 0 },
  },
};
const sessionOpenSchemas = {
  DispenseOpen: {
    type: 'object',
    required: ['prescriptionNo', 'visitNo', 'patientId', 'patientName', 'settlementType', 'lines'],
    properties: {
      prescriptionNo: { type: 'string' },
      visitNo: { type: 'string' },
      insuranceVisitId: { type: ['string', 'null'], description: 'mdtrt_id when insured' },
      patientId: { type: 'string' },
      patientName: { type: 'string' },
      settlementType: { enum: ['insured', 'self_pay'] },
      settlementId: { type: ['string', 'null'] },
      doctorName: { type: ['string', 'null'] },
      agent: {
        type: ['object', 'null'],
        description: '代办人: who collects the drugs for the patient (anomaly AGENT_MANY_PATIENTS)',
        properties: { name: { type: ['string', 'null'] }, phone: { type: ['string', 'null'] } },
      },
      location: { type: 'string', description: 'the window, e.g. 门诊西药房 3号窗口' },
      lines: {
        type: 'array',
        items: {
          ...lineSchema,
          required: [...lineSchema.required, 'unit'],
          properties: {
            ...lineSchema.properties,
            unit: { type: 'string', description: "the pack unit (盒) or the drug's smallest unit (片)" },
          },
        },
      },
    },
  },
  ReceiptOpen: {
    type: 'object',
    required: ['deliveryNo', 'supplier', 'lines'],
    properties: {
      deliveryNo: { type: 'string' },
      supplier: { type: 'string' },
      location: { type: 'string' },
      lines: {
        type: 'array',
        items: {
          ...lineSchema,
          properties: {
            ...lineSchema.properties,
            lot: { type: ['string', 'null'] },
            expiry: { type: ['string', 'null'], format: 'date' },
            manufactureDate: {
              type: ['string', 'null'],
              format: 'date',
              description: '生产日期 (manu_date of the 35xx rows)',
            },
          },
        },
      },
    },
  },
  ReturnOpen: {
    type: 'object',
    required: ['lines'],
    description: 'names the original sale by dispenseId, prescriptionNo and/or visitNo',
    properties: {
      dispenseId: { type: ['string', 'null'] },
      prescriptionNo: { type: ['string', 'null'] },
      visitNo: { type: ['string', 'null'] },
      reason: { type: ['string', 'null'] },
      location: { type: 'string' },
      lines: { type: 'array', items: lineSchema },
    },
  },
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** The same six operations for receipts, dispenses and returns. */
function sessionPaths(path: string, open: string, what: string): Record<string, unknown> {
  const session = { $ref: '#/components/schemas/Session' };
  return {
    [`/api/v1/${path}`]: {
      post: {
        summary: `Open a ${what} session (roles pharmacist, pharmacy-head, integration)`,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${open}` } } },
        },
        responses: {
          201: json(session, 'the session with its lines (应扫 packs, 拆零 units)'),
          ...errors(400, 401, 403, 422),
        },
      },
    },
    [`/api/v1/${path}/{id}`]: {
      get: {
        summary: `The ${what} session, its progress, audit trail and business rows`,
        parameters: [idParam],
        responses: { 200: json(session), ...errors(401, 404) },
      },
    },
    [`/api/v1/${path}/{id}/scans`]: {
      post: {
        summary: 'Decide one scan at once (any order; a case code expands to its units)',
        parameters: [idParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['scan'], properties: { scan: { type: 'string' } } },
            },
          },
        },
        responses: { 200: json({ $ref: '#/components/schemas/ScanOutcome' }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    [`/api/v1/${path}/{id}/scans/{code}`]: {
      delete: {
        summary: 'Take a scan back',
        parameters: [idParam, { name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json(session), ...errors(401, 403, 404, 409) },
      },
    },
    [`/api/v1/${path}/{id}/complete`]: {
      post: {
        summary: 'Complete atomically and idempotently; missing packs need an override (pharmacy-head, with a reason)',
        parameters: [idParam],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  override: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
                },
              },
            },
          },
        },
        responses: { 200: json(session), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    [`/api/v1/${path}/{id}/cancel`]: {
      post: {
        summary: 'Cancel an open session',
        parameters: [idParam],
        responses: { 200: json(session), ...errors(401, 403, 404, 409) },
      },
    },
  };
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'tracegate 溯码网关', version: '1', description: 'Drug trace-code ledger and three-code mapping.' },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
          },
        },
      },
      Drug: {
        type: 'object',
        properties: {
          hisDrugCode: { type: 'string' },
          ...drugDraftProperties,
          version: { type: 'integer' },
          updatedAt: { type: 'string' },
          updatedBy: { type: 'string' },
        },
      },
      DrugPut: {
        type: 'object',
        required: ['name', 'unitsPerPack'],
        properties: { ...drugDraftProperties, version: { type: 'integer', description: 'optimistic lock' } },
      },
      CodeState: {
        type: 'object',
        properties: {
          traceCode: { type: 'string' },
          kind: { enum: ['cn_trace_code', 'gs1'] },
          drug: { type: 'object' },
          state: { enum: ['in_stock', 'opened', 'dispensed', 'quarantined', 'scrapped', 'transferred_out'] },
          stateName: { type: 'string' },
          unitsRemaining: { type: ['integer', 'null'] },
          lot: { type: ['string', 'null'] },
          expiry: { type: ['string', 'null'] },
          manufactureDate: { type: ['string', 'null'] },
          since: { type: 'string' },
          parent: { type: ['object', 'null'] },
          history: { type: 'array', items: { type: 'object' } },
          nationalApp: nationalAppSchema,
          duplicateNotices: { type: 'array', items: { type: 'object' }, description: 'the platform’s notices for it' },
        },
      },
      ...sessionOpenSchemas,
      ScanOutcome: {
        type: 'object',
        properties: {
          sessionId: { type: 'string' },
          result: { enum: ['accepted', 'rejected', 'warning'] },
          duplicate: { type: 'boolean', description: 'the same box scanned again: a harmless no-op' },
          lineNo: { type: ['integer', 'null'] },
          traceCode: { type: ['string', 'null'] },
          problem: { type: ['object', 'null'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
          progress: { type: 'array', items: { type: 'object' } },
          complete: { type: 'boolean' },
        },
      },
      Session: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          kind: { enum: ['receipt', 'dispense', 'return'] },
          state: { enum: ['open', 'completed', 'cancelled'] },
          lines: { type: 'array', items: { type: 'object' } },
          progress: { type: 'array', items: { type: 'object' } },
          complete: { type: 'boolean' },
          problems: { type: 'array', items: { type: 'object' } },
          scans: { type: 'array', items: { type: 'object' } },
          audit: { type: 'array', items: { type: 'object' } },
          businessRows: {
            type: 'array',
            items: { type: 'object' },
            description: '3503/3505/3506 rows for the insurance relay',
          },
        },
      },
      ImportResult: { type: 'object', properties: { imported: { type: 'integer' }, unchanged: { type: 'integer' } } },
    },
  },
  paths: {
    '/healthz': { get: { security: [], summary: 'Process is up', responses: { 200: json({ type: 'object' }) } } },
    '/readyz': {
      get: {
        security: [],
        summary: 'Every dependency answers',
        responses: { 200: json({ type: 'object' }), 503: json({ type: 'object' }, 'not ready') },
      },
    },
    '/api/v1/codes/{code}': {
      get: {
        summary: 'State and history of one trace code (raw scans accepted, URL-encoded)',
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json({ $ref: '#/components/schemas/CodeState' }), ...errors(400, 401, 404) },
      },
    },
    '/api/v1/drugs': {
      get: { summary: 'The drug catalog', responses: { 200: json({ type: 'object' }), ...errors(401) } },
    },
    '/api/v1/drugs/{hisDrugCode}': {
      get: {
        summary: 'One drug',
        parameters: [codeParam],
        responses: { 200: json({ $ref: '#/components/schemas/Drug' }), ...errors(401, 404) },
      },
      put: {
        summary: 'Create or replace a drug (roles pharmacy-head, integration); versioned',
        parameters: [codeParam],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/DrugPut' } } },
        },
        responses: { 200: json({ $ref: '#/components/schemas/Drug' }), ...errors(400, 401, 403, 409) },
      },
    },
    '/api/v1/drugs/{hisDrugCode}/history': {
      get: {
        summary: 'Every version of a drug: who, when, what',
        parameters: [codeParam],
        responses: { 200: json({ type: 'object' }), ...errors(401, 404) },
      },
    },
    '/api/v1/drugs/{hisDrugCode}/prefixes': {
      post: {
        summary: 'Learn a trace-code prefix for a drug (role pharmacy-head)',
        parameters: [codeParam],
        requestBody: { required: true, content: { 'application/json': { schema: prefixSchema } } },
        responses: { 201: json({ $ref: '#/components/schemas/Drug' }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    ...uploadPaths,
    ...reportPaths,
    ...inboundPaths,
    ...anomalyPaths,
    ...sessionPaths('receipts', 'ReceiptOpen', 'receipt'),
    ...sessionPaths('dispenses', 'DispenseOpen', 'dispense'),
    ...sessionPaths('returns', 'ReturnOpen', 'return'),
    '/api/v1/imports/catalog': {
      post: {
        summary: 'Import the drug catalog from CSV/XLSX (roles pharmacy-head, integration); all rows or none',
        requestBody: fileBody,
        responses: { 200: json({ $ref: '#/components/schemas/ImportResult' }), ...errors(400, 401, 403, 409, 413) },
      },
    },
    '/api/v1/imports/relations': {
      post: {
        summary: 'Import package relations (大/中/小码) from CSV/XLSX; all rows or none',
        requestBody: fileBody,
        responses: { 200: json({ $ref: '#/components/schemas/ImportResult' }), ...errors(400, 401, 403, 409, 413) },
      },
    },
  },
} as const;
