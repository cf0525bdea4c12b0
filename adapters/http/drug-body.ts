import { z } from 'zod';
import { invalid } from '../../core/errors.js';
import type { DrugDraft } from '../../core/catalog/drug.js';
import { parseBody } from './parse-body.js';
import { validateDrugDraft } from '../../core/catalog/validate-drug-draft.js';

const level = z.union([z.literal(1), z.literal(2), z.literal(3)]);

/** PUT /api/v1/drugs/:hisDrugCode body; `version`, when given, must be the drug's current version. */
export const drugBodySchema = z
  .object({
    insuranceCode: z.string().nullable().default(null),
    name: z.string().min(1),
    spec: z.string().nullable().default(null),
    manufacturer: z.string().nullable().default(null),
    rxFlag: z.boolean().default(false),
    vbpFlag: z.boolean().default(false),
    unitsPerPack: z.number().int().positive(),
    unitName: z.string().nullable().default(null),
    prefixes: z
      .array(z.object({ prefix: z.string(), packLevel: level, unitCount: z.number().int().positive() }).strict())
      .default([]),
    gtins: z
      .array(z.object({ gtin: z.string(), packLevel: level, unitCount: z.number().int().positive() }).strict())
      .default([]),
    barcode69: z.string().nullable().default(null),
    exempt: z.boolean().default(false),
    exemptReason: z.string().nullable().default(null),
    version: z.number().int().positive().optional(),
  })
  .strict();

export function parseDrugBody(hisDrugCode: string, body: unknown): { draft: DrugDraft; version?: number } {
  const { version, ...rest } = parseBody(drugBodySchema, body);
  const draft: DrugDraft = { hisDrugCode, ...rest };
  const problems = validateDrugDraft(draft);
  if (problems.length > 0) {
    throw invalid(
      'DRUG_INVALID',
      `药品 ${hisDrugCode} 有 ${problems.length} 处错误：${problems.map((p) => p.message).join('；')}`,
      { problems }
    );
  }
  return version === undefined ? { draft } : { draft, version };
}
