/**
 * Every answer is checked, on both paths alike: HTTP 200 with the platform's envelope and `infcode` 0 (and, for a
 * 35xx answer, `retRslt` "1"), else it is a refusal (an envelope saying no: the platform's or tracegate's
 * 【溯码网关】 one) or an error (transport failure, timeout, another status, no JSON envelope).
 */
export type Verdict = 'ok' | 'refused' | 'error';

export interface Outcomes {
  ok: number;
  refused: number;
  errors: number;
  /** The first refusal or error seen, for the report. */
  first: string | null;
}

export function emptyOutcomes(): Outcomes {
  return { ok: 0, refused: 0, errors: 0, first: null };
}

export function checkReply(status: number, body: string): { verdict: Verdict; why?: string } {
  if (status !== 200) {
    return { verdict: 'error', why: `HTTP ${status}: ${body.slice(0, 200)}` };
  }
  let json: { infcode?: unknown; err_msg?: unknown; output?: { result?: { retRslt?: unknown; msgRslt?: unknown } } };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return { verdict: 'error', why: `not JSON: ${body.slice(0, 200)}` };
  }
  if (json.infcode !== 0 && json.infcode !== '0') {
    return { verdict: 'refused', why: `infcode ${String(json.infcode)}: ${String(json.err_msg).slice(0, 200)}` };
  }
  const result = json.output?.result;
  if (result && result.retRslt !== '1') {
    return { verdict: 'refused', why: `retRslt ${String(result.retRslt)}: ${String(result.msgRslt).slice(0, 200)}` };
  }
  return { verdict: 'ok' };
}

export function count(outcomes: Outcomes, verdict: Verdict, why?: string): void {
  if (verdict === 'ok') {
    outcomes.ok++;
    return;
  }
  if (verdict === 'refused') {
    outcomes.refused++;
  } else {
    outcomes.errors++;
  }
  outcomes.first ??= `${verdict}: ${why ?? ''}`;
}

export function addOutcomes(into: Outcomes, from: Outcomes): void {
  into.ok += from.ok;
  into.refused += from.refused;
  into.errors += from.errors;
  into.first ??= from.first;
}
