// Hostile webhook requests for the events endpoint, generated from a fixed seed so that every run
// sends the same ones: random bytes, random JSON that is no event, real ACS events (both schemas)
// with a required field removed or of the wrong type, wrong content types, truncated bodies, bodies
// over the size limit (declared and chunked), and deep nesting. Real events come from the sandbox's
// own builders, in the shapes the service sends.
import { randomUUID } from "node:crypto";
import { chatMessageEvents, emailDeliveryReportEvent, emailEngagementEvent, smsDeliveryReportEvent, smsReceivedEvent, type EventContext } from "../../emulator/eventgrid/acs-events";
import { toCloudEvent } from "../../emulator/eventgrid/schemas";
import { mulberry32 } from "../../emulator/state/faults";

export interface FuzzRequest {
  name: string;
  body: string | Buffer;
  contentType?: string;
  /** Send the body in chunks without a content-length. */
  chunked?: boolean;
}

type Json = Record<string, unknown>;

/** The sandbox's seeded PRNG: the same seed gives the same corpus. */
export const seededRandom = mulberry32;

const context: EventContext = {
  topic: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/fuzz",
  now: Date.now,
};

/** One real event of each kind the service sends, in the Event Grid schema, each with a fresh id. */
export function realEvents(): Json[] {
  const now = Date.now();
  const events = [
    smsDeliveryReportEvent(context, { messageId: "Outgoing_1", from: "+18005550100", to: "+14255550100", deliveryStatus: "Delivered", deliveryStatusDetails: "No error.", deliveryAttempts: [{ timestamp: new Date(now).toISOString(), segmentsSucceeded: 1, segmentsFailed: 0 }], receivedTimestamp: now, tag: "c-1" }),
    smsReceivedEvent(context, { messageId: "Incoming_1", from: "+14255550100", to: "+18005550100", message: "STOP", receivedTimestamp: now }),
    emailDeliveryReportEvent(context, { sender: "a@contoso.test", recipient: "b@customers.test", messageId: randomUUID(), status: "Bounced", statusMessage: "Mailbox full", deliveryAttemptTimestamp: now }),
    emailEngagementEvent(context, { sender: "a@contoso.test", recipient: "b@customers.test", messageId: randomUUID(), engagement: "click", engagementContext: "https://example.com", userActionTimestamp: now }),
    ...chatMessageEvents(context, { threadId: "19:fuzz@thread.v2", messageId: String(now), senderId: "8:acs:fuzz_1", type: "text", content: "hello", composeTime: now }, ["8:acs:fuzz_2"]),
  ];
  return events.map((event) => ({ ...event, id: randomUUID() }) as unknown as Json);
}

/** The same events in CloudEvents 1.0. */
export function realCloudEvents(): Json[] {
  return realEvents().map((event) => toCloudEvent(event as never) as unknown as Json);
}

const EVENT_GRID_REQUIRED = ["eventType", "eventTime", "id", "subject", "topic", "dataVersion", "metadataVersion"];
const CLOUD_EVENT_REQUIRED = ["type", "source", "id", "specversion"];
const CLOUD_EVENT_OPTIONAL_STRINGS = ["time", "subject", "datacontenttype"];
const WRONG_TYPES: unknown[] = [42, true, null, { value: "x" }, ["x"]];

/** A copy of `event` broken in a way the schema forbids (picked by `random`), with what was done. */
function breakEvent(event: Json, cloud: boolean, random: () => number): { event: Json; how: string } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const copy: Json = structuredClone(event);
  const choice = random();
  if (!cloud) {
    if (choice < 0.35) {
      const field = pick([...EVENT_GRID_REQUIRED, "data"]);
      Reflect.deleteProperty(copy, field);
      return { event: copy, how: `without ${field}` };
    }
    if (choice < 0.85) {
      const field = pick(EVENT_GRID_REQUIRED);
      const value = pick(WRONG_TYPES);
      copy[field] = value;
      return { event: copy, how: `${field} = ${JSON.stringify(value)}` };
    }
    copy.metadataVersion = pick(["2", "0", "1.0"]);
    return { event: copy, how: `metadataVersion ${String(copy.metadataVersion)}` };
  }
  if (choice < 0.35) {
    const field = pick(CLOUD_EVENT_REQUIRED);
    Reflect.deleteProperty(copy, field);
    return { event: copy, how: `without ${field}` };
  }
  if (choice < 0.7) {
    const field = pick([...CLOUD_EVENT_REQUIRED, ...CLOUD_EVENT_OPTIONAL_STRINGS]);
    const value = pick(WRONG_TYPES.filter((candidate) => candidate !== null || !CLOUD_EVENT_OPTIONAL_STRINGS.includes(field)));
    copy[field] = value;
    return { event: copy, how: `${field} = ${JSON.stringify(value)}` };
  }
  if (choice < 0.85) {
    copy.specversion = pick(["0.3", "2.0", "1"]);
    return { event: copy, how: `specversion ${String(copy.specversion)}` };
  }
  copy.data_base64 = "aGVsbG8=";
  return { event: copy, how: "data and data_base64" };
}

function randomJson(random: () => number, depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 3 ? 4 : 6));
  switch (kind) {
    case 0:
      return Math.floor(random() * 1e6) - 5e5;
    case 1:
      return random() < 0.5;
    case 2:
      return null;
    case 3:
      return randomText(random, 20);
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
    default: {
      const object: Json = {};
      for (let i = Math.floor(random() * 5); i > 0; i--) object[randomText(random, 8)] = randomJson(random, depth + 1);
      return object;
    }
  }
}

function randomText(random: () => number, maxLength: number): string {
  return Array.from({ length: 1 + Math.floor(random() * maxLength) }, () => String.fromCharCode(32 + Math.floor(random() * 0x24f))).join("");
}

function nested(depth: number, open: string, close: string, inner = "1"): string {
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** Every hostile request, for an endpoint whose body limit is `limitBytes`. */
export function hostileRequests(seed: number, limitBytes: number): FuzzRequest[] {
  const random = seededRandom(seed);
  const requests: FuzzRequest[] = [];
  for (let i = 0; i < 40; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256)));
    // A body of random bytes can by chance be valid JSON (a number, say): none of those is an event.
    requests.push({ name: `random bytes #${i}`, body: bytes });
  }
  for (let i = 0; i < 40; i++) requests.push({ name: `random JSON #${i}`, body: JSON.stringify(randomJson(random)) });
  const valid = { grid: realEvents(), cloud: realCloudEvents() };
  for (let i = 0; i < 60; i++) {
    const cloud = i % 2 === 1;
    const events = cloud ? valid.cloud : valid.grid;
    const target = events[Math.floor(random() * events.length)];
    const broken = breakEvent(target, cloud, random);
    // Alone, or hidden in a batch of good events: either way the delivery is refused as a whole.
    const batch = i % 3 === 0 ? [...events.filter((event) => event !== target), broken.event] : [broken.event];
    requests.push({ name: `${cloud ? "CloudEvent" : "Event Grid event"} ${broken.how}${batch.length > 1 ? " in a batch" : ""}`, body: JSON.stringify(batch), contentType: cloud ? "application/cloudevents-batch+json" : "application/json" });
  }
  const good = JSON.stringify(valid.grid);
  for (const type of ["text/plain", "application/xml", "text/html", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "image/png", "application/octet-stream"]) {
    requests.push({ name: `content type ${type}`, body: good, contentType: type });
  }
  for (let i = 0; i < 20; i++) {
    const cut = 1 + Math.floor(random() * (good.length - 2));
    requests.push({ name: `truncated at ${cut} of ${good.length}`, body: good.slice(0, cut) });
  }
  const huge = JSON.stringify(Array.from({ length: Math.ceil((limitBytes * 2) / good.length) * valid.grid.length }, (_, index) => ({ ...valid.grid[index % valid.grid.length], id: randomUUID() })));
  requests.push({ name: `${Math.round(huge.length / 1024)} KB with a content-length`, body: huge });
  requests.push({ name: `${Math.round(huge.length / 1024)} KB chunked`, body: huge, chunked: true });
  requests.push({ name: "empty body", body: "" });
  requests.push({ name: "empty list", body: "[]" });
  requests.push({ name: "arrays nested 100,000 deep", body: nested(100_000, "[", "]") });
  requests.push({ name: "objects nested 50,000 deep", body: nested(50_000, '{"a":', "}") });
  requests.push({ name: "a list of events nested 10,000 deep", body: nested(10_000, "[", "]", good) });
  return requests;
}

/** Valid events (their ids fresh) whose data is nested `depth` levels deep: no ACS event nests like that. */
export function deeplyNestedEvents(depth: number): FuzzRequest[] {
  const [grid] = realEvents();
  const [cloud] = realCloudEvents();
  const placeholder = '"__NESTED__"';
  const withData = (event: Json) => JSON.stringify([{ ...event, data: "__NESTED__" }]);
  return [
    { name: `Event Grid event with data nested ${depth} deep`, body: withData(grid).replace(placeholder, nested(depth, "[", "]")) },
    { name: `CloudEvent with data nested ${depth} deep`, body: withData(cloud).replace(placeholder, nested(depth, '{"a":', "}")), contentType: "application/cloudevents-batch+json" },
  ];
}
