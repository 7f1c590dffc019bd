// Reads an ACS event's data into the fields every node of this package uses in msg.acs: the
// channel, one status vocabulary, messageId, from, to and, for SMS, the correlation tag. Data keys
// and values are read regardless of casing, as real samples differ (MessageId, "delivered").
import type { ParsedEvent } from "./parse";
import { shortEventType } from "./types";
import type { AcsEventInfo, AcsStatus } from "../core/acs-message";
import { isRecord, withoutUndefined } from "../core/values";

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
  return withoutUndefined(fieldsOf(event));
}

function fieldsOf(event: ParsedEvent): EventFields {
  const data = new CaseInsensitive(event.data);
  switch (shortEventType(event.type)) {
    case "SMSDeliveryReportReceived":
      return withStatus({ channel: "sms", ...smsParties(data), tag: data.text("tag"), details: data.text("deliveryStatusDetails") }, data.text("deliveryStatus"));
    case "SMSReceived":
      return { channel: "sms", ...smsParties(data), status: "received" };
    case "EmailDeliveryReportReceived":
      return withStatus(
        { channel: "email", ...emailParties(data), details: data.child("deliveryStatusDetails").text("statusMessage") },
        data.text("status"),
      );
    case "EmailEngagementTrackingReportReceived":
      // The service sends engagementType; the SDK's model (and some samples) call it engagement.
      return withStatus({ channel: "email", ...emailParties(data) }, data.text("engagementType") ?? data.text("engagement"));
    case "ChatMessageReceived":
    case "ChatMessageReceivedInThread":
      return { ...chatFields(data), status: "received" };
    default:
      return event.type.toLowerCase().startsWith("microsoft.communication.chat") ? chatFields(data) : {};
  }
}

function withStatus(fields: EventFields, serviceStatus: string | undefined): EventFields {
  if (serviceStatus === undefined) return fields;
  const word = serviceStatus.trim().toLowerCase();
  return { ...fields, serviceStatus, status: STATUS_WORDS.get(word) ?? word };
}

function smsParties(data: CaseInsensitive): EventFields {
  return { messageId: data.text("messageId"), from: data.text("from"), to: data.text("to") };
}

function emailParties(data: CaseInsensitive): EventFields {
  return { messageId: data.text("messageId"), from: data.text("sender"), to: data.text("recipient") };
}

function chatFields(data: CaseInsensitive): EventFields {
  return {
    channel: "chat",
    messageId: data.text("messageId"),
    from: data.child("senderCommunicationIdentifier").text("rawId"),
    to: data.child("recipientCommunicationIdentifier").text("rawId"),
    threadId: data.text("threadId"),
  };
}

/** Read access to an object's properties whatever the casing of their names (the usual spelling is tried first). */
class CaseInsensitive {
  private readonly value: Record<string, unknown> | undefined;

  constructor(value: unknown) {
    this.value = isRecord(value) && !Buffer.isBuffer(value) ? value : undefined;
  }

  text(name: string): string | undefined {
    const value = this.get(name);
    if (typeof value === "string") return value;
    return typeof value === "number" ? String(value) : undefined;
  }

  child(name: string): CaseInsensitive {
    return new CaseInsensitive(this.get(name));
  }

  private get(name: string): unknown {
    if (!this.value) return undefined;
    if (Object.hasOwn(this.value, name)) return this.value[name];
    const lower = name.toLowerCase();
    const key = Object.keys(this.value).find((candidate) => candidate.toLowerCase() === lower);
    return key === undefined ? undefined : this.value[key];
  }
}
