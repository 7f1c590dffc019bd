// Per-channel rate quotas, counted in simulated time over sliding windows. Above a quota the
// service answers 429 with Retry-After (seconds) and the sandbox adds retry-after-ms (real time,
// scaled) so that SDK clients wait just as long as the time scale makes the window last.

import type { Clock } from "./clock";

/** Most events allowed in each window; `null` or absent means no limit for that window. */
export interface RateLimits {
  per10Seconds?: number | null;
  perMinute?: number | null;
  perHour?: number | null;
}

export type SmsSenderKind = "tollFree" | "shortCode" | "alphanumeric" | "longCode";
export type EmailDomainKind = "managed" | "custom";

/** Every entry is overridable; `null` disables that quota. */
export interface QuotaOptions {
  sms?: Partial<Record<SmsSenderKind, RateLimits | null>>;
  email?: Partial<Record<EmailDomainKind, RateLimits | null>>;
  chat?: { sendMessagePerThread?: RateLimits | null; listReadReceiptsPerUser?: RateLimits | null };
}

export interface ResolvedQuotas {
  sms: Record<SmsSenderKind, RateLimits | null>;
  email: Record<EmailDomainKind, RateLimits | null>;
  chat: { sendMessagePerThread: RateLimits | null; listReadReceiptsPerUser: RateLimits | null };
}

/** The service's published limits (Azure Communication Services service limits). */
export const DEFAULT_QUOTAS: ResolvedQuotas = {
  sms: {
    tollFree: { perMinute: 200 },
    shortCode: { perMinute: 6000 },
    alphanumeric: { perMinute: 600 },
    // Local (10DLC / geographic) numbers: treated like toll-free.
    longCode: { perMinute: 200 }
  },
  email: {
    managed: { perMinute: 5, perHour: 10 },
    custom: { perMinute: 30, perHour: 100 }
  },
  chat: { sendMessagePerThread: { per10Seconds: 10 }, listReadReceiptsPerUser: { per10Seconds: 5 } }
};

export function resolveQuotas(options: QuotaOptions | undefined, base: ResolvedQuotas = DEFAULT_QUOTAS): ResolvedQuotas {
  return {
    sms: { ...base.sms, ...options?.sms },
    email: { ...base.email, ...options?.email },
    chat: { ...base.chat, ...options?.chat }
  };
}

const WINDOWS: { key: keyof RateLimits; ms: number }[] = [
  { key: "per10Seconds", ms: 10_000 },
  { key: "perMinute", ms: 60_000 },
  { key: "perHour", ms: 3_600_000 }
];

export type QuotaDecision = { allowed: true } | { allowed: false; retryAfterSimMs: number };

export class QuotaTracker {
  private readonly usage = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /**
   * Takes `count` units from the bucket `key` if every window of `limits` has room; otherwise takes
   * nothing and says how long (simulated) until there is room.
   */
  take(key: string, limits: RateLimits | null, count = 1): QuotaDecision {
    if (!limits) return { allowed: true };
    const now = this.clock.now();
    const longest = Math.max(...WINDOWS.filter((w) => isLimit(limits[w.key])).map((w) => w.ms), 0);
    const events = (this.usage.get(key) ?? []).filter((t) => t > now - longest);
    let retryAfterSimMs = 0;
    for (const window of WINDOWS) {
      const limit = limits[window.key];
      if (!isLimit(limit)) continue;
      const inWindow = events.filter((t) => t > now - window.ms);
      const excess = inWindow.length + count - limit;
      if (excess <= 0) continue;
      // Room appears when the `excess`-th oldest event leaves the window (never, if count > limit).
      const wait = count > limit ? window.ms : inWindow[excess - 1] + window.ms - now;
      retryAfterSimMs = Math.max(retryAfterSimMs, wait);
    }
    if (retryAfterSimMs > 0) {
      this.usage.set(key, events);
      return { allowed: false, retryAfterSimMs };
    }
    for (let i = 0; i < count; i++) events.push(now);
    this.usage.set(key, events);
    return { allowed: true };
  }

  reset(): void {
    this.usage.clear();
  }
}

function isLimit(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
