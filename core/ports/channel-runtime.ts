import type { HealthCheck } from './health-check.js';

/** The log a channel writes to (winston's logger fits it; tests pass a silent one). */
export interface ChannelLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A configured HIS channel as the composition root runs it: started after the store and the core are up,
 * stopped before the store closes, and checked by `tracegate doctor` and /readyz.
 */
export interface ChannelRuntime {
  readonly name: string;
  start(): Promise<void>;
  /** Stop taking new input and wait for what is in hand to be stored and answered. */
  stop(): Promise<void>;
  readonly checks: HealthCheck[];
}
