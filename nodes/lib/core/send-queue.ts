// The send queue shared by every node that sends through one ACS resource and sender: a bound on
// requests in flight, an even pace at the configured quota, 429s waited out and retried, a bound on
// what waits in memory, and a close that settles every job (none vanishes on redeploy).
import { setMaxListeners } from "node:events";
import { AcsError } from "./errors";
import { RateLimiter, type Rate } from "./rate-limiter";

export interface SendQueueOptions {
  /** Requests in flight at once. */
  maxInFlight: number;
  /** Quotas in messages per period; empty for none. */
  rates: Rate[];
  /** Messages (units) that may wait; past it, submit fails fast. */
  maxQueuedUnits: number;
  /** How many times a throttled (429) job is retried after waiting. */
  maxThrottleRetries?: number;
  /** Wait before retrying a 429 that carried no Retry-After. */
  defaultRetryAfterMs?: number;
}

/** A job gets an AbortSignal that fires when the queue is closed while it is in flight. */
export type SendTask<T> = (signal: AbortSignal) => Promise<T>;

export interface QueueCounts {
  inFlight: number;
  queued: number;
}

interface Job {
  units: number;
  owner: unknown;
  run: SendTask<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  throttleRetries: number;
  /** Settles when the current run ends (set while running). */
  ended?: Promise<void>;
}

export class SendQueue {
  private readonly waiting: Job[] = [];
  private readonly running = new Set<Job>();
  private readonly limiter: RateLimiter;
  private readonly abort = new AbortController();
  private readonly listeners = new Set<(counts: QueueCounts) => void>();
  private queuedUnits = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SendQueueOptions) {
    this.limiter = new RateLimiter(options.rates);
    // Every request in flight listens on the one close signal.
    setMaxListeners(0, this.abort.signal);
  }

  /** Requests this queue runs at once. */
  get maxInFlight(): number {
    return this.options.maxInFlight;
  }

  get counts(): QueueCounts {
    return { inFlight: this.running.size, queued: this.queuedUnits };
  }

  /** Called whenever the counts change (for node status). Returns a function that unsubscribes. */
  onChange(listener: (counts: QueueCounts) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queues a send of `units` messages. Resolves or rejects with the task's outcome; rejects at once
   * when the queue is full or closed, and when the owner or the queue is closed before it ran.
   */
  submit<T>(units: number, owner: unknown, run: SendTask<T>): Promise<T> {
    if (this.closed) return Promise.reject(new AcsError("acs-config.errors.queueClosed"));
    if (this.queuedUnits + units > this.options.maxQueuedUnits && this.queuedUnits > 0) {
      return Promise.reject(new AcsError("acs-config.errors.queueFull", { limit: this.options.maxQueuedUnits }));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = { units, owner, run: run as SendTask<unknown>, resolve: resolve as (v: unknown) => void, reject, throttleRetries: 0 };
      this.waiting.push(job);
      this.queuedUnits += units;
      this.changed();
      this.pump();
    });
  }

  /** Rejects the waiting jobs of one owner (a node being closed); its running jobs finish. */
  cancelOwner(owner: unknown): void {
    this.rejectWaiting((job) => job.owner === owner);
  }

  /** Resolves once nothing of `owner` is running. */
  async settled(owner?: unknown): Promise<void> {
    const mine = [...this.running].filter((job) => owner === undefined || job.owner === owner);
    await Promise.all(mine.map((job) => job.ended));
  }

  /**
   * Stops the queue: waiting jobs are rejected, running ones get `graceMs` to finish before their
   * signal aborts them; resolves when every job has settled.
   */
  async close(graceMs = 5000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.rejectWaiting(() => true);
    const grace = setTimeout(() => this.abort.abort(), graceMs);
    await this.settled();
    clearTimeout(grace);
    this.listeners.clear();
  }

  private rejectWaiting(match: (job: Job) => boolean): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const job = this.waiting[i];
      if (!match(job)) continue;
      this.waiting.splice(i, 1);
      this.queuedUnits -= job.units;
      job.reject(new AcsError("acs-config.errors.queueClosed"));
    }
    this.changed();
  }

  private pump(): void {
    if (this.timer || this.closed) return;
    while (this.waiting.length > 0 && this.running.size < this.options.maxInFlight) {
      const wait = this.limiter.delay(this.waiting[0].units);
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const job = this.waiting.shift() as Job;
      this.queuedUnits -= job.units;
      this.limiter.take(job.units);
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.running.add(job);
    this.changed();
    const run = Promise.resolve().then(() => job.run(this.abort.signal));
    job.ended = run.then(() => undefined, () => undefined);
    run.then(
      (value) => this.finish(job, () => job.resolve(value)),
      (err: unknown) => {
        const retryAfter = throttledFor(err, this.options.defaultRetryAfterMs ?? 1000);
        if (retryAfter !== undefined && !this.closed && job.throttleRetries < (this.options.maxThrottleRetries ?? 10)) {
          // The service refused the whole request, so nothing was sent: wait and run it again first.
          job.throttleRetries++;
          this.limiter.holdUntil(Date.now() + retryAfter);
          this.finish(job, () => {
            this.waiting.unshift(job);
            this.queuedUnits += job.units;
          });
          return;
        }
        this.finish(job, () => job.reject(err));
      },
    );
  }

  private finish(job: Job, settle: () => void): void {
    this.running.delete(job);
    settle();
    this.changed();
    this.pump();
  }

  private changed(): void {
    const counts = this.counts;
    for (const listener of this.listeners) listener(counts);
  }
}

/** The wait a 429 asks for, in ms; undefined when the error is not a throttle. */
export function throttledFor(err: unknown, fallbackMs: number): number | undefined {
  const shape = err as { statusCode?: number; response?: { headers?: { get?: (name: string) => string | undefined } } } | undefined;
  if (shape?.statusCode !== 429) return undefined;
  const header = (name: string) => shape.response?.headers?.get?.(name);
  const ms = Number(header("retry-after-ms") ?? header("x-ms-retry-after-ms"));
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(header("retry-after"));
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return fallbackMs;
}
