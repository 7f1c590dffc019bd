// Turns a webhook body into events, in either delivery schema (Event Grid or CloudEvents 1.0),
// single or batched. @azure/eventgrid's EventGridDeserializer validates each event; before it
// does, envelope keys are brought to their usual spelling, since real senders vary the casing
// (`EventType`, `specVersion`).
import { EventGridDeserializer, type CloudEvent, type EventGridEvent } from "@azure/eventgrid";
import { canonicalEventType } from "./event-types";
import { AcsError } from "./errors";

export type EventSchema = "EventGrid" | "CloudEvents";

export interface ParsedEvent {
  schema: EventSchema;
  id: string;
  /** The event type in its usual spelling. */
  type: string;
  /** The topic (Event Grid schema) or source (CloudEvents): the ACS resource id. */
  source: string;
  subject?: string;
  /** ISO 8601, or the text as sent when it is not a valid time. */
  time?: string;
  dataVersion?: string;
  data: unknown;
}

const EVENT_GRID_KEYS = ["id", "topic", "subject", "eventType", "eventTime", "dataVersion", "metadataVersion", "data"];
const CLOUD_EVENT_KEYS = ["specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema", "data", "data_base64"];
/** Spellings seen in samples that differ by more than case. */
const ALIASES: Record<string, string> = { database64: "data_base64" };

const deserializer = new EventGridDeserializer();

/** The events of a body; throws an AcsError (`acs-events.errors.*`) saying what is wrong. */
export async function parseEvents(body: string | unknown): Promise<ParsedEvent[]> {
  const decoded = typeof body === "string" ? decodeJson(body) : body;
  const items = Array.isArray(decoded) ? decoded : [decoded];
  if (items.length === 0) throw new AcsError("acs-events.errors.noEvents");
  const events: ParsedEvent[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new AcsError(Array.isArray(decoded) ? "acs-events.errors.badEvent" : "acs-events.errors.notEvents", {
        index: index + 1,
        reason: "not a JSON object",
      });
    }
    events.push(await parseEvent(item as Record<string, unknown>, index));
  }
  return events;
}

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AcsError("acs-events.errors.badJson", { reason: err instanceof Error ? err.message : String(err) });
  }
}

function isCloudEvent(item: Record<string, unknown>): boolean {
  return Object.keys(item).some((key) => key.toLowerCase() === "specversion");
}

async function parseEvent(item: Record<string, unknown>, index: number): Promise<ParsedEvent> {
  const cloud = isCloudEvent(item);
  const envelope = withUsualKeys(item, cloud ? CLOUD_EVENT_KEYS : EVENT_GRID_KEYS);
  try {
    if (cloud) return fromCloudEvent((await deserializer.deserializeCloudEvents(envelope))[0], envelope);
    return fromEventGridEvent((await deserializer.deserializeEventGridEvents(envelope))[0], envelope);
  } catch (err) {
    throw new AcsError("acs-events.errors.badEvent", { index: index + 1, reason: err instanceof Error ? err.message : String(err) });
  }
}

/** A copy whose envelope keys are spelt as the schema spells them; other keys are kept as they are. */
function withUsualKeys(item: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const usual = new Map(keys.map((key) => [key.toLowerCase(), key]));
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const lower = key.toLowerCase();
    const name = usual.get(lower) ?? ALIASES[lower] ?? key;
    if (!(name in copy) || name === key) copy[name] = value;
  }
  return copy;
}

function isoTime(value: Date | undefined, raw: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  return typeof raw === "string" ? raw : undefined;
}

function fromEventGridEvent(event: EventGridEvent<unknown>, raw: Record<string, unknown>): ParsedEvent {
  return {
    schema: "EventGrid",
    id: event.id,
    type: canonicalEventType(event.eventType),
    source: event.topic ?? "",
    subject: event.subject,
    time: isoTime(event.eventTime, raw.eventTime),
    dataVersion: event.dataVersion,
    data: event.data,
  };
}

function fromCloudEvent(event: CloudEvent<unknown>, raw: Record<string, unknown>): ParsedEvent {
  const parsed: ParsedEvent = {
    schema: "CloudEvents",
    id: event.id,
    type: canonicalEventType(event.type),
    source: event.source,
    data: event.data instanceof Uint8Array ? Buffer.from(event.data) : event.data,
  };
  if (event.subject !== undefined) parsed.subject = event.subject;
  const time = isoTime(event.time, raw.time);
  if (time !== undefined) parsed.time = time;
  return parsed;
}
