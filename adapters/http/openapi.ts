/** OpenAPI 3.1 description of the HTTP API, served at /api/v1/openapi.json. Kept beside the routes it describes. */

const errorRef = { $ref: '#/components/schemas/Error' };
const errors = (...statuses: number[]): Record<string, unknown> =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: 'error', content: { 'application/json': { schema: errorRef } } }])
  );
const json = (schema: unknown, description = 'OK'): Record<string, unknown> => ({
  description,
  content: { 'application/json': { schema } },
});
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
          since: { type: 'string' },
          parent: { type: ['object', 'null'] },
          history: { type: 'array', items: { type: 'object' } },
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
