// Injected faults, deterministic for tests: a number (`count`) or a share (`rate`, optionally with a
// `seed`) of requests answered with a 5xx, or whose connection is destroyed after the request was
// processed and recorded (the client then has to rely on repeatability ids / Operation-Id).

export type FaultChannel = "sms" | "mms" | "email" | "chat" | "identity" | "eventgrid" | "entra";

export interface FaultSelector {
  /** Affect the next `count` matching requests. */
  count?: number;
  /** Affect this share (0..1) of matching requests. */
  rate?: number;
  /** Seed for `rate`, so a run is repeatable; without it Math.random decides. */
  seed?: number;
  /** Only requests to these channels (default: all). */
  channels?: FaultChannel[];
}

export interface FaultOptions {
  /** Answer with a 5xx in the service's envelope before the request is processed. */
  serverErrors?: (FaultSelector & { status?: 500 | 502 | 503 | 504 }) | null;
  /** Process and record the request, then destroy the connection instead of answering. */
  dropConnections?: FaultSelector | null;
  /** Answer 429 before the request is processed, as an exhausted quota would, asking to retry after `retryAfterSeconds` (simulated, default 1). */
  throttle?: (FaultSelector & { retryAfterSeconds?: number }) | null;
}

class FaultPicker {
  private remaining: number;
  private readonly random: () => number;

  constructor(private readonly selector: FaultSelector) {
    this.remaining = selector.count ?? 0;
    this.random = selector.seed === undefined ? Math.random : mulberry32(selector.seed);
  }

  pick(channel: FaultChannel): boolean {
    if (this.selector.channels && !this.selector.channels.includes(channel)) return false;
    if (this.remaining > 0) {
      this.remaining--;
      return true;
    }
    return this.selector.rate !== undefined && this.random() < this.selector.rate;
  }
}

export class FaultInjector {
  private serverErrors: FaultPicker | null = null;
  private drops: FaultPicker | null = null;
  private throttles: FaultPicker | null = null;
  private serverErrorStatus = 503;
  private options: FaultOptions = {};

  constructor(options: FaultOptions = {}) {
    this.set(options);
  }

  /** Replaces the fault configuration (counts start again). */
  set(options: FaultOptions): void {
    this.options = options;
    this.serverErrors = options.serverErrors ? new FaultPicker(options.serverErrors) : null;
    this.serverErrorStatus = options.serverErrors?.status ?? 503;
    this.drops = options.dropConnections ? new FaultPicker(options.dropConnections) : null;
    this.throttles = options.throttle ? new FaultPicker(options.throttle) : null;
  }

  /** The configuration last set, as given. */
  current(): FaultOptions {
    return this.options;
  }

  /** The 5xx status to answer this request with, or null to process it. */
  serverErrorFor(channel: FaultChannel): number | null {
    return this.serverErrors?.pick(channel) ? this.serverErrorStatus : null;
  }

  shouldDrop(channel: FaultChannel): boolean {
    return this.drops?.pick(channel) ?? false;
  }

  /** The simulated milliseconds to ask this request to retry after, or null to process it. */
  throttleFor(channel: FaultChannel): number | null {
    if (!this.throttles?.pick(channel)) return null;
    const seconds = this.options.throttle?.retryAfterSeconds;
    return (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0 ? seconds : 1) * 1000;
  }
}

/** Small seeded PRNG (mulberry32): the same seed gives the same sequence on every run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
