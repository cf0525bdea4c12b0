/**
 * Which fault, if any, one platform request gets. Every request draws the same six numbers whatever the settings,
 * so with a fixed seed the n-th request's fate does not depend on which other rates happen to be switched on.
 */
import type { Faults } from './fault-settings.js';
import type { Random } from './seeded-random.js';

/**
 * none: answered normally · error: HTTP 503, not processed · busy: infcode -1, not processed · timeout: processed,
 * answer held · drop-before / drop-after: socket destroyed before / after processing.
 */
export const FaultActions = ['none', 'error', 'busy', 'timeout', 'drop-before', 'drop-after'] as const;
export type FaultAction = (typeof FaultActions)[number];

export interface FaultDecision {
  latencyMs: number;
  action: FaultAction;
}

export function decideFault(faults: Faults, random: Random): FaultDecision {
  const [error, busy, drop, dropHalf, timeout, jitter] = [random(), random(), random(), random(), random(), random()];
  const latencyMs = faults.latencyMs + Math.floor(jitter * faults.latencyJitterMs);
  return { latencyMs, action: actionOf(faults, { error, busy, drop, dropHalf, timeout }) };
}

function actionOf(
  faults: Faults,
  draw: { error: number; busy: number; drop: number; dropHalf: number; timeout: number }
): FaultAction {
  if (draw.error < faults.errorRate) {
    return 'error';
  }
  if (draw.busy < faults.busyRate) {
    return 'busy';
  }
  if (draw.drop < faults.dropRate) {
    return draw.dropHalf < 0.5 ? 'drop-before' : 'drop-after';
  }
  if (draw.timeout < faults.timeoutRate) {
    return 'timeout';
  }
  return 'none';
}
