/**
 * Typed errors: a stable machine `code` for programs, a `message` for people (Chinese where a pharmacist
 * or pharmacy head reads it), optional `details` for evidence. `kind` lets each adapter choose its own
 * transport status without the core knowing about HTTP.
 */
/** invalid = malformed input; refused = well-formed but a domain rule says no; conflict = state or concurrency. */
export const ErrorKinds = [
  'invalid',
  'refused',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'unavailable',
] as const;
export type ErrorKind = (typeof ErrorKinds)[number];

export class TracegateError extends Error {
  override readonly name = 'TracegateError';
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind,
    readonly details?: Record<string, unknown>
  ) {
    super(message);
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export function invalid(code: string, message: string, details?: Record<string, unknown>): TracegateError {
  return new TracegateError(code, message, 'invalid', details);
}
export function notFound(code: string, message: string, details?: Record<string, unknown>): TracegateError {
  return new TracegateError(code, message, 'not_found', details);
}
export function refused(code: string, message: string, details?: Record<string, unknown>): TracegateError {
  return new TracegateError(code, message, 'refused', details);
}
export function conflict(code: string, message: string, details?: Record<string, unknown>): TracegateError {
  return new TracegateError(code, message, 'conflict', details);
}

export function isTracegateError(e: unknown): e is TracegateError {
  return e instanceof TracegateError;
}

/** One problem with one row of an imported file: which row (1-based, header = row 1), which field, what is wrong. */
export interface RowProblem {
  row: number;
  field: string;
  message: string;
}
