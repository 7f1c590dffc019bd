// Paces units (messages) at one or more rates, e.g. 30 per minute and 100 per hour.
// - A short rate is kept by even spacing rather than a burst per window: whatever window the service
//   counts in, an evenly paced sender never exceeds it, so a burst of thousands goes out at the quota
//   without 429s.
// - A long rate (an hourly quota) is kept as a sliding window: spacing 100 per hour evenly would hold
//   the second of two emails back 36 seconds, while the service allows them together.

export interface Rate {
  units: number;
  periodMs: number;
  /** "even" spacing (the default), or a sliding "window" that allows bursts within the period. */
  shape?: "even" | "window";
}

/**
 * Timers fire a little late; a send that is at most this late (and never more than a quarter of the
 * interval) keeps the schedule, so lateness is not lost throughput, while one after idle time starts
 * a new schedule, so idleness is not saved up. A send that catches up comes early relative to the
 * one before, which uses up some of the headroom below the quota; the quarter keeps most of it for
 * network jitter, and keeps a stalled event loop from releasing a burst at fast rates.
 */
const CATCH_UP_MS = 25;

interface Spaced {
  interval: number;
  /** Earliest time the next unit may go (the "theoretical arrival time"). */
  nextFree: number;
}

interface Window {
  units: number;
  periodMs: number;
  /** What was sent in the period, oldest first. */
  sent: { at: number; units: number }[];
  total: number;
}

export class RateLimiter {
  private readonly spaced: Spaced[];
  private readonly windows: Window[];
  /** Set when the service asked to retry later: nothing goes before it, whatever the rates. */
  private heldUntil = 0;

  constructor(rates: Rate[], private readonly now: () => number = Date.now) {
    const active = rates.filter((rate) => rate.units > 0 && rate.periodMs > 0);
    this.spaced = active.filter((rate) => rate.shape !== "window").map((rate) => ({ interval: rate.periodMs / rate.units, nextFree: 0 }));
    this.windows = active.filter((rate) => rate.shape === "window").map((rate) => ({ units: rate.units, periodMs: rate.periodMs, sent: [], total: 0 }));
  }

  /** Milliseconds to wait before `units` may be sent; 0 when they may go now. */
  delay(units = 1): number {
    const now = this.now();
    return Math.max(0, this.heldUntil - now, ...this.spaced.map((rate) => rate.nextFree - now), ...this.windows.map((window) => windowWait(window, units, now)));
  }

  /** Records that `units` were just sent. */
  take(units: number): void {
    const now = this.now();
    for (const rate of this.spaced) {
      const catchUp = Math.min(CATCH_UP_MS, rate.interval / 4);
      const base = now - rate.nextFree <= catchUp ? rate.nextFree : now;
      rate.nextFree = Math.max(base, now - catchUp) + units * rate.interval;
    }
    for (const window of this.windows) {
      window.sent.push({ at: now, units });
      window.total += units;
    }
  }

  /** Holds every rate back until `until` (the service asked to retry later). */
  holdUntil(until: number): void {
    this.heldUntil = Math.max(this.heldUntil, until);
  }
}

/** How long until `units` more fit in the window; a request larger than the whole window waits for an empty one. */
function windowWait(window: Window, units: number, now: number): number {
  while (window.sent.length > 0 && window.sent[0].at <= now - window.periodMs) {
    window.total -= (window.sent.shift() as { units: number }).units;
  }
  let excess = window.total + Math.min(units, window.units) - window.units;
  if (excess <= 0) return 0;
  for (const entry of window.sent) {
    excess -= entry.units;
    if (excess <= 0) return entry.at + window.periodMs - now;
  }
  return window.periodMs;
}
