import type { z } from 'zod';
import { invalid } from '../../core/errors.js';

/** Validate a JSON body against a schema; a bad body is a 400 BODY_INVALID naming each field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) {
    return parsed.data;
  }
  const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  throw invalid(
    'BODY_INVALID',
    `request body is invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    { problems }
  );
}
