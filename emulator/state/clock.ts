// The sandbox's notion of time. Simulated time runs `timeScale` times faster than real time, so a
// "5 minute" report delay takes 5 real seconds at timeScale 60. Every timer the sandbox starts goes
// through one Clock so that close() can cancel them all and leave nothing behind.

export type TimerHandle = NodeJS.Timeout;

export class Clock {
  readonly timeScale: number;
  private readonly startedAt = Date.now();
  private readonly timers = new Set<TimerHandle>();
  private readonly sleepers = new Set<() => void>();
  private closed = false;

  constructor(timeScale: number) {
    if (!Number.isFinite(timeScale) || timeScale <= 0) {
      throw new RangeError(`timeScale must be a positive number, got ${String(timeScale)}`);
    }
    this.timeScale = timeScale;
  }

  /** Simulated milliseconds since the epoch: starts at the real time and runs timeScale times faster. */
  now(): number {
    return this.startedAt + (Date.now() - this.startedAt) * this.timeScale;
  }

  /** Real milliseconds that `simMs` simulated milliseconds take. */
  toReal(simMs: number): number {
    return simMs / this.timeScale;
  }

  /** Simulated milliseconds that pass in `realMs` real milliseconds. */
  toSim(realMs: number): number {
    return realMs * this.timeScale;
  }

  /** Runs fn after `simMs` simulated milliseconds. */
  setTimeout(fn: () => void, simMs: number): TimerHandle {
    return this.setRealTimeout(fn, this.toReal(simMs));
  }

  /** Runs fn after `realMs` real milliseconds (added latency is a real-time figure). */
  setRealTimeout(fn: () => void, realMs: number): TimerHandle {
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      if (!this.closed) fn();
    }, Math.max(0, realMs));
    if (this.closed) {
      clearTimeout(handle);
    } else {
      this.timers.add(handle);
    }
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle);
    this.timers.delete(handle);
  }

  /** Resolves after `realMs` real milliseconds, or straight away once the clock is closed. */
  sleepReal(realMs: number): Promise<void> {
    if (realMs <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const handle = setTimeout(() => {
        this.timers.delete(handle);
        this.sleepers.delete(resolve);
        resolve();
      }, realMs);
      this.timers.add(handle);
      this.sleepers.add(resolve);
    });
  }

  /** Number of timers still pending (tests check that close() leaves none). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Cancels every pending timer; later setTimeout calls are ignored. */
  clearAll(): void {
    this.closed = true;
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }
}
