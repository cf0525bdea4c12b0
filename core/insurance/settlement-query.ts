/**
 * Settling an upload whose last attempt may or may not have reached the platform: ask the platform's record query
 * (3508 inventory, 3509 stock changes, 3510 purchases, 3511 sales) for the row's fixmedins_bchno. Found means
 * delivered; not found means it is safe to send; anything else leaves it ambiguous for a later round.
 */
import type { SendResult } from '../ports/insurance-upstream.js';
import { parseResponse } from './envelope.js';
import type { Upload } from './upload.js';
import { isTracegateError } from '../errors.js';

const DAY_MS = 24 * 3600_000;

/** What a settling query looks for: a row's fixmedins_bchno and drug, written at `since` (ISO) or later. */
export interface SettlementTarget {
  bchno: string;
  medListCodg: string | null;
  since: string;
}

export function targetOfUpload(upload: Upload): SettlementTarget {
  const code = upload.payload.med_list_codg;
  return { bchno: bchnoOf(upload), medListCodg: typeof code === 'string' ? code : null, since: upload.createdAt };
}

/** input.data of the query: the row's bchno and drug, from the day before it was written to today (hospital days). */
export function settlementInput(target: SettlementTarget, today: string): Record<string, unknown> {
  const from = new Date(Date.parse(target.since) + 8 * 3600_000 - DAY_MS).toISOString().slice(0, 10);
  const data: Record<string, unknown> = {
    fixmedins_bchno: target.bchno,
    begndate: from < today ? from : today,
    enddate: today,
  };
  if (target.medListCodg) {
    data.med_list_codg = target.medListCodg;
  }
  return { data };
}

export type SettlementVerdict =
  | { kind: 'found'; infcode: number; message: string | null }
  | { kind: 'not_found'; infcode: number; message: string | null }
  | { kind: 'unknown'; infcode: number | null; message: string };

/** The row's fixmedins_bchno: the key the platform knows it by (a re-drive's upload key carries a suffix). */
export function bchnoOf(upload: Upload): string {
  const value = upload.payload.fixmedins_bchno;
  return typeof value === 'string' && value !== '' ? value : upload.businessKey;
}

export function settlementVerdict(outcome: SendResult['outcome'], bchno: string): SettlementVerdict {
  if (outcome.kind === 'failure') {
    return { kind: 'unknown', infcode: null, message: `${outcome.code}: ${outcome.message}` };
  }
  let parsed;
  try {
    parsed = parseResponse(outcome.json);
  } catch (e) {
    if (!isTracegateError(e)) {
      throw e;
    }
    return { kind: 'unknown', infcode: null, message: `HTTP ${outcome.status}：${e.message}` };
  }
  if (parsed.infcode !== 0) {
    return { kind: 'unknown', infcode: parsed.infcode, message: parsed.errMsg ?? '查询失败' };
  }
  const found = recordsOf(parsed.output).some((r) => r.fixmedins_bchno === bchno);
  return found
    ? { kind: 'found', infcode: 0, message: `平台已有 ${bchno}` }
    : { kind: 'not_found', infcode: 0, message: `平台未查到 ${bchno}` };
}

/** The query's records: the first list found under output (data, result, or any list node). */
function recordsOf(output: unknown): Record<string, unknown>[] {
  if (Array.isArray(output)) {
    return output.filter(isObject);
  }
  if (!isObject(output)) {
    return [];
  }
  for (const key of ['data', 'result', ...Object.keys(output)]) {
    const value = output[key];
    if (Array.isArray(value)) {
      return value.filter(isObject);
    }
  }
  return [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
