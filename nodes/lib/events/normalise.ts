// Reads an ACS event's data into the fields every node of this package uses in msg.acs: the
// channel, one status vocabulary, messageId, from, to and, for SMS, the correlation tag. Data keys
// and values are read regardless of casing, as real samples differ (MessageId, "delivered").
import type { ParsedEvent } from "./parse";
import { shortEventType } from "./types";
import type { AcsEventInfo, AcsStatus } from "../core/acs-message";
import { isRecord } from "../core/values";

/** The msg.acs fields read from the event itself (the rest come from its envelope and the correlation). */
export type EventFields = Pick<AcsEventInfo, "channel" | "status" | "serviceStatus" | "details" | "messageId" | "from" | "to" | "tag" | "threadId">;

// A Map: the key is the status word of an event from outside; `__proto__` or `constructor` must find nothing.
const STATUS_WORDS = new Map<string, AcsStatus>([
  ["delivered", "delivered"],
  // A distribution list was expanded and delivered to its members.
  ["expanded", "delivered"],
  ["failed", "failed"],
  ["bounced", "bounced"],
  ["suppressed", "suppressed"],
  ["filteredspam", "spam"],
  ["quarantined", "quarantined"],
  ["expired", "expired"],
  ["view", "opened"],
  ["click", "clicked"],
]);

/** The msg.acs fields of an event; empty for types it does not know. */
export function normaliseEvent(event: ParsedEvent): EventFields {
  // Runs once per event: the fields are set one by one on one object (only those with a value), with
  // no intermediate copies, and each data key is read directly when it has its usual spelling.
  const fields: EventFields = {};
  const data = isRecord(event.data) && !Buffer.isBuffer(event.data) ? event.data : undefined;
  switch (shortEventType(event.type)) {
    case "SMSDeliveryReportReceived":
      fields.channel = "sms";
      parties(fields, data, "from", "to");
      set(fields, "tag", text(data, "tag"));
      set(fields, "details", text(data, "deliveryStatusDetails"));
      setStatus(fields, text(data, "deliveryStatus"));
      return fields;
    case "SMSReceived":
      fields.channel = "sms";
      parties(fields, data, "from", "to");
      fields.status = "received";
      return fields;
    case "EmailDeliveryReportReceived":
      fields.channel = "email";
      parties(fields, data, "sender", "recipient");
      set(fields, "details", text(child(data, "deliveryStatusDetails"), "statusMessage"));
      setStatus(fields, text(data, "status"));
      return fields;
    case "EmailEngagementTrackingReportReceived":
      fields.channel = "email";
      parties(fields, data, "sender", "recipient");
      // The service sends engagementType; the SDK's model (and some samples) call it engagement.
      setStatus(fields, text(data, "engagementType") ?? text(data, "engagement"));
      return fields;
    case "ChatMessageReceived":
    case "ChatMessageReceivedInThread":
      chatFields(fields, data);
      fields.status = "received";
      return fields;
    default:
      if (event.type.toLowerCase().startsWith("microsoft.communication.chat")) chatFields(fields, data);
      return fields;
  }
}

type Data = Record<string, unknown> | undefined;

function set<K extends keyof EventFields>(fields: EventFields, key: K, value: EventFields[K] | undefined): void {
  if (value !== undefined) fields[key] = value;
}

function setStatus(fields: EventFields, serviceStatus: string | undefined): void {
  if (serviceStatus === undefined) return;
  const word = serviceStatus.trim().toLowerCase();
  fields.serviceStatus = serviceStatus;
  fields.status = STATUS_WORDS.get(word) ?? word;
}

function parties(fields: EventFields, data: Data, from: string, to: string): void {
  set(fields, "messageId", text(data, "messageId"));
  set(fields, "from", text(data, from));
  set(fields, "to", text(data, to));
}

function chatFields(fields: EventFields, data: Data): void {
  fields.channel = "chat";
  set(fields, "messageId", text(data, "messageId"));
  set(fields, "from", text(child(data, "senderCommunicationIdentifier"), "rawId"));
  set(fields, "to", text(child(data, "recipientCommunicationIdentifier"), "rawId"));
  set(fields, "threadId", text(data, "threadId"));
}

/** A text property (a number is given as text) whatever the casing of its name. */
function text(data: Data, name: string): string | undefined {
  const value = get(data, name);
  if (typeof value === "string") return value;
  return typeof value === "number" ? String(value) : undefined;
}

/** An object property whatever the casing of its name; undefined when it is not an object. */
function child(data: Data, name: string): Data {
  const value = get(data, name);
  return isRecord(value) && !Buffer.isBuffer(value) ? value : undefined;
}

/** A property whatever the casing of its name (the usual spelling is tried first). */
function get(data: Data, name: string): unknown {
  if (!data) return undefined;
  if (Object.hasOwn(data, name)) return data[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(data)) if (key.toLowerCase() === lower) return data[key];
  return undefined;
}
