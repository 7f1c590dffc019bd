// The endpoint validation Event Grid performs before the first delivery to a webhook.
// Event Grid schema: a SubscriptionValidationEvent POSTed with aeg-event-type SubscriptionValidation,
// answered with {validationResponse: code} (or, later, a GET of the validationUrl).
// CloudEvents 1.0: an OPTIONS request with WebHook-Request-Origin, answered with WebHook-Allowed-Origin.
import { randomUUID } from "node:crypto";
import type { WebhookClient, WebhookResponse } from "./webhook-client";
import type { DeliverySchema, EventGridEventShape } from "./types";

export const validationEventType = "Microsoft.EventGrid.SubscriptionValidationEvent";
export const webhookRequestOrigin = "eventgrid.azure.net";

export interface HandshakeRequest {
  client: WebhookClient;
  url: URL;
  schema: DeliverySchema;
  subscriptionName: string;
  topic: string;
  eventTime: string;
  validationCode: string;
  validationUrl: string;
  ca?: string | Buffer | (string | Buffer)[];
  timeoutMs: number;
  signal: AbortSignal;
}

export interface HandshakeResult {
  /** validated: the endpoint echoed the code; manual: it answered 200 without it (validationUrl pending). */
  outcome: "validated" | "manual" | "failed";
  status: number;
  eventIds: string[];
  error?: string;
}

export function newValidationCode(): string {
  return randomUUID().toUpperCase();
}

export async function performHandshake(request: HandshakeRequest): Promise<HandshakeResult> {
  return request.schema === "EventGridSchema" ? eventGridHandshake(request) : cloudEventsHandshake(request);
}

async function eventGridHandshake(request: HandshakeRequest): Promise<HandshakeResult> {
  const event: EventGridEventShape<{ validationCode: string; validationUrl: string }> = {
    id: randomUUID(),
    topic: request.topic,
    subject: "",
    eventType: validationEventType,
    eventTime: request.eventTime,
    dataVersion: "2",
    metadataVersion: "1",
    data: { validationCode: request.validationCode, validationUrl: request.validationUrl },
  };
  const eventIds = [event.id];
  let response: WebhookResponse;
  try {
    response = await request.client.send({
      method: "POST",
      url: request.url,
      headers: {
        "content-type": "application/json",
        "aeg-event-type": "SubscriptionValidation",
        "aeg-subscription-name": request.subscriptionName.toUpperCase(),
        "aeg-delivery-count": "0",
        "aeg-metadata-version": "1",
        "aeg-data-version": "2",
      },
      body: JSON.stringify([event]),
      ca: request.ca,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
    });
  } catch (error) {
    return { outcome: "failed", status: 0, eventIds, error: describeError(error) };
  }
  if (response.status !== 200) {
    return { outcome: "failed", status: response.status, eventIds, error: `validation answered HTTP ${response.status}` };
  }
  const echoed = readValidationResponse(response.body);
  if (echoed === undefined) return { outcome: "manual", status: response.status, eventIds };
  if (echoed !== request.validationCode) {
    return { outcome: "failed", status: response.status, eventIds, error: "validationResponse does not match the validationCode" };
  }
  return { outcome: "validated", status: response.status, eventIds };
}

async function cloudEventsHandshake(request: HandshakeRequest): Promise<HandshakeResult> {
  let response: WebhookResponse;
  try {
    response = await request.client.send({
      method: "OPTIONS",
      url: request.url,
      headers: { "webhook-request-origin": webhookRequestOrigin, "webhook-request-rate": "120" },
      ca: request.ca,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
    });
  } catch (error) {
    return { outcome: "failed", status: 0, eventIds: [], error: describeError(error) };
  }
  if (response.status !== 200) {
    return { outcome: "failed", status: response.status, eventIds: [], error: `validation answered HTTP ${response.status}` };
  }
  const allowed = headerValue(response.headers["webhook-allowed-origin"]);
  if (allowed !== webhookRequestOrigin && allowed !== "*") {
    return { outcome: "failed", status: response.status, eventIds: [], error: "WebHook-Allowed-Origin missing or not eventgrid.azure.net" };
  }
  return { outcome: "validated", status: response.status, eventIds: [] };
}

function readValidationResponse(body: string): string | undefined {
  if (body.trim() === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    for (const [key, value] of Object.entries(parsed)) {
      if (key.toLowerCase() === "validationresponse" && typeof value === "string") return value;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
