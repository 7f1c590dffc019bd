// How long to wait before the next try after a failure: doubling from `initialMs` up to `maxMs`, each
// wait drawn between half and all of that (jitter), so that many nodes failing together do not come
// back at the same instant. Faults that will not pass by themselves (a wrong key) wait longer.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000 };

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
    this.random = options.random ?? Math.random;
  }

  /** The wait before the next try; at least `atLeastMs` (e.g. the service's Retry-After). */
  next(atLeastMs = 0): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const jittered = ceiling / 2 + (this.random() * ceiling) / 2;
    return Math.round(Math.max(atLeastMs, jittered));
  }

  get failures(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
