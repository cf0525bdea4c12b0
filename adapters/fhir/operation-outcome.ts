/**
 * FHIR's own error answer: an OperationOutcome with one error issue whose details carry tracegate's machine code
 * (the same codes as the HTTP API: CODE_ALREADY_DISPENSED…) and the Chinese message the pharmacist reads.
 */

/** The IssueType codes (http://hl7.org/fhir/issue-type) this channel answers with. */
export const IssueTypes = [
  'structure',
  'invalid',
  'business-rule',
  'not-supported',
  'too-long',
  'not-found',
  'transient',
] as const;
export type IssueType = (typeof IssueTypes)[number];

/** Where tracegate's machine codes are defined (its error catalogue), as the coding system of issue.details. */
export const ERROR_CODE_SYSTEM = 'urn:tracegate:error-code';

export interface Issue {
  type: IssueType;
  /** tracegate's machine code. */
  code: string;
  /** For people (Chinese). */
  message: string;
  /** FHIRPath-like location of the problem in the resource, when known. */
  path?: string | null;
}

export function operationOutcome(issue: Issue): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: issue.type,
        details: { coding: [{ system: ERROR_CODE_SYSTEM, code: issue.code }], text: issue.message },
        diagnostics: issue.message,
        ...(issue.path ? { expression: [issue.path] } : {}),
      },
    ],
  };
}

/** Structural problems (not JSON, not the right resource) vs content problems (a field missing or wrong). */
export function issueTypeOfReadError(code: string): IssueType {
  return code === 'FHIR_JSON_INVALID' || code === 'FHIR_RESOURCE_INVALID' ? 'structure' : 'invalid';
}
