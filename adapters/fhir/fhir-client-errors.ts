/**
 * What went wrong talking to the HIS's FHIR server, from fhir-kit-client's errors (an Error with `response.status`
 * for an HTTP error answer) or fetch's (a TypeError whose `cause` holds ECONNREFUSED, a timeout…).
 */

/** The HTTP status of an error answer, or null for a transport failure. */
export function httpStatusOfError(e: unknown): number | null {
  const response =
    typeof e === 'object' && e !== null && 'response' in e ? (e as { response: unknown }).response : null;
  const status = typeof response === 'object' && response !== null && 'status' in response ? response.status : null;
  return typeof status === 'number' ? status : null;
}

/** One line for the log and for doctor: the message and its underlying cause. */
export function describeFhirError(e: unknown): string {
  if (!(e instanceof Error)) {
    return String(e);
  }
  const cause: unknown = e.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause ? ` ${String(cause.code)}` : '';
    return `${e.message} (${cause.message}${code && !cause.message.includes(code.trim()) ? code : ''})`;
  }
  return e.message;
}
