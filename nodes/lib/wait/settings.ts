// The acs-wait node's settings as the editor saves them, checked and in milliseconds and bytes; and
// what an input msg asks of the node: to wait, to cancel the waits of its correlation id, or to send
// them now.
import { AcsError, fieldError } from "../core/errors";
import { isRecord } from "../core/values";

export const UNIT_MS: Record<string, number> = { milliseconds: 1, seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

export const DEFAULT_MAX_WAITING = 1000;
export const DEFAULT_MAX_MEGABYTES = 5;

export interface WaitDef {
  timeout?: string | number;
  timeoutUnits?: string;
  cancellable?: boolean;
  cancelOn?: string;
  sendNowOn?: string;
  maxWaiting?: string | number;
  maxMegabytes?: string | number;
}

export interface WaitSettings {
  delayMs: number;
  /** Each waiting msg needs a correlation id, and msgs with the same id end it early. */
  cancellable: boolean;
  /** msg.acs.status values that cancel the waits of the msg's correlation id. */
  cancelOn: Set<string>;
  /** msg.acs.status values that send the waits of the msg's correlation id at once. */
  sendNowOn: Set<string>;
  maxWaiting: number;
  maxBytes: number;
}

export type WaitAction = "wait" | "cancel" | "sendNow";

function statusList(text: string | undefined): Set<string> {
  return new Set((text ?? "").split(/[\s,;]+/).map((status) => status.trim().toLowerCase()).filter(Boolean));
}

function positive(field: string, value: string | number | undefined, fallback: number, integer: boolean): number {
  if (value === undefined || String(value).trim() === "") return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) throw fieldError(integer ? "acs-wait.errors.notPositiveInteger" : "acs-wait.errors.notPositive", field, value);
  return number;
}

export function waitSettings(def: WaitDef): WaitSettings {
  const unitMs = UNIT_MS[def.timeoutUnits ?? "seconds"];
  if (unitMs === undefined) throw fieldError("acs-wait.errors.badUnit", "timeoutUnits", def.timeoutUnits);
  const cancellable = def.cancellable !== false;
  return {
    delayMs: Math.round(positive("timeout", def.timeout, NaN, false) * unitMs),
    cancellable,
    cancelOn: cancellable ? statusList(def.cancelOn) : new Set(),
    sendNowOn: cancellable ? statusList(def.sendNowOn) : new Set(),
    maxWaiting: positive("maxWaiting", def.maxWaiting, DEFAULT_MAX_WAITING, true),
    maxBytes: Math.round(positive("maxMegabytes", def.maxMegabytes, DEFAULT_MAX_MEGABYTES, false) * 1024 * 1024),
  };
}

/**
 * What the msg asks: `msg.wait` "cancel" or "now" says it outright; otherwise an ACS event whose
 * `msg.acs.status` is in one of the node's lists; otherwise it is a msg to hold.
 */
export function actionOf(msg: Record<string, unknown>, settings: WaitSettings): WaitAction {
  const control = msg.wait;
  if (control !== undefined) {
    if (control === "cancel") return "cancel";
    if (control === "now") return "sendNow";
    throw fieldError("acs-wait.errors.badControl", "msg.wait", control);
  }
  const status = isRecord(msg.acs) && typeof msg.acs.status === "string" ? msg.acs.status.toLowerCase() : undefined;
  if (status !== undefined && settings.cancelOn.has(status)) return "cancel";
  if (status !== undefined && settings.sendNowOn.has(status)) return "sendNow";
  return "wait";
}

/** The correlation id as text; an error naming the field when cancelling needs one and it is missing. */
export function correlationIdText(value: unknown, field: string, required: boolean): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (value === undefined || value === null || value === "") {
    if (required) throw new AcsError("acs-wait.errors.noCorrelationId", { field });
    return undefined;
  }
  throw fieldError("acs-wait.errors.badCorrelationId", field, value);
}
