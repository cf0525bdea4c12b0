/** Queries and bodies of /api/v1/reports/* and /api/v1/book-stock; field names as the OpenAPI description shows them. */
import { z } from 'zod';

/** yyyy-MM-dd; the core checks it is a real date (DATE_INVALID). */
const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-MM-dd');
const drugCode = z.string().trim().min(1).max(64);

export const reconciliationQuery = z
  .object({
    asOf: day.optional(),
    drug: drugCode.optional(),
    since: day.optional(),
    /** Codes listed per category (json only). */
    codes: z.coerce.number().int().min(0).max(50).optional(),
    format: z.string().optional(),
  })
  .strict();

export const codeListQuery = z
  .object({
    category: z.string().trim().min(1),
    asOf: day.optional(),
    since: day.optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
    format: z.string().optional(),
  })
  .strict();

export const dailyQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(366).default(30),
    format: z.string().optional(),
  })
  .strict();

export const bookStockQuery = z.object({ asOf: day.optional(), drug: drugCode.optional() }).strict();

export const bookStockBody = z
  .object({
    /** The day of rows that do not name one; default today. */
    asOf: day.optional(),
    rows: z
      .array(
        z
          .object({
            hisDrugCode: drugCode,
            quantity: z.number().int(),
            units: z.number().int().min(0).nullable().default(null),
            asOf: day.optional(),
          })
          .strict()
      )
      .min(1)
      .max(100_000),
  })
  .strict();

export const bookStockImportQuery = z.object({ asOf: day.optional(), filename: z.string().optional() }).strict();
