/** One line of `tracegate doctor` and of /readyz: a connection or a state that must be right. */
export interface HealthCheck {
  readonly name: string;
  /**
   * False for a dependency tracegate can work without for a while (the insurance platform: uploads queue);
   * doctor still reports it, /readyz does not fail on it. Default true.
   */
  readonly requiredForReadiness?: boolean;
  check(): Promise<HealthResult>;
}

export interface HealthResult {
  ok: boolean;
  detail: string;
  /** What to do when not ok, in words an IT person can act on. */
  fix?: string;
}
