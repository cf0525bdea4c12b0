/**
 * The last step before a 35xx row is queued or sent: fill what the window cannot know from the hospital's
 * configuration, then check the platform's limits. The window writes its operator (the actor who completed the
 * session) into the operator-name fields; `staff` turns that actor into the person's registered name and
 * certificate numbers. A row that still breaks a limit is an error naming each field, before anything is sent.
 */
import { invalid } from '../errors.js';
import type { RowInfno } from './row-fields.js';
import { validateRow } from './validate-row.js';

export interface StaffMember {
  /** The actor name tracegate knows (a token's name, an HIS user id). */
  actor: string;
  name: string;
  /** 证件号码 / 执业资格证号 of a pharmacist. */
  certType?: string;
  certNo?: string;
  pracCertNo?: string;
}

export interface RowCompletion {
  /** Values for fields the row lacks: per transaction ('3505') and for all ('*'). A row's own value wins. */
  defaults: Record<string, Record<string, string>>;
  staff: StaffMember[];
}

const OPERATOR_FIELDS = ['sel_retn_opter_name', 'purc_retn_opter_name', 'inv_chg_opter_name'] as const;

export function completeRow(
  infno: RowInfno,
  payload: Record<string, unknown>,
  completion: RowCompletion
): Record<string, unknown> {
  const row: Record<string, unknown> = {
    ...completion.defaults['*'],
    ...completion.defaults[infno],
    ...withoutEmpty(payload),
  };
  for (const field of OPERATOR_FIELDS) {
    const member = staffOf(row[field], completion.staff);
    if (member) {
      row[field] = member.name;
    }
  }
  const pharmacist = staffOf(row.phar_name, completion.staff);
  if (pharmacist) {
    row.phar_name = pharmacist.name;
    setIfEmpty(row, 'phar_cert_type', pharmacist.certType);
    setIfEmpty(row, 'phar_certno', pharmacist.certNo);
    setIfEmpty(row, 'phar_prac_cert_no', pharmacist.pracCertNo);
  }
  return row;
}

/** completeRow, then validateRow: ROW_INVALID naming every field over the platform's limits. */
export function completeAndCheckRow(
  infno: RowInfno,
  payload: Record<string, unknown>,
  completion: RowCompletion
): Record<string, unknown> {
  const row = completeRow(infno, payload, completion);
  const problems = validateRow(infno, row);
  if (problems.length > 0) {
    throw invalid('ROW_INVALID', problems.map((p) => p.message).join('；'), { infno, problems });
  }
  return row;
}

function staffOf(actor: unknown, staff: StaffMember[]): StaffMember | undefined {
  return typeof actor === 'string' ? staff.find((m) => m.actor === actor) : undefined;
}

function setIfEmpty(row: Record<string, unknown>, field: string, value: string | undefined): void {
  if (value !== undefined && (row[field] === undefined || row[field] === null || row[field] === '')) {
    row[field] = value;
  }
}

/** null/'' from the window mean "not known": a configured default may fill them. */
function withoutEmpty(payload: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== null && v !== undefined && v !== ''));
}
