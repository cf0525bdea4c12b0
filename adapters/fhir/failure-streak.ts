/**
 * A run of failed polls: how long to wait before the next attempt (the interval, doubling, up to a ceiling) and
 * whether this failure opens the run — it is logged once per run, not once per attempt, so an HIS server down all
 * night leaves two lines in the log (down, back), not thousands.
 */
export class FailureStreak {
  private failures = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number
  ) {}

  failed(): { first: boolean; delayMs: number } {
    this.failures += 1;
    const factor = 2 ** Math.min(this.failures - 1, 30);
    return { first: this.failures === 1, delayMs: Math.min(this.maxMs, this.baseMs * factor) };
  }

  /** The run is over: how many attempts it had failed (0 when there was no run). */
  succeeded(): number {
    const failures = this.failures;
    this.failures = 0;
    return failures;
  }
}
