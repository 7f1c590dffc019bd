// A warning that can repeat with every request (a refused webhook call) is written at most once per
// interval; the next line written says how many were left out meanwhile, so a flood of bad requests
// cannot fill the log.

export class LogThrottle {
  private nextAt = 0;
  private skipped = 0;

  constructor(
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to write this occurrence now, and how many were left out since the last line written. */
  take(): { write: true; skipped: number } | { write: false } {
    const now = this.now();
    if (now < this.nextAt) {
      this.skipped++;
      return { write: false };
    }
    const skipped = this.skipped;
    this.skipped = 0;
    this.nextAt = now + this.intervalMs;
    return { write: true, skipped };
  }
}
