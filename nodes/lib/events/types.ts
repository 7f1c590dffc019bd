// The ACS event types the events node knows, grouped the way its editor and its outputs are:
// SMS, Email, Chat, and everything else. Type names are matched case-insensitively, as real
// deliveries do not always spell them the same way.

import type { AcsChannel } from "../core/acs-message";

export type EventGroup = AcsChannel | "other";

export const EVENT_GROUPS: readonly EventGroup[] = ["sms", "email", "chat", "other"];

const PREFIX = "Microsoft.Communication.";

/** The token that stands for every type not listed below in a selection of event types. */
export const OTHER_EVENT_TYPES = "other";

export const SUBSCRIPTION_VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";

export const KNOWN_EVENT_TYPES: Readonly<Record<Exclude<EventGroup, "other">, readonly string[]>> = {
  sms: ["SMSDeliveryReportReceived", "SMSReceived"].map((name) => PREFIX + name),
  email: ["EmailDeliveryReportReceived", "EmailEngagementTrackingReportReceived"].map((name) => PREFIX + name),
  chat: [
    "ChatMessageReceived",
    "ChatMessageReceivedInThread",
    "ChatMessageEdited",
    "ChatMessageEditedInThread",
    "ChatMessageDeleted",
    "ChatMessageDeletedInThread",
    "ChatThreadCreated",
    "ChatThreadCreatedWithUser",
    "ChatThreadDeleted",
    "ChatThreadWithUserDeleted",
    "ChatThreadPropertiesUpdated",
    "ChatThreadPropertiesUpdatedPerUser",
    "ChatThreadParticipantAdded",
    "ChatThreadParticipantRemoved",
    "ChatParticipantAddedToThreadWithUser",
    "ChatParticipantRemovedFromThreadWithUser",
  ].map((name) => PREFIX + name),
};

const byLowerCase = new Map<string, { type: string; group: EventGroup }>();
for (const group of ["sms", "email", "chat"] as const) {
  for (const type of KNOWN_EVENT_TYPES[group]) byLowerCase.set(type.toLowerCase(), { type, group });
}
byLowerCase.set(SUBSCRIPTION_VALIDATION_EVENT.toLowerCase(), { type: SUBSCRIPTION_VALIDATION_EVENT, group: "other" });

/** The usual spelling of a known type; any other type as it came. */
export function canonicalEventType(type: string): string {
  return byLowerCase.get(type.toLowerCase())?.type ?? type;
}

export function eventGroup(type: string): EventGroup {
  return byLowerCase.get(type.toLowerCase())?.group ?? "other";
}

/** `SMSDeliveryReportReceived` for `Microsoft.Communication.SMSDeliveryReportReceived`, for status texts. */
export function shortEventType(type: string): string {
  const canonical = canonicalEventType(type);
  return canonical.startsWith(PREFIX) ? canonical.slice(PREFIX.length) : canonical;
}

/** Every type a new node selects: all known ones and the other ones. */
export function allEventTypes(): string[] {
  return [...KNOWN_EVENT_TYPES.sms, ...KNOWN_EVENT_TYPES.email, ...KNOWN_EVENT_TYPES.chat, OTHER_EVENT_TYPES];
}

/** Which event types a node emits: the known types selected, plus every unknown type when "other" is selected. */
export class EventTypeSelection {
  private readonly selected: Set<string>;
  private readonly others: boolean;

  /** `undefined` (a node made before the setting existed, or by hand) selects everything. */
  constructor(types: readonly string[] | undefined) {
    const list = types ?? allEventTypes();
    this.selected = new Set(list.map((type) => type.toLowerCase()));
    this.others = this.selected.has(OTHER_EVENT_TYPES);
  }

  includes(type: string): boolean {
    if (byLowerCase.has(type.toLowerCase()) && eventGroup(type) !== "other") return this.selected.has(type.toLowerCase());
    return this.others;
  }
}
