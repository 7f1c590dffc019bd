// Checks and completes the options of a new subscription, with Event Grid's limits and defaults.
import { randomUUID } from "node:crypto";
import { checkWebhookUrl } from "./webhook-client";
import type { AdvancedFilter, DeliverySchema, EventGridEventShape, SubscriptionInfo, SubscriptionOptions } from "./types";

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
  if (options.advancedFilters !== undefined) info.advancedFilters = checkAdvancedFilters(options.advancedFilters);
  return { info, url, ca: options.ca };
}

const operators: readonly AdvancedFilter["operatorType"][] = ["StringIn", "StringNotIn", "StringBeginsWith", "StringEndsWith", "StringContains"];

function checkAdvancedFilters(filters: unknown): AdvancedFilter[] {
  if (!Array.isArray(filters) || filters.length > 25) throw new Error("advancedFilters must be a list of at most 25 filters");
  return filters.map((filter: Partial<AdvancedFilter> | null, index) => {
    const where = `advancedFilters[${index}]`;
    if (typeof filter !== "object" || filter === null) throw new Error(`${where} must be an object`);
    if (!operators.includes(filter.operatorType as AdvancedFilter["operatorType"])) {
      throw new Error(`${where}.operatorType: "${String(filter.operatorType)}" must be one of ${operators.join(", ")}`);
    }
    if (typeof filter.key !== "string" || filter.key === "") throw new Error(`${where}.key must be eventType, subject, id or data.<path>`);
    if (!Array.isArray(filter.values) || filter.values.length === 0 || filter.values.some((value) => typeof value !== "string")) {
      throw new Error(`${where}.values must be a non-empty list of strings`);
    }
    return { operatorType: filter.operatorType as AdvancedFilter["operatorType"], key: filter.key, values: [...filter.values] };
  });
}

/** The event's value at an advanced filter's key, as text; undefined when it has none. */
function valueAt(event: EventGridEventShape, key: string): string | undefined {
  const lower = key.toLowerCase();
  if (lower === "eventtype") return event.eventType;
  if (lower === "subject") return event.subject;
  if (lower === "id") return event.id;
  if (!lower.startsWith("data.")) return undefined;
  let value: unknown = event.data;
  for (const part of key.slice("data.".length).split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
}

function matchesAdvanced(filter: AdvancedFilter, event: EventGridEventShape): boolean {
  const value = valueAt(event, filter.key)?.toLowerCase();
  const values = filter.values.map((v) => v.toLowerCase());
  if (value === undefined) return filter.operatorType === "StringNotIn";
  switch (filter.operatorType) {
    case "StringIn":
      return values.includes(value);
    case "StringNotIn":
      return !values.includes(value);
    case "StringBeginsWith":
      return values.some((v) => value.startsWith(v));
    case "StringEndsWith":
      return values.some((v) => value.endsWith(v));
    case "StringContains":
      return values.some((v) => value.includes(v));
  }
}

/** Event Grid's filters: event type list, subject prefix/suffix (case-insensitive by default), advanced filters. */
export function matchesFilter(info: SubscriptionInfo, event: EventGridEventShape): boolean {
  const { eventType, subject } = event;
  if (info.includedEventTypes.length > 0 && !info.includedEventTypes.some((type) => type.toLowerCase() === eventType.toLowerCase())) {
    return false;
  }
  const lowerSubject = subject.toLowerCase();
  if (info.subjectBeginsWith !== undefined && !lowerSubject.startsWith(info.subjectBeginsWith.toLowerCase())) return false;
  if (info.subjectEndsWith !== undefined && !lowerSubject.endsWith(info.subjectEndsWith.toLowerCase())) return false;
  return (info.advancedFilters ?? []).every((filter) => matchesAdvanced(filter, event));
}
