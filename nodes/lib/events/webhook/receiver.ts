// The Event Grid webhook, one request path: secret -> content type -> body size -> parse ->
// validation handshake or delivery -> answer. Event Grid does not retry 400, 401, 403 and 413, so
// those are kept for requests that would fail again; a flow that fails answers 500, which it retries.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import { AcsError } from "../../core/errors";
import type { EventDedupe } from "../dedupe";
import { parseEvents, type ParsedEvent } from "../parse";
import { SUBSCRIPTION_VALIDATION_EVENT, type EventTypeSelection } from "../types";
import { presentedSecret, secretMatches } from "./auth";
import { isJsonContentType, readBody } from "./body";
import type { FrontReadRequest } from "./front";
import type { WebhookMethod } from "./route";

export interface WebhookOptions {
  /** Whether requests must present the secret, and the secret (missing when none was set: nothing matches). */
  secret: () => { required: boolean; value?: string };
  maxBodyBytes: number;
  selection: EventTypeSelection;
  dedupe: EventDedupe;
  /** Hands events to the flow; resolves when they may be acknowledged, rejects to make Event Grid retry. */
  deliver(events: ParsedEvent[]): Promise<void>;
  /** A request was refused (4xx/5xx) or a subscription validated: what the node should say. */
  report(outcome: WebhookOutcome): void;
}

export type WebhookOutcome =
  | { kind: "refused"; status: number; error: AcsError }
  | { kind: "validated"; schema: ParsedEvent["schema"] }
  | ({ kind: "delivered"; events: ParsedEvent[] } & DeliveryCounts);

/** What a delivery's answer reports: events in the body, emitted, repeats acknowledged, types not selected. */
export interface DeliveryCounts {
  received: number;
  emitted: number;
  duplicates: number;
  ignored: number;
}

/** Answers to a body that could not be read: too large, or too slow to arrive. */
const BODY_ERROR_STATUS = new Map([
  ["acs-events.errors.tooLarge", 413],
  ["acs-events.errors.bodyTimeout", 408],
]);

/** No limit on the delivery rate (WebHook-Allowed-Rate). */
const ALLOWED_RATE = "*";

/** The handlers of both methods; they use only Node's own request and response API, so they also run in front of Express. */
export function webhookHandlers(options: WebhookOptions): Record<WebhookMethod, RequestHandler> {
  return {
    post: (req, res) => void handlePost(options, req, res),
    options: (req, res) => handleOptions(options, req, res),
  };
}

function requestUrl(req: IncomingMessage & { originalUrl?: string }): URL {
  return new URL(req.originalUrl || req.url || "/", "http://localhost");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) }).end(text);
}

function authorised(options: WebhookOptions, req: IncomingMessage): boolean {
  const secret = options.secret();
  if (!secret.required) return true;
  return secretMatches(secret.value, presentedSecret(requestUrl(req), req.headers));
}

function refuse(options: WebhookOptions, res: ServerResponse, status: number, error: AcsError): void {
  options.report({ kind: "refused", status, error });
  if (res.headersSent) return;
  sendJson(res, status, { error: { code: error.key.split(".").pop(), message: error.message } });
}

/**
 * What can be refused before the body is read: a missing or wrong secret (401), a content type that
 * is not JSON (415), a declared Content-Length over the limit (413). An unauthenticated sender then
 * gets its answer at once and holds no memory for a body nobody will read.
 */
export function refusalBeforeBody(options: WebhookOptions, req: IncomingMessage): { status: number; error: AcsError } | undefined {
  if (!authorised(options, req)) return { status: 401, error: new AcsError("acs-events.errors.unauthorized") };
  const contentType = header(req, "content-type");
  if (!isJsonContentType(contentType)) return { status: 415, error: new AcsError("acs-events.errors.notJson", { type: contentType ?? "" }) };
  const declared = Number(header(req, "content-length"));
  if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
    return { status: 413, error: new AcsError("acs-events.errors.tooLarge", { limit: Math.round(options.maxBodyBytes / 1024) }) };
  }
  return undefined;
}

/**
 * A request that passed the checks before its body (in the front middleware), and for which webhook:
 * the route's handler need not repeat them, but only for the same webhook (paths that differ only in
 * slashes or case reach the front as one).
 */
interface AdmittedRequest extends IncomingMessage {
  webhookAdmittedBy?: WebhookOptions;
}

/** Answers a POST that can be refused before its body is read; true when it did. */
export function refuseBeforeBody(options: WebhookOptions, req: IncomingMessage, res: ServerResponse): boolean {
  if ((req as AdmittedRequest).webhookAdmittedBy === options) return false;
  const refusal = refusalBeforeBody(options, req);
  if (!refusal) {
    (req as AdmittedRequest).webhookAdmittedBy = options;
    return false;
  }
  refuse(options, res, refusal.status, refusal.error);
  // What arrives of the body is discarded, not kept.
  req.resume();
  return true;
}

/** CloudEvents webhook validation: allow the origin that asks (Event Grid: eventgrid.azure.net). */
function handleOptions(options: WebhookOptions, req: IncomingMessage, res: ServerResponse): void {
  if (!authorised(options, req)) return refuse(options, res, 401, new AcsError("acs-events.errors.unauthorized"));
  const origin = header(req, "webhook-request-origin");
  res.setHeader("Allow", "POST, OPTIONS");
  if (origin) {
    res.setHeader("WebHook-Allowed-Origin", origin);
    res.setHeader("WebHook-Allowed-Rate", ALLOWED_RATE);
    options.report({ kind: "validated", schema: "CloudEvents" });
  }
  res.writeHead(200, { "content-length": 0 }).end();
}

async function handlePost(options: WebhookOptions, req: FrontReadRequest, res: ServerResponse): Promise<void> {
  try {
    if (refuseBeforeBody(options, req, res)) return;
    let events: ParsedEvent[];
    try {
      if (req.webhookBodyError) throw req.webhookBodyError;
      events = await parseEvents(await readBody(req, options.maxBodyBytes));
    } catch (err) {
      if (err instanceof AcsError) return refuse(options, res, BODY_ERROR_STATUS.get(err.key) ?? 400, err);
      throw err;
    }
    const validation = events.find((event) => event.type === SUBSCRIPTION_VALIDATION_EVENT);
    if (validation) return answerValidation(options, res, validation);
    await deliver(options, res, events);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    refuse(options, res, 500, err instanceof AcsError ? err : new AcsError("acs-events.errors.internal", { reason }));
  }
}

function answerValidation(options: WebhookOptions, res: ServerResponse, event: ParsedEvent): void {
  const data = (typeof event.data === "object" && event.data !== null ? event.data : {}) as Record<string, unknown>;
  const codeKey = Object.keys(data).find((key) => key.toLowerCase() === "validationcode");
  const code = codeKey === undefined ? undefined : data[codeKey];
  if (typeof code !== "string" || code === "") {
    return refuse(options, res, 400, new AcsError("acs-events.errors.badEvent", { index: 1, reason: "validationCode missing" }));
  }
  options.report({ kind: "validated", schema: event.schema });
  sendJson(res, 200, { validationResponse: code });
}

async function deliver(options: WebhookOptions, res: ServerResponse, events: ParsedEvent[]): Promise<void> {
  const selected = events.filter((event) => options.selection.includes(event.type));
  const fresh = selected.filter((event) => options.dedupe.firstSighting(event.id));
  try {
    await options.deliver(fresh);
  } catch (err) {
    // Not acknowledged: the redelivery must be emitted again.
    for (const event of fresh) options.dedupe.forget(event.id);
    throw err;
  }
  const counts: DeliveryCounts = {
    received: events.length,
    emitted: fresh.length,
    duplicates: selected.length - fresh.length,
    ignored: events.length - selected.length,
  };
  options.report({ kind: "delivered", events: fresh, ...counts });
  sendJson(res, 200, counts);
}
