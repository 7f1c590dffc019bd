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

interface KnownType {
  type: string;
  group: EventGroup;
  /** The name without the Microsoft.Communication. prefix. */
  short: string;
}

// Looked up once or more per event: by the usual spelling first (what deliveries send), so that
// the lower-case copy is made only for other spellings.
const byLowerCase = new Map<string, KnownType>();
const bySpelling = new Map<string, KnownType>();
for (const group of ["sms", "email", "chat"] as const) {
  for (const type of KNOWN_EVENT_TYPES[group]) byLowerCase.set(type.toLowerCase(), { type, group, short: type.slice(PREFIX.length) });
}
byLowerCase.set(SUBSCRIPTION_VALIDATION_EVENT.toLowerCase(), { type: SUBSCRIPTION_VALIDATION_EVENT, group: "other", short: SUBSCRIPTION_VALIDATION_EVENT });
for (const known of byLowerCase.values()) bySpelling.set(known.type, known);

function knownType(type: string): KnownType | undefined {
  return bySpelling.get(type) ?? byLowerCase.get(type.toLowerCase());
}

/** The usual spelling of a known type; any other type as it came. */
export function canonicalEventType(type: string): string {
  return knownType(type)?.type ?? type;
}

export function eventGroup(type: string): EventGroup {
  return knownType(type)?.group ?? "other";
}

/** `SMSDeliveryReportReceived` for `Microsoft.Communication.SMSDeliveryReportReceived`, for status texts. */
export function shortEventType(type: string): string {
  const known = knownType(type);
  if (known) return known.short;
  return type.startsWith(PREFIX) ? type.slice(PREFIX.length) : type;
}

/** Every type a new node selects: all known ones and the other ones. */
export function allEventTypes(): string[] {
  return [...KNOWN_EVENT_TYPES.sms, ...KNOWN_EVENT_TYPES.email, ...KNOWN_EVENT_TYPES.chat, OTHER_EVENT_TYPES];
}

/** Which event types a node emits: the known types selected, plus every unknown type when "other" is selected. */
export class EventTypeSelection {
  private readonly others: boolean;
  /** The known types selected, in their usual spelling. */
  private readonly selectedKnown: Set<string>;

  /** `undefined` (a node made before the setting existed, or by hand) selects everything. */
  constructor(types: readonly string[] | undefined) {
    const list = types ?? allEventTypes();
    const selected = new Set(list.map((type) => type.toLowerCase()));
    this.others = selected.has(OTHER_EVENT_TYPES);
    this.selectedKnown = new Set([...byLowerCase].filter(([lower, known]) => known.group !== "other" && selected.has(lower)).map(([, known]) => known.type));
  }

  includes(type: string): boolean {
    const known = knownType(type);
    if (known && known.group !== "other") return this.selectedKnown.has(known.type);
    return this.others;
  }
}
