// What went wrong with a call to the namespace, in the words the node's status uses. Only the
// status, the service's code and its message are kept: an SDK RestError also holds the request,
// whose Authorization header must never reach a log or a status.
import { serviceError } from "../../core/errors";

export type FaultKind = "unreachable" | "unauthorized" | "forbidden" | "notFound" | "throttled" | "service" | "refused";

export interface Fault {
  kind: FaultKind;
  status?: number;
  /** The service's code and message, or the network error's code: safe to show. */
  reason: string;
  /** What the service asked for in Retry-After, when it did. */
  retryAfterMs?: number;
}

export function classifyFault(err: unknown, operation: string): Fault {
  const safe = serviceError(err, operation);
  const reason = String(safe.params.reason ?? safe.message);
  const status = safe.statusCode;
  const fault = (kind: FaultKind): Fault => ({ kind, reason, ...(status !== undefined ? { status } : {}) });
  if (status === undefined) return fault("unreachable");
  if (status === 401) return fault("unauthorized");
  if (status === 403) return fault("forbidden");
  if (status === 404) return fault("notFound");
  if (status === 429) return { ...fault("throttled"), ...retryAfter(err) };
  if (status >= 500 || status === 408) return { ...fault("service"), ...retryAfter(err) };
  return fault("refused");
}

/** Faults that another try may get past at once: the network, throttling, the service's own errors. */
export function isTransient(fault: Fault): boolean {
  return fault.kind === "unreachable" || fault.kind === "throttled" || fault.kind === "service";
}

function retryAfter(err: unknown): { retryAfterMs?: number } {
  const headers = (err as { response?: { headers?: { get?(name: string): string | undefined } } })?.response?.headers;
  const value = typeof headers?.get === "function" ? headers.get("retry-after") : undefined;
  if (!value) return {};
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterMs: seconds * 1000 };
  const at = Date.parse(value);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - Date.now()) };
}
