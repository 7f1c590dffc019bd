// Checks and completes the options of a new subscription, with Event Grid's limits and defaults.
import { randomUUID } from "node:crypto";
import { checkWebhookUrl } from "./webhook-client";
import type { DeliverySchema, SubscriptionInfo, SubscriptionOptions } from "./types";

const schemas: readonly DeliverySchema[] = ["EventGridSchema", "CloudEventSchemaV1_0"];

export interface ResolvedSubscription {
  info: SubscriptionInfo;
  url: URL;
  ca?: SubscriptionOptions["ca"];
}

function integerIn(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}: ${String(value)} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function resolveSubscription(options: SubscriptionOptions, sequence: number): ResolvedSubscription {
  if (typeof options !== "object" || options === null) throw new Error("subscription options must be an object");
  const url = checkWebhookUrl(options.endpoint);
  const schema = options.schema ?? "EventGridSchema";
  if (!schemas.includes(schema)) throw new Error(`schema: "${String(schema)}" must be EventGridSchema or CloudEventSchemaV1_0`);
  const includedEventTypes = options.includedEventTypes ?? [];
  if (!Array.isArray(includedEventTypes) || includedEventTypes.some((type) => typeof type !== "string")) {
    throw new Error("includedEventTypes must be a list of event type names");
  }
  const name = options.name ?? `sandbox-subscription-${sequence}`;
  if (!/^[A-Za-z0-9-]{3,64}$/.test(name)) throw new Error(`name: "${name}" must be 3 to 64 letters, digits or hyphens`);
  const duplicates = options.duplicates;
  if (duplicates !== undefined) {
    integerIn("duplicates.count", duplicates.count, 0, 10, 0);
    if (duplicates.rate !== undefined && !(duplicates.rate >= 0 && duplicates.rate <= 1)) {
      throw new Error(`duplicates.rate: ${String(duplicates.rate)} must be from 0 to 1`);
    }
  }
  const info: SubscriptionInfo = {
    id: randomUUID(),
    name,
    endpoint: url.toString(),
    schema,
    includedEventTypes: [...includedEventTypes],
    maxEventsPerBatch: integerIn("maxEventsPerBatch", options.maxEventsPerBatch, 1, 5000, 1),
    maxDeliveryAttempts: integerIn("maxDeliveryAttempts", options.maxDeliveryAttempts, 1, 30, 30),
    eventTimeToLiveInMinutes: integerIn("eventTimeToLiveInMinutes", options.eventTimeToLiveInMinutes, 1, 1440, 1440),
    provisioningState: "Creating",
  };
  if (options.subjectBeginsWith !== undefined) info.subjectBeginsWith = options.subjectBeginsWith;
  if (options.subjectEndsWith !== undefined) info.subjectEndsWith = options.subjectEndsWith;
  if (duplicates !== undefined) info.duplicates = { ...duplicates };
  return { info, url, ca: options.ca };
}

/** Event Grid's filters: event type list, then subject prefix/suffix (case-insensitive by default). */
export function matchesFilter(info: SubscriptionInfo, eventType: string, subject: string): boolean {
  if (info.includedEventTypes.length > 0 && !info.includedEventTypes.some((type) => type.toLowerCase() === eventType.toLowerCase())) {
    return false;
  }
  const lowerSubject = subject.toLowerCase();
  if (info.subjectBeginsWith !== undefined && !lowerSubject.startsWith(info.subjectBeginsWith.toLowerCase())) return false;
  if (info.subjectEndsWith !== undefined && !lowerSubject.endsWith(info.subjectEndsWith.toLowerCase())) return false;
  return true;
}
