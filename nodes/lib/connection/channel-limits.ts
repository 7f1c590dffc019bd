// Send limits per channel. Defaults follow the ACS published quotas (see the README): SMS by sender
// kind, email by domain kind, chat by the per-thread message rate. Every value can be overridden in
// the acs-config node.
import type { AcsChannel } from "../core/acs-message";
import type { Rate } from "../core/rate-limiter";

export interface ChannelLimits {
  maxInFlight: number;
  perMinute: number | null;
  perHour: number | null;
  /** Messages that may wait in memory per queue before new ones fail fast. */
  maxQueued: number;
}

/** Overrides from the acs-config node; absent or empty means "use the default". */
export interface LimitOverrides {
  maxInFlight?: number;
  perMinute?: number;
  perHour?: number;
  maxQueued?: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
export const DEFAULT_MAX_QUEUED = 50_000;

/** SMS throughput quota of a sender: short code 6000/min, alphanumeric id 600/min, numbers 200/min (toll-free). */
export function smsQuotaPerMinute(from: string): number {
  const compact = from.replace(/[\s-]/g, "");
  if (/^\d{5,6}$/.test(compact)) return 6000;
  if (/[A-Za-z]/.test(compact)) return 600;
  return 200;
}

/** Email quota of a sender address: Azure-managed domains 5/min and 10/h, custom domains 30/min and 100/h. */
export function emailQuota(senderAddress: string): { perMinute: number; perHour: number } {
  const domain = senderAddress.split("@").pop()?.toLowerCase() ?? "";
  return domain.endsWith(".azurecomm.net") ? { perMinute: 5, perHour: 10 } : { perMinute: 30, perHour: 100 };
}

/** The limits of one queue: `sender` is the SMS number / email address / chat thread the queue serves. */
export function limitsFor(channel: AcsChannel, sender: string, overrides: LimitOverrides = {}): ChannelLimits {
  // Chat sends one request at a time per thread, which keeps the thread's messages in order.
  const defaults: ChannelLimits =
    channel === "sms"
      ? { maxInFlight: 8, perMinute: smsQuotaPerMinute(sender), perHour: null, maxQueued: DEFAULT_MAX_QUEUED }
      : channel === "email"
        ? { maxInFlight: 4, ...emailQuota(sender), maxQueued: DEFAULT_MAX_QUEUED }
        : { maxInFlight: 1, perMinute: 60, perHour: null, maxQueued: DEFAULT_MAX_QUEUED };
  return {
    maxInFlight: positive(overrides.maxInFlight) ?? defaults.maxInFlight,
    perMinute: positive(overrides.perMinute) ?? defaults.perMinute,
    perHour: positive(overrides.perHour) ?? defaults.perHour,
    maxQueued: positive(overrides.maxQueued) ?? defaults.maxQueued,
  };
}

/**
 * Sends are paced a little below the quota: the service counts arrivals in a sliding window, and
 * network jitter can bring requests paced exactly one window apart inside the same window. 1% of a
 * quota is 0.6 s of a minute's window (6 SMS at 600 per minute): far more jitter than a request sees,
 * at a cost of 1% of the throughput.
 */
export const QUOTA_HEADROOM = 0.99;

export function ratesOf(limits: ChannelLimits): Rate[] {
  const rates: Rate[] = [];
  if (limits.perMinute) rates.push({ units: limits.perMinute * QUOTA_HEADROOM, periodMs: MINUTE });
  if (limits.perHour) rates.push({ units: Math.floor(limits.perHour * QUOTA_HEADROOM), periodMs: HOUR, shape: "window" });
  return rates;
}

function positive(value: number | undefined): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}
