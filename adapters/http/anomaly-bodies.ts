/** Queries and bodies of /api/v1/anomalies and /api/v1/duplicate-notices; field names as the OpenAPI shows them. */
import { z } from 'zod';
import { AnomalyStatuses, AnomalyTypes, RiskLevels } from '../../core/anomalies/anomaly.js';
import { NoticeKinds } from '../../core/anomalies/duplicate-notice.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 3600_000;

/** A yyyy-MM-dd (a hospital day) or an ISO time with its offset. */
const when = z
  .string()
  .refine((v) => (DATE.test(v) || /(?:Z|[+-]\d{2}:?\d{2})$/i.test(v)) && !Number.isNaN(Date.parse(v)), {
    message: 'expected yyyy-MM-dd or an ISO time with its offset',
  });

/** `from`: a day means from its first instant (hospital time). */
export function fromInstant(v: string): string {
  return DATE.test(v) ? new Date(`${v}T00:00:00+08:00`).toISOString() : new Date(v).toISOString();
}

/** `to`: a day means up to the end of it (the next day's first instant, exclusive). */
export function toInstant(v: string): string {
  return DATE.test(v) ? new Date(Date.parse(`${v}T00:00:00+08:00`) + DAY_MS).toISOString() : new Date(v).toISOString();
}

const format = z.enum(['json', 'csv', 'xlsx']).default('json');

export const anomalyQuery = z
  .object({
    type: z.enum(AnomalyTypes).optional(),
    risk: z.enum(RiskLevels).optional(),
    status: z.enum(AnomalyStatuses).optional(),
    /** HIS drug code. */
    drug: z.string().trim().min(1).max(64).optional(),
    /** A trace code among the finding's codes. */
    code: z.string().trim().min(1).max(100).optional(),
    from: when.optional(),
    to: when.optional(),
    format,
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export const trendQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }).strict();

export const runsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) }).strict();

export const statusBody = z
  .object({
    status: z.enum(AnomalyStatuses),
    note: z.string().trim().max(500).nullable().default(null),
  })
  .strict();

export const noticeQuery = z
  .object({
    code: z.string().trim().min(1).max(100).optional(),
    kind: z.enum(NoticeKinds).optional(),
    /** On the import time. */
    from: when.optional(),
    to: when.optional(),
    format,
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
  })
  .strict();

/** Notices as JSON: `{ notices: [...] }` or the array itself; each keyed by field name or Chinese header. */
export const noticesBody = z.union([
  z.object({ notices: z.array(z.record(z.string(), z.unknown())).min(1).max(50_000) }).strict(),
  z.array(z.record(z.string(), z.unknown())).min(1).max(50_000),
]);
