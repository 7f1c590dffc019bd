// Turns a webhook body into events, in either delivery schema (Event Grid or CloudEvents 1.0),
// single or batched. @azure/eventgrid's EventGridDeserializer validates each event; before it
// does, envelope keys are brought to their usual spelling, since real senders vary the casing
// (`EventType`, `specVersion`).
import { EventGridDeserializer, type CloudEvent, type EventGridEvent } from "@azure/eventgrid";
import { canonicalEventType } from "./types";
import { AcsError } from "../core/errors";

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
/**
 * No ACS event nests its data more than a few levels; far deeper data is refused, since nodes that
 * walk a msg recursively (a deep copy for a second wire, a json node) would overflow the stack on it.
 */
export const MAX_EVENT_DEPTH = 32;
/** Spellings seen in samples that differ by more than case. */
const ALIASES = new Map([["database64", "data_base64"]]);

const deserializer = new EventGridDeserializer();

/** The events of a body; throws an AcsError (`acs-events.errors.*`) saying what is wrong. */
export async function parseEvents(body: string | unknown): Promise<ParsedEvent[]> {
  const decoded = typeof body === "string" ? decodeJson(body) : body;
  const items = Array.isArray(decoded) ? decoded : [decoded];
  if (items.length === 0) throw new AcsError("acs-events.errors.noEvents");
  const envelopes = items.map((item, index) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new AcsError(Array.isArray(decoded) ? "acs-events.errors.badEvent" : "acs-events.errors.notEvents", {
        index: index + 1,
        reason: "not a JSON object",
      });
    }
    if (deeperThan(item, MAX_EVENT_DEPTH)) {
      throw new AcsError("acs-events.errors.badEvent", { index: index + 1, reason: `nested deeper than ${MAX_EVENT_DEPTH} levels` });
    }
    return envelope(item as Record<string, unknown>);
  });
  try {
    return await parseBatch(envelopes);
  } catch {
    // Find the first event that fails, to say which one and why.
    for (const [index, single] of envelopes.entries()) {
      try {
        await parseBatch([single]);
      } catch (err) {
        throw new AcsError("acs-events.errors.badEvent", { index: index + 1, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    throw new AcsError("acs-events.errors.notEvents", { reason: "unreadable batch" });
  }
}

interface Envelope {
  cloud: boolean;
  fields: Record<string, unknown>;
}

/**
 * The events of a batch: each well-formed Event Grid event read directly (plainEventGridEvent), the
 * others (CloudEvents, and anything unusual) with one deserializer call per schema for the batch.
 */
async function parseBatch(envelopes: Envelope[]): Promise<ParsedEvent[]> {
  const direct = envelopes.map((item) => (item.cloud ? undefined : plainEventGridEvent(item.fields)));
  const cloud = envelopes.filter((item) => item.cloud).map((item) => item.fields);
  const grid = envelopes.filter((item, index) => !item.cloud && direct[index] === undefined).map((item) => item.fields);
  // The deserializer takes the parsed JSON of a batch (an array) as well as of one event; its typing says object.
  const cloudEvents = cloud.length > 0 ? await deserializer.deserializeCloudEvents(cloud as unknown as Record<string, unknown>) : [];
  const gridEvents = grid.length > 0 ? await deserializer.deserializeEventGridEvents(grid as unknown as Record<string, unknown>) : [];
  let nextCloud = 0;
  let nextGrid = 0;
  return envelopes.map(
    (item, index) =>
      direct[index] ?? (item.cloud ? fromCloudEvent(cloudEvents[nextCloud++], item.fields) : fromEventGridEvent(gridEvents[nextGrid++], item.fields)),
  );
}

/** What @azure/eventgrid requires of an Event Grid schema event: these envelope fields as text, metadataVersion "1". */
const EVENT_GRID_REQUIRED_TEXT = ["id", "topic", "subject", "eventType", "eventTime", "dataVersion", "metadataVersion"];

/**
 * An Event Grid event that meets the deserializer's checks and has object data (every event ACS
 * delivers), read directly into the same fields the deserializer's result gives; undefined for any
 * other, which the deserializer then reads or refuses with its reason. The deserializer walks a
 * generic model of the event and copies it, which cost more per event than the rest of the node's
 * work together.
 */
function plainEventGridEvent(raw: Record<string, unknown>): ParsedEvent | undefined {
  for (const key of EVENT_GRID_REQUIRED_TEXT) if (typeof raw[key] !== "string") return undefined;
  const { id, topic, subject, eventType, eventTime, dataVersion, metadataVersion, data } = raw as Record<string, string> & { data: unknown };
  if (metadataVersion !== "1" || id.trim() === "" || typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  return {
    schema: "EventGrid",
    id,
    type: canonicalEventType(eventType),
    source: topic,
    subject,
    time: isoTime(new Date(eventTime), eventTime),
    dataVersion,
    data,
  };
}

/** Whether a parsed JSON value nests deeper than `limit` (walked without recursion, so any depth is safe). */
export function deeperThan(value: unknown, limit: number): boolean {
  // Two stacks side by side: no pair allocated per object, as this walks every object of every event.
  const pending: object[] = [];
  const depths: number[] = [];
  if (typeof value === "object" && value !== null) {
    pending.push(value);
    depths.push(1);
  }
  while (pending.length > 0) {
    const current = pending.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === "object" && child !== null) {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AcsError("acs-events.errors.badJson", { reason: err instanceof Error ? err.message : String(err) });
  }
}

const usualKeys = (keys: readonly string[]) => new Map(keys.map((key) => [key.toLowerCase(), key]));
const EVENT_GRID_SPELLING = usualKeys(EVENT_GRID_KEYS);
const CLOUD_EVENT_SPELLING = usualKeys(CLOUD_EVENT_KEYS);
const EVENT_GRID_USUAL = new Set(EVENT_GRID_KEYS);
const CLOUD_EVENT_USUAL = new Set(CLOUD_EVENT_KEYS);

const SPECVERSION = "specversion";

/** The schema of an item, and the item with its envelope keys spelt as that schema spells them (other keys kept). */
function envelope(item: Record<string, unknown>): Envelope {
  const keys = Object.keys(item);
  const cloud = keys.some((key) => key.length === SPECVERSION.length && key.toLowerCase() === SPECVERSION);
  const spelling = cloud ? CLOUD_EVENT_SPELLING : EVENT_GRID_SPELLING;
  const alreadyUsual = cloud ? CLOUD_EVENT_USUAL : EVENT_GRID_USUAL;
  const usual = (key: string) => spelling.get(key.toLowerCase()) ?? ALIASES.get(key.toLowerCase()) ?? key;
  // Keys already in their usual spelling (what deliveries send) need no lower-case copy.
  if (keys.every((key) => alreadyUsual.has(key) || usual(key) === key)) return { cloud, fields: item };
  const fields = new Map<string, unknown>();
  for (const key of keys) {
    const name = usual(key);
    if (!fields.has(name) || name === key) fields.set(name, item[key]);
  }
  // fromEntries defines own properties: an event's key `__proto__` stays a key instead of replacing the prototype.
  return { cloud, fields: Object.fromEntries(fields) };
}

function isoTime(value: Date | undefined, raw: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  return typeof raw === "string" ? raw : undefined;
}

/** The id an event is deduplicated by: the deserializer lets an empty one through, which both schemas forbid. */
function requiredId(id: unknown): string {
  if (typeof id !== "string" || id.trim() === "") throw new Error("its id is empty (both schemas require a non-empty id)");
  return id;
}

function fromEventGridEvent(event: EventGridEvent<unknown>, raw: Record<string, unknown>): ParsedEvent {
  return {
    schema: "EventGrid",
    id: requiredId(event.id),
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
    id: requiredId(event.id),
    type: canonicalEventType(event.type),
    source: event.source,
    data: event.data instanceof Uint8Array ? Buffer.from(event.data) : event.data,
  };
  if (event.subject !== undefined) parsed.subject = event.subject;
  const time = isoTime(event.time, raw.time);
  if (time !== undefined) parsed.time = time;
  return parsed;
}
