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

/**
 * A request waiting in the queue: a plain record, since thousands may wait at once (no promise or
 * closure per request is needed). The queue calls run() when its turn comes (the signal fires when
 * the queue is closed while it is in flight), then exactly one of resolve() or reject(): with run()'s
 * outcome, or with the refusal when the queue is full or closed, or the owner closes, before it ran.
 */
export interface QueuedJob<T = unknown> {
  readonly units: number;
  readonly owner: unknown;
  run(signal: AbortSignal): Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export class SendQueue {
  private readonly waiting: QueuedJob[] = [];
  /** Each running job, with a promise that settles when its run ends. */
  private readonly running = new Map<QueuedJob, Promise<void>>();
  /** How many times each job that met a 429 has been retried (few jobs ever are). */
  private readonly throttleRetries = new Map<QueuedJob, number>();
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
    return new Promise<T>((resolve, reject) => this.enqueue<T>({ units, owner, run, resolve, reject }));
  }

  /** Queues a job record; refuses it at once (job.reject) when the queue is full or closed. */
  enqueue<T>(job: QueuedJob<T>): void {
    if (this.closed) return job.reject(new AcsError("acs-config.errors.queueClosed"));
    if (this.queuedUnits + job.units > this.options.maxQueuedUnits && this.queuedUnits > 0) {
      return job.reject(new AcsError("acs-config.errors.queueFull", { limit: this.options.maxQueuedUnits }));
    }
    this.waiting.push(job as QueuedJob);
    this.queuedUnits += job.units;
    this.changed();
    this.pump();
  }

  /** Rejects the waiting jobs of one owner (a node being closed); its running jobs finish. */
  cancelOwner(owner: unknown): void {
    this.rejectWaiting((job) => job.owner === owner);
  }

  /** Resolves once nothing of `owner` is running. */
  async settled(owner?: unknown): Promise<void> {
    const mine = [...this.running].filter(([job]) => owner === undefined || job.owner === owner);
    await Promise.all(mine.map(([, ended]) => ended));
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

  private rejectWaiting(match: (job: QueuedJob) => boolean): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const job = this.waiting[i];
      if (!match(job)) continue;
      this.waiting.splice(i, 1);
      this.queuedUnits -= job.units;
      this.throttleRetries.delete(job);
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
      const job = this.waiting.shift() as QueuedJob;
      this.queuedUnits -= job.units;
      this.limiter.take(job.units);
      this.start(job);
    }
  }

  private start(job: QueuedJob): void {
    const run = Promise.resolve().then(() => job.run(this.abort.signal));
    this.running.set(job, run.then(() => undefined, () => undefined));
    this.changed();
    run.then(
      (value) => {
        this.throttleRetries.delete(job);
        this.end(job, () => job.resolve(value));
      },
      (err: unknown) => {
        const retryAfter = throttledFor(err, this.options.defaultRetryAfterMs ?? 1000);
        const retries = this.throttleRetries.get(job) ?? 0;
        if (retryAfter !== undefined && !this.closed && retries < (this.options.maxThrottleRetries ?? 10)) {
          // The service refused the whole request, so nothing was sent: wait and run it again first.
          this.throttleRetries.set(job, retries + 1);
          this.limiter.holdUntil(Date.now() + retryAfter);
          this.running.delete(job);
          this.waiting.unshift(job);
          this.queuedUnits += job.units;
          this.changed();
          this.pump();
          return;
        }
        this.throttleRetries.delete(job);
        this.end(job, () => job.reject(err));
      },
    );
  }

  /** A run ended: the counts show it, and the next job may start, before the job hears its outcome. */
  private end(job: QueuedJob, outcome: () => void): void {
    this.running.delete(job);
    this.changed();
    this.pump();
    outcome();
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
