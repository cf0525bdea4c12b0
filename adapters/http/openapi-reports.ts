/** OpenAPI paths of the reports (药帐核对, the daily trend) and of book stock in (kept beside the routes they describe). */
import { OPENED_PACKS_RULE } from '../../core/reports/reconciliation/reconciliation.js';
import {
  categoryInfo,
  CodeListCategories,
  ReconciliationCategories,
} from '../../core/reports/reconciliation/reconciliation-categories.js';
import { errors, json, query } from './openapi-parts.js';

const int = { type: 'integer' };
const intOrNull = { type: ['integer', 'null'] };
const str = { type: 'string' };
const strOrNull = { type: ['string', 'null'] };
const day = { type: 'string', format: 'date', description: 'yyyy-MM-dd, hospital-local (Asia/Shanghai)' };
const format = query('format', 'json (default), csv or xlsx (a download with Chinese headers)', {
  enum: ['json', 'csv', 'xlsx'],
});
const categoryList = ReconciliationCategories.map(
  (c) => `${c} ${categoryInfo[c].label} (effect ${categoryInfo[c].effect}): ${categoryInfo[c].description}`
).join('\n');

const tally = {
  type: 'object',
  properties: { delivered: int, pending: int, failed: int, held: int },
  description: 'upload rows: pending = pending, sending or ambiguous; failed = dead',
};
const ledgerCounts = {
  type: 'object',
  description: OPENED_PACKS_RULE,
  properties: {
    inStock: int,
    opened: int,
    openedUnitsLeft: int,
    quarantined: int,
    scrapped: int,
    transferredOut: int,
    dispensed: int,
  },
};
const bookStock = {
  type: 'object',
  properties: {
    hisDrugCode: str,
    asOf: day,
    quantity: { type: 'integer', description: 'whole packs of the smallest coded level; may be negative' },
    units: { ...intOrNull, description: 'loose units of opened packs (拆零), when the HIS books them apart' },
    source: { enum: ['import', 'his-db', 'api'] },
    recordedAt: str,
    recordedBy: str,
  },
};
const drugReconciliation = {
  type: 'object',
  properties: {
    hisDrugCode: str,
    name: strOrNull,
    spec: strOrNull,
    unitsPerPack: intOrNull,
    unitName: strOrNull,
    book: { oneOf: [{ type: 'null' }, { ...bookStock, description: 'the latest figure on or before asOf' }] },
    ledger: ledgerCounts,
    lastCount: {
      type: ['object', 'null'],
      description: 'the latest 3501 inventory count on or before asOf, packs summed over its lots',
      properties: { date: day, packs: int },
    },
    uploads: { type: 'object', properties: { sales: tally, returns: tally } },
    window: {
      type: 'object',
      description: 'the days window categories count: from a given since, the day after the last count, or all',
      properties: {
        from: { ...day, type: ['string', 'null'] },
        to: day,
        basis: { enum: ['since', 'last-count', 'all'] },
      },
    },
    variance: { ...intOrNull, description: 'book.quantity − ledger.inStock; null without a book figure' },
    unitsVariance: { ...intOrNull, description: 'book.units − ledger.openedUnitsLeft' },
    explained: { ...intOrNull, description: 'Σ effect × count' },
    unexplained: { ...intOrNull, description: 'variance − explained' },
    categories: {
      type: 'array',
      description: `always all nine, in this order:\n${categoryList}`,
      items: {
        type: 'object',
        properties: {
          category: { enum: [...ReconciliationCategories] },
          label: str,
          effect: { enum: [1, -1, 0] },
          count: int,
          codes: { type: 'array', items: str, description: 'the first codes in code order (?codes=N)' },
          more: { type: 'boolean' },
        },
      },
    },
  },
};
const codeLine = {
  type: 'object',
  properties: {
    traceCode: str,
    at: strOrNull,
    ref: strOrNull,
    state: strOrNull,
    unitsLeft: intOrNull,
    refusalCode: strOrNull,
    refusals: intOrNull,
    uploadId: intOrNull,
    uploadState: strOrNull,
    detail: { type: 'string', description: 'why the code is in the category, in Chinese' },
  },
};
const dailyRow = {
  type: 'object',
  properties: {
    date: day,
    received: int,
    dispensed: int,
    splitDispensed: int,
    returned: int,
    dispensedNeverReceived: int,
    refusedScans: int,
    uploadsDelivered: int,
    uploadsFailed: int,
    anomalies: { ...intOrNull, description: 'null when no anomaly counter is installed' },
  },
};
const roles = '(roles pharmacy-head, integration)';

export const reportPaths = {
  '/api/v1/reports/reconciliation': {
    get: {
      summary: `药帐核对: HIS book stock against the ledger per drug, the difference explained by category ${roles}`,
      parameters: [
        query('asOf', 'the day (default today: the ledger as it is now; earlier days are rebuilt from events)', day),
        query('drug', 'one HIS drug code'),
        query('since', 'count window categories from this day (default: each drug since its last 3501 count)', day),
        query('codes', 'codes listed per category, 0–50 (default 5 for one drug, 0 for all; json only)', int),
        format,
      ],
      responses: {
        200: json({
          type: 'object',
          properties: {
            asOf: day,
            basis: { enum: ['current', 'end-of-day'] },
            since: { ...day, type: ['string', 'null'] },
            generatedAt: str,
            drugs: { type: 'array', items: drugReconciliation },
            totals: { type: 'object', description: 'sums over the drugs (drugs, withBook, withVariance, …)' },
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/reports/reconciliation/{hisDrugCode}/codes': {
    get: {
      summary: `Every code of one drug in one category, paged (json) or whole (csv/xlsx) ${roles}`,
      parameters: [
        { name: 'hisDrugCode', in: 'path', required: true, schema: str },
        { ...query('category', CodeListCategories.join(' | '), { enum: [...CodeListCategories] }), required: true },
        query('asOf', 'the day (default today)', day),
        query('since', 'window start for window categories', day),
        query('limit', '1–5000, default 100', int),
        query('offset', 'default 0', int),
        format,
      ],
      responses: {
        200: json({
          type: 'object',
          properties: {
            hisDrugCode: str,
            category: str,
            label: str,
            asOf: day,
            basis: { enum: ['current', 'end-of-day'] },
            window: { type: ['object', 'null'] },
            limit: int,
            offset: int,
            nextOffset: intOrNull,
            codes: { type: 'array', items: codeLine },
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/reports/daily': {
    get: {
      summary: `Per hospital-local day: packs received, dispensed, returned, refused scans, uploads, anomalies ${roles}`,
      parameters: [query('days', '1–366, default 30 (today included)', int), format],
      responses: {
        200: json({
          type: 'object',
          properties: { from: day, to: day, generatedAt: str, days: { type: 'array', items: dailyRow } },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/api/v1/book-stock': {
    get: {
      summary: `Each drug's latest book stock figure on or before a day ${roles}`,
      parameters: [query('asOf', 'default today', day), query('drug', 'one HIS drug code')],
      responses: {
        200: json({ type: 'object', properties: { asOf: day, rows: { type: 'array', items: bookStock } } }),
        ...errors(400, 401, 403),
      },
    },
    post: {
      summary: `Record the HIS's book stock (a later figure for the same drug and day replaces it); all rows or none ${roles}`,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['rows'],
              properties: {
                asOf: { ...day, description: 'the day of rows that do not name one (default today)' },
                rows: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['hisDrugCode', 'quantity'],
                    properties: { hisDrugCode: str, quantity: int, units: intOrNull, asOf: day },
                  },
                },
              },
            },
          },
        },
      },
      responses: {
        201: json({ type: 'object', properties: { saved: int, skipped: int, dates: { type: 'array', items: day } } }),
        ...errors(400, 401, 403, 409),
      },
    },
  },
  '/api/v1/imports/book-stock': {
    post: {
      summary: `Import book stock from CSV/XLSX (HIS药品编码, 账面库存(盒), optional 拆零数量, 日期) ${roles}`,
      parameters: [query('asOf', 'the day of rows without a 日期 column (default today)', day)],
      requestBody: {
        required: true,
        description: 'The file itself (CSV in UTF-8 or GBK, or XLSX); its name in the X-Filename header or ?filename=',
        content: {
          'text/csv': { schema: { type: 'string', format: 'binary' } },
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
            schema: { type: 'string', format: 'binary' },
          },
        },
      },
      responses: {
        200: json({ type: 'object', properties: { imported: int, dates: { type: 'array', items: day } } }),
        ...errors(400, 401, 403, 413),
      },
    },
  },
};
