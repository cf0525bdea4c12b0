/** OpenAPI paths and schemas of anomalies, duplicate-code notices and the national app's answer (kept beside the routes). */
import { AnomalyStatuses, AnomalyTypes, anomalyTypeName, RiskLevels } from '../../core/anomalies/anomaly.js';
import { NoticeKinds } from '../../core/anomalies/duplicate-notice.js';
import { errors, json, query } from './openapi-parts.js';

const roles = '(roles pharmacy-head, integration, admin)';
const fileBody = {
  required: true,
  description: 'The notice list itself (CSV in UTF-8 or GBK, or XLSX); its name in the X-Filename header or ?filename=',
  content: {
    'text/csv': { schema: { type: 'string', format: 'binary' } },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
      schema: { type: 'string', format: 'binary' },
    },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
  },
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const formatParam = query('format', 'json (default), csv or xlsx (a download with Chinese headers)', {
  enum: ['json', 'csv', 'xlsx'],
});
const when = 'yyyy-MM-dd (a hospital day) or an ISO time with offset';

export const anomalySchema = {
  type: 'object',
  description: 'One finding; `evidence` is shaped per type (see README: Anomalies)',
  properties: {
    id: { type: 'string' },
    type: { enum: [...AnomalyTypes], description: AnomalyTypes.map((t) => `${t} ${anomalyTypeName[t]}`).join('; ') },
    typeName: { type: 'string' },
    risk: { enum: [...RiskLevels] },
    riskName: { enum: ['高风险', '中风险', '低风险'] },
    hisDrugCode: { type: ['string', 'null'] },
    drugName: { type: ['string', 'null'] },
    traceCodes: { type: 'array', items: { type: 'string' } },
    summary: { type: 'string', description: 'one Chinese sentence' },
    evidence: { type: 'object' },
    occurredAt: { type: 'string', description: 'when the latest fact behind it happened' },
    firstSeenAt: { type: 'string' },
    lastSeenAt: { type: 'string' },
    status: { enum: [...AnomalyStatuses] },
    statusName: { type: 'string' },
    note: { type: ['string', 'null'] },
    statusBy: { type: ['string', 'null'] },
    statusAt: { type: ['string', 'null'] },
    runId: { type: 'string' },
  },
};

const countsSchema = {
  type: 'object',
  properties: {
    byType: { type: 'object', additionalProperties: { type: 'integer' } },
    byRisk: { type: 'object', additionalProperties: { type: 'integer' } },
    total: { type: 'integer' },
  },
};

const noticeCountsSchema = {
  type: 'object',
  properties: {
    total: { type: 'integer' },
    byKind: { type: 'object', additionalProperties: { type: 'integer' } },
  },
};

const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    runKey: { type: 'string', description: 'daily:<yyyy-MM-dd> or manual:<id>' },
    trigger: { enum: ['daily', 'manual'] },
    actor: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    periodFrom: { type: 'string' },
    periodTo: { type: 'string' },
    params: { type: 'object', description: 'the thresholds it ran with' },
    counts: {
      type: ['object', 'null'],
      properties: {
        byType: { type: 'object' },
        byRisk: { type: 'object' },
        inserted: { type: 'integer' },
        updated: { type: 'integer' },
        limited: { type: 'array', items: { type: 'string' }, description: 'queries that hit their row limit' },
      },
    },
    state: { enum: ['running', 'done', 'failed'] },
    error: { type: ['string', 'null'] },
  },
};

export const noticeSchema = {
  type: 'object',
  description: 'One 追溯码重复通知 record, with the hospital’s own record of its code',
  properties: {
    id: { type: 'string' },
    kind: { enum: [...NoticeKinds] },
    kindName: { enum: ['回流', '假药', '串换', '其他'] },
    traceCode: { type: 'string' },
    traceSerialNo: { type: ['string', 'null'], description: '追溯流水号' },
    fixmedinsCode: { type: ['string', 'null'] },
    fixmedinsName: { type: ['string', 'null'] },
    medinsListCodg: { type: ['string', 'null'] },
    medListCodg: { type: ['string', 'null'] },
    fixmedinsBchno: { type: ['string', 'null'], description: '批次流水号' },
    saleSerialNo: { type: ['string', 'null'], description: '商品销售流水号' },
    mdtrtId: { type: ['string', 'null'] },
    mdtrtSetlType: { type: ['string', 'null'] },
    bkkpSn: { type: ['string', 'null'], description: '记账流水号' },
    trdnFlag: { type: ['string', 'null'] },
    psnNo: { type: ['string', 'null'] },
    psnName: { type: ['string', 'null'] },
    saleTime: { type: ['string', 'null'] },
    region: { type: ['string', 'null'] },
    importedAt: { type: 'string' },
    importedBy: { type: 'string' },
    source: { type: 'string' },
    extra: { type: 'object' },
    ownRecord: { type: 'boolean', description: 'the record is this hospital’s own sale' },
    hospital: {
      type: 'object',
      properties: {
        pack: {
          type: ['object', 'null'],
          description: 'null: the code was never in this hospital’s ledger',
          properties: {
            state: { type: 'string' },
            stateName: { type: 'string' },
            hisDrugCode: { type: 'string' },
            drugName: { type: ['string', 'null'] },
            location: { type: ['string', 'null'] },
            since: { type: 'string' },
            ref: { type: ['string', 'null'] },
          },
        },
        sales: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              at: { type: 'string' },
              prescriptionNo: { type: ['string', 'null'] },
              patientName: { type: ['string', 'null'] },
              sessionId: { type: ['string', 'null'] },
              pharmacist: { type: 'string' },
              location: { type: ['string', 'null'] },
              returnedAt: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
  },
};

export const nationalAppSchema = {
  type: 'object',
  description: 'What the national insurance app answers for the code, as far as this hospital can tell',
  properties: {
    answer: { enum: ['none', 'one', 'several'] },
    text: { enum: ['未查询到销售信息', '查询到仅有1次销售信息', '查询到有2次及以上的销售信息'] },
    meaning: { type: 'string', description: 'what it means, for a pharmacist or a patient' },
    localSales: { type: 'integer', description: 'this hospital’s sales of the code, net of returns' },
    noticeRecords: { type: 'integer' },
    splitSales: { type: 'integer' },
  },
};

const importResult = json({
  type: 'object',
  properties: { imported: { type: 'integer' }, unchanged: { type: 'integer' }, byKind: { type: 'object' } },
});

export const anomalyPaths = {
  '/api/v1/anomalies/runs': {
    post: {
      summary: `Run every anomaly rule now over the configured period ${roles}`,
      responses: { 201: json({ type: 'object', properties: { run: runSchema } }), ...errors(401, 403) },
    },
    get: {
      summary: `Recent runs, newest first ${roles}`,
      parameters: [query('limit', '1–500, default 20', { type: 'integer' })],
      responses: {
        200: json({ type: 'object', properties: { runs: { type: 'array', items: runSchema } } }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/anomalies': {
    get: {
      summary: `Findings, newest first, with counts per type and risk and the duplicate notices' counts ${roles}`,
      parameters: [
        query('type', AnomalyTypes.join(' | ')),
        query('risk', RiskLevels.join(' | ')),
        query('status', AnomalyStatuses.join(' | ')),
        query('drug', 'HIS drug code'),
        query('code', 'a trace code among the finding’s codes'),
        query('from', `occurred at or after: ${when}`),
        query('to', `occurred before (a day: up to its end): ${when}`),
        formatParam,
        query('limit', '1–10000, default 500', { type: 'integer' }),
        query('offset', 'rows to skip', { type: 'integer' }),
      ],
      responses: {
        200: json({
          type: 'object',
          properties: {
            anomalies: { type: 'array', items: anomalySchema },
            counts: countsSchema,
            notices: noticeCountsSchema,
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/anomalies/trend': {
    get: {
      summary: `Findings per hospital day and type (by when they happened), oldest day first ${roles}`,
      parameters: [query('days', '1–366, default 30', { type: 'integer' })],
      responses: {
        200: json({
          type: 'array',
          items: {
            type: 'object',
            properties: { date: { type: 'string' }, byType: { type: 'object' }, total: { type: 'integer' } },
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/anomalies/{id}': {
    get: {
      summary: `One finding ${roles}`,
      parameters: [idParam],
      responses: { 200: json(anomalySchema), ...errors(401, 403, 404) },
    },
    patch: {
      summary: `Mark a finding: open, acknowledged (已确认) or dismissed (已排除), with a note ${roles}`,
      parameters: [idParam],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['status'],
              properties: {
                status: { enum: [...AnomalyStatuses] },
                note: { type: ['string', 'null'], maxLength: 500 },
              },
            },
          },
        },
      },
      responses: { 200: json(anomalySchema), ...errors(400, 401, 403, 404) },
    },
  },
  '/api/v1/imports/duplicate-notices': {
    post: {
      summary: `Import the platform's duplicate-code notices (追溯码重复通知) from CSV/XLSX; all rows or none ${roles}`,
      requestBody: fileBody,
      responses: { 200: importResult, ...errors(400, 401, 403, 413) },
    },
  },
  '/api/v1/duplicate-notices': {
    post: {
      summary: `Import notices as JSON: { notices: [...] } or an array; keys are field names or Chinese headers ${roles}`,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: { notices: { type: 'array', items: { type: 'object' } } },
              example: {
                notices: [
                  {
                    drug_trac_codg: '81010010000000000010',
                    fixmedins_code: 'P31011500012',
                    fixmedins_name: '某某大药房',
                    medins_prod_sel_no: 'S20261121001',
                    admdvs: '310115',
                    kind: '回流',
                  },
                ],
              },
            },
          },
        },
      },
      responses: { 200: importResult, ...errors(400, 401, 403) },
    },
    get: {
      summary: `Notices, newest import first, each with the hospital's own record of its code ${roles}`,
      parameters: [
        query('code', 'one trace code'),
        query('kind', NoticeKinds.join(' | ')),
        query('from', `imported at or after: ${when}`),
        query('to', `imported before: ${when}`),
        formatParam,
        query('limit', '1–10000, default 500', { type: 'integer' }),
      ],
      responses: {
        200: json({
          type: 'object',
          properties: {
            notices: { type: 'array', items: noticeSchema },
            total: { type: 'integer' },
            byKind: { type: 'object' },
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
};
