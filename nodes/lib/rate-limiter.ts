// Paces units (messages) evenly at one or more rates, e.g. 30 per minute and 100 per hour.
// Even spacing rather than a burst per window: whatever window the service counts in, an evenly
// paced sender never exceeds it, so a burst of thousands is sent at the quota without 429s.

/**
 * Timers fire a little late; a send that is at most this late keeps the schedule (so lateness is not
 * lost throughput), while one after idle time starts a new schedule (so idleness is not saved up).
 */
const CATCH_UP_MS = 25;

export interface Rate {
  units: number;
  periodMs: number;
}

export class RateLimiter {
  private readonly intervals: number[];
  /** Earliest time the next unit may go, per rate (the "theoretical arrival time"). */
  private readonly nextFree: number[];
  /** Set when the service asked to retry later: nothing goes before it, whatever the rates. */
  private heldUntil = 0;

  constructor(rates: Rate[], private readonly now: () => number = Date.now) {
    const active = rates.filter((rate) => rate.units > 0 && rate.periodMs > 0);
    this.intervals = active.map((rate) => rate.periodMs / rate.units);
    this.nextFree = active.map(() => 0);
  }

  /** Milliseconds to wait before `units` may be sent; 0 when they may go now. */
  delay(): number {
    const now = this.now();
    return Math.max(0, this.heldUntil - now, ...this.nextFree.map((free) => free - now));
  }

  /** Records that `units` were just sent. */
  take(units: number): void {
    const now = this.now();
    this.intervals.forEach((interval, i) => {
      const base = now - this.nextFree[i] <= CATCH_UP_MS ? this.nextFree[i] : now;
      this.nextFree[i] = Math.max(base, now - CATCH_UP_MS) + units * interval;
    });
  }

  /** Holds every rate back until `until` (the service asked to retry later). */
  holdUntil(until: number): void {
    this.heldUntil = Math.max(this.heldUntil, until);
  }
}
