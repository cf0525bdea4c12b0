/**
 * When to try an upload again: exponential backoff with full jitter (a random wait between 0 and the capped
 * exponential), so many uploads that failed together during an outage do not all come back at the same instant.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** Attempts after which a transient failure becomes a dead letter. */
  maxAttempts: number;
}

/** Delay before attempt `attempts + 1`; `random` in [0, 1) (injected so tests are exact). */
export function retryDelayMs(attempts: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  // At least a tenth of the base, so a zero draw does not turn into a busy loop against a failing platform.
  return Math.max(policy.baseMs / 10, Math.floor(random() * exp));
}
