/** Building blocks of the OpenAPI description: the one error shape and a JSON response. */

const errorRef = { $ref: '#/components/schemas/Error' };

export const errors = (...statuses: number[]): Record<string, unknown> =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: 'error', content: { 'application/json': { schema: errorRef } } }])
  );

export const json = (schema: unknown, description = 'OK'): Record<string, unknown> => ({
  description,
  content: { 'application/json': { schema } },
});

/** An optional query parameter. */
export const query = (name: string, description: string, schema: unknown = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
