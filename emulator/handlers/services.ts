// What every handler is given: the store, the clock, token authority, quotas, the hooks into the
// Event Grid side and the outcome rules. Built once by startSandbox.

import type { IncomingHttpHeaders } from "node:http";
import type { TokenAuthority } from "../auth/tokens";
import type { Clock } from "../state/clock";
import { tooManyRequests, type ServiceError, type ServiceResponse } from "../http/errors";
import type { RoutePattern } from "../http/routing";
import type { FaultChannel } from "../state/faults";
import type { QuotaTracker, RateLimits, ResolvedQuotas } from "../state/quotas";
import type { SandboxStore } from "../state/store";
import type { SandboxHooks } from "../state/types";

/** The scripted outcomes the handlers consult when a request arrives. */
export interface OutcomeSource {
  email(address: string): { outcome: string };
  sms(to: string): { outcome: string; details: string };
}

export interface SandboxServices {
  store: SandboxStore;
  clock: Clock;
  tokens: TokenAuthority;
  quotaTracker: QuotaTracker;
  quotas: ResolvedQuotas;
  hooks: SandboxHooks;
  outcomes: OutcomeSource;
  resourceName: string;
  /** The resource's immutable id, the prefix of every user id: `8:acs:<resourceId>_<guid>`. */
  resourceId: string;
  customDomains: string[];
}

export interface RequestInfo {
  method: string;
  url: URL;
  /** `https://host:port`, taken from the request so links point where the client called. */
  origin: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Decoded path parameters captured by the route pattern. */
  params: string[];
  /** The chat user calling (Bearer routes only). */
  caller?: string;
  /** Aborted when the client closes the connection before the answer (a long poll stops waiting). */
  signal?: AbortSignal;
}

export interface Route extends RoutePattern {
  channel: FaultChannel;
  /**
   * hmac: an HMAC-SHA256 signature with the access key, or an Entra ID token for ACS; bearer: an
   * ACS user token (chat); namespace: the namespace key or an Entra ID token for Event Grid; none.
   */
  auth: "hmac" | "bearer" | "namespace" | "none";
  handle(request: RequestInfo): ServiceResponse | Promise<ServiceResponse>;
}

/** The routes of one service: every one on the same fault channel and auth scheme. */
export function serviceRoutes(
  channel: FaultChannel,
  auth: Route["auth"],
  table: [method: string, pattern: RegExp, handle: Route["handle"]][]
): Route[] {
  return table.map(([method, pattern, handle]) => ({ method, pattern, channel, auth, handle }));
}

/**
 * Takes `count` units of the quota bucket `key`; without room, counts a 429 for the channel and
 * throws it (Retry-After in simulated seconds, retry-after-ms in real time).
 */
export function takeQuota(
  services: SandboxServices,
  channel: FaultChannel,
  key: string,
  limits: RateLimits | null,
  count = 1
): void {
  const decision = services.quotaTracker.take(key, limits, count);
  if (!decision.allowed) throw throttled(services, channel, decision.retryAfterSimMs);
}

/** A 429 for the channel, counted (Retry-After in simulated seconds, retry-after-ms in real time). */
export function throttled(services: SandboxServices, channel: FaultChannel, retryAfterSimMs: number): ServiceError {
  const counts = services.store.counters.throttled;
  counts[channel] = (counts[channel] ?? 0) + 1;
  return tooManyRequests(retryAfterSimMs, services.clock.toReal(retryAfterSimMs));
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** ISO 8601 with seven fractional digits and an explicit offset, as the services write dates. */
export function serviceDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}
