import { z } from 'zod';
import { UploadSources, UploadStates } from '../../core/insurance/upload.js';

/** Query and bodies of /api/v1/uploads; field names as the OpenAPI description shows them. */

const iso = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'expected an ISO date or time');

export const uploadQuery = z
  .object({
    /** One state or several, comma-separated. */
    state: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()))
      .pipe(z.array(z.enum(UploadStates)))
      .optional(),
    infno: z
      .string()
      .regex(/^35\d{2}$/)
      .optional(),
    source: z.enum(UploadSources).optional(),
    sessionId: z.string().max(64).optional(),
    businessKey: z.string().max(64).optional(),
    traceCode: z.string().max(100).optional(),
    from: iso.optional(),
    to: iso.optional(),
    afterId: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const idsBody = z.object({ ids: z.array(z.number().int().positive()).min(1).max(1000) }).strict();

export const holdBody = z
  .object({ ids: z.array(z.number().int().positive()).min(1).max(1000), reason: z.string().trim().min(1).max(500) })
  .strict();
