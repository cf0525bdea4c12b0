/**
 * The faults a sandbox injects, switchable at run time (programmatically or through the admin API). Rates are
 * fractions of platform requests; every setting is checked, so a typo in a PUT is an error, not a silent no-op.
 */
import { z } from 'zod';
import { invalid } from '../../core/errors.js';

export interface Faults {
  /** Added before every request is handled. */
  latencyMs: number;
  /** Up to this much more, drawn per request. */
  latencyJitterMs: number;
  /** Answered HTTP 503, not processed. */
  errorRate: number;
  /** Answered infcode -1 系统繁忙, not processed. */
  busyRate: number;
  /** Processed and recorded, then the answer is held for holdMs (the client should time out first). */
  timeoutRate: number;
  /** The socket is destroyed without an answer: half before processing, half after. */
  dropRate: number;
  /** How long a timeout fault holds the answer (default 30000). */
  holdMs: number;
  /** The platform listener is closed (clients get ECONNREFUSED); the admin listener keeps answering. */
  down: boolean;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  latencyJitterMs: 0,
  errorRate: 0,
  busyRate: 0,
  timeoutRate: 0,
  dropRate: 0,
  holdMs: 30_000,
  down: false,
};

const ms = z.number().int().min(0).max(600_000);
const rate = z.number().min(0).max(1);

const faultsPatch = z
  .object({
    latencyMs: ms,
    latencyJitterMs: ms,
    errorRate: rate,
    busyRate: rate,
    timeoutRate: rate,
    dropRate: rate,
    holdMs: ms,
    down: z.boolean(),
  })
  .partial()
  .strict();

/** The current faults with a partial change applied; an unknown key or a value out of range is FAULTS_INVALID. */
export function mergeFaults(current: Faults, patch: unknown): Faults {
  const parsed = faultsPatch.safeParse(patch ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    throw invalid('FAULTS_INVALID', `故障设置无效：${problems.map((p) => `${p.field}: ${p.message}`).join('；')}`, {
      problems,
    });
  }
  return { ...current, ...parsed.data };
}
