// Builders of the ACS system events the sandbox publishes, in the shapes (data fields, subjects,
// topic) of the real service's Event Grid events.
import { randomBytes, randomUUID } from "node:crypto";
import type { EventGridEventShape } from "./types";
import type { ChatMessageRecord, ChatParticipantRecord } from "../state/types";

export interface EventContext {
  /** The ACS resource id, the topic of every event. */
  topic: string;
  /** Simulated time, ms since the epoch. */
  now(): number;
}

export interface CommunicationIdentifierModel {
  rawId: string;
  kind?: "communicationUser" | "phoneNumber" | "unknown";
  communicationUser?: { id: string };
  phoneNumber?: { value: string };
}

export interface ChatParticipantModel {
  displayName?: string;
  participantCommunicationIdentifier: CommunicationIdentifierModel;
}

const prefix = "Microsoft.Communication.";

export const acsEventTypes = {
  smsDeliveryReport: `${prefix}SMSDeliveryReportReceived`,
  smsReceived: `${prefix}SMSReceived`,
  emailDeliveryReport: `${prefix}EmailDeliveryReportReceived`,
  emailEngagement: `${prefix}EmailEngagementTrackingReportReceived`,
  chatMessageReceived: `${prefix}ChatMessageReceived`,
  chatMessageReceivedInThread: `${prefix}ChatMessageReceivedInThread`,
  chatThreadCreated: `${prefix}ChatThreadCreated`,
  chatThreadCreatedWithUser: `${prefix}ChatThreadCreatedWithUser`,
  chatThreadParticipantAdded: `${prefix}ChatThreadParticipantAdded`,
  chatThreadParticipantRemoved: `${prefix}ChatThreadParticipantRemoved`,
  chatThreadDeleted: `${prefix}ChatThreadDeleted`,
} as const;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function envelope<T>(context: EventContext, eventType: string, subject: string, data: T): EventGridEventShape<T> {
  return {
    id: randomUUID(),
    topic: context.topic,
    subject,
    eventType,
    eventTime: iso(context.now()),
    dataVersion: "1.0",
    metadataVersion: "1",
    data,
  };
}

/** The identifier model of a raw id: `8:acs:...` users, `4:+1...` phone numbers. */
export function identifierFromRawId(rawId: string): CommunicationIdentifierModel {
  if (rawId.startsWith("4:")) return { rawId, kind: "phoneNumber", phoneNumber: { value: rawId.slice(2) } };
  if (rawId.startsWith("8:")) return { rawId, kind: "communicationUser", communicationUser: { id: rawId } };
  return { rawId, kind: "unknown" };
}

function participantModel(id: string, displayName?: string): ChatParticipantModel {
  const model: ChatParticipantModel = { participantCommunicationIdentifier: identifierFromRawId(id) };
  if (displayName !== undefined) model.displayName = displayName;
  return model;
}

/** A correlation vector like the service's transactionId. */
function transactionId(): string {
  return `${randomBytes(16).toString("base64").replace(/=+$/, "")}.1.1.1.1.${randomBytes(4).readUInt32BE()}.1`;
}

function phoneSubject(phoneNumber: string): string {
  return `/phonenumber/${phoneNumber.replace(/^\+/, "")}`;
}

// ---- SMS ----

const gsm7 =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const gsm7Extended = "^{}\\[~]|€\f";

/** Segments the network splits a message into: GSM-7 160 (153 per part), else UCS-2 70 (67 per part). */
export function countSmsSegments(message: string): number {
  let septets = 0;
  let unicode = false;
  for (const char of message) {
    if (gsm7.includes(char)) septets += 1;
    else if (gsm7Extended.includes(char)) septets += 2;
    else {
      unicode = true;
      break;
    }
  }
  if (unicode) {
    const units = message.length; // UTF-16 code units, as UCS-2 counts them
    return units <= 70 ? 1 : Math.ceil(units / 67);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

export interface SmsDeliveryAttempt {
  timestamp: string;
  segmentsSucceeded: number;
  segmentsFailed: number;
}

export interface SmsDeliveryReportInput {
  messageId: string;
  from: string;
  to: string;
  deliveryStatus: "Delivered" | "Failed";
  deliveryStatusDetails: string;
  deliveryAttempts: SmsDeliveryAttempt[];
  receivedTimestamp: number;
  tag?: string;
}

export function smsDeliveryReportEvent(context: EventContext, input: SmsDeliveryReportInput): EventGridEventShape {
  const data: Record<string, unknown> = {
    messageId: input.messageId,
    from: input.from,
    to: input.to,
    deliveryStatus: input.deliveryStatus,
    deliveryStatusDetails: input.deliveryStatusDetails,
    deliveryAttempts: input.deliveryAttempts,
    receivedTimestamp: iso(input.receivedTimestamp),
  };
  if (input.tag !== undefined) data.tag = input.tag;
  return envelope(context, acsEventTypes.smsDeliveryReport, phoneSubject(input.to), data);
}

export interface SmsReceivedInput {
  messageId: string;
  from: string;
  to: string;
  message: string;
  receivedTimestamp: number;
}

export function smsReceivedEvent(context: EventContext, input: SmsReceivedInput): EventGridEventShape {
  return envelope(context, acsEventTypes.smsReceived, phoneSubject(input.to), {
    messageId: input.messageId,
    from: input.from,
    to: input.to,
    message: input.message,
    receivedTimestamp: iso(input.receivedTimestamp),
    segmentCount: countSmsSegments(input.message),
  });
}

// ---- Email ----

export type EmailDeliveryStatus = "Delivered" | "Expanded" | "Bounced" | "Suppressed" | "Quarantined" | "FilteredSpam" | "Failed";

export interface EmailDeliveryReportInput {
  sender: string;
  recipient: string;
  /** The send's operation id. */
  messageId: string;
  status: EmailDeliveryStatus;
  statusMessage: string;
  deliveryAttemptTimestamp: number;
}

function emailSubject(sender: string, messageId: string): string {
  return `sender/${sender}/message/${messageId}`;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

export function emailDeliveryReportEvent(context: EventContext, input: EmailDeliveryReportInput): EventGridEventShape {
  return envelope(context, acsEventTypes.emailDeliveryReport, emailSubject(input.sender, input.messageId), {
    sender: input.sender,
    recipient: input.recipient,
    messageId: input.messageId,
    internetMessageId: `<${input.messageId}@${domainOf(input.sender)}>`,
    status: input.status,
    deliveryStatusDetails: {
      statusMessage: input.statusMessage,
      recipientMailServerHostName: `mx.${domainOf(input.recipient)}`,
    },
    deliveryAttemptTimestamp: iso(input.deliveryAttemptTimestamp),
  });
}

export interface EmailEngagementInput {
  sender: string;
  recipient: string;
  messageId: string;
  engagement: "view" | "click";
  /** For a click, the link followed. */
  engagementContext?: string;
  userAgent?: string;
  userActionTimestamp: number;
}

export function emailEngagementEvent(context: EventContext, input: EmailEngagementInput): EventGridEventShape {
  return envelope(context, acsEventTypes.emailEngagement, emailSubject(input.sender, input.messageId), {
    sender: input.sender,
    recipient: input.recipient,
    messageId: input.messageId,
    userActionTimestamp: iso(input.userActionTimestamp),
    engagementContext: input.engagementContext ?? "",
    userAgent: input.userAgent ?? "Mozilla/5.0 (ACS sandbox)",
    // The wire name (the SDK model calls it `engagement`).
    engagementType: input.engagement,
  });
}

// ---- Chat ----

/** The message as the chat service recorded it, its send time as the events' composeTime. */
export interface ChatMessageInput extends Omit<ChatMessageRecord, "sentAt"> {
  composeTime: number;
}

function chatMessageData(input: ChatMessageInput, transaction: string): Record<string, unknown> {
  const data: Record<string, unknown> = {
    messageBody: input.content,
    messageId: input.messageId,
    senderCommunicationIdentifier: identifierFromRawId(input.senderId),
    composeTime: iso(input.composeTime),
    type: input.type === "html" ? "Html" : "Text",
    version: input.composeTime,
    metadata: input.metadata ?? {},
    transactionId: transaction,
    threadId: input.threadId,
  };
  if (input.senderDisplayName !== undefined) data.senderDisplayName = input.senderDisplayName;
  return data;
}

/** The thread-level event and one user-level event per recipient (the sender gets none). */
export function chatMessageEvents(context: EventContext, input: ChatMessageInput, recipientIds: string[]): EventGridEventShape[] {
  const transaction = transactionId();
  const threadEvent = envelope(
    context,
    acsEventTypes.chatMessageReceivedInThread,
    `thread/${input.threadId}/sender/${input.senderId}`,
    chatMessageData(input, transaction),
  );
  const userEvents = recipientIds
    .filter((id) => id !== input.senderId)
    .map((recipientId) =>
      envelope(context, acsEventTypes.chatMessageReceived, `thread/${input.threadId}/sender/${input.senderId}/recipient/${recipientId}`, {
        ...chatMessageData(input, transaction),
        recipientCommunicationIdentifier: identifierFromRawId(recipientId),
      }),
    );
  return [threadEvent, ...userEvents];
}

export interface ChatThreadCreatedInput {
  threadId: string;
  topic: string;
  createdBy: string;
  participants: ChatParticipantRecord[];
  createTime: number;
  metadata?: Record<string, string>;
}

export function chatThreadCreatedEvents(context: EventContext, input: ChatThreadCreatedInput): EventGridEventShape[] {
  const transaction = transactionId();
  const common = {
    createdByCommunicationIdentifier: identifierFromRawId(input.createdBy),
    properties: { topic: input.topic },
    metadata: input.metadata ?? {},
    participants: input.participants.map((p) => participantModel(p.id, p.displayName)),
    createTime: iso(input.createTime),
    version: input.createTime,
    threadId: input.threadId,
    transactionId: transaction,
  };
  const threadEvent = envelope(context, acsEventTypes.chatThreadCreated, `thread/${input.threadId}/createdBy/${input.createdBy}`, common);
  const userEvents = input.participants
    .filter((p) => p.id !== input.createdBy)
    .map((p) =>
      envelope(context, acsEventTypes.chatThreadCreatedWithUser, `thread/${input.threadId}/createdBy/${input.createdBy}/recipient/${p.id}`, {
        ...common,
        recipientCommunicationIdentifier: identifierFromRawId(p.id),
      }),
    );
  return [threadEvent, ...userEvents];
}

export interface ChatParticipantChangeInput {
  threadId: string;
  /** Who added or removed the participant. */
  actorId: string;
  participant: ChatParticipantRecord;
  time: number;
  createTime: number;
}

export function chatParticipantAddedEvent(context: EventContext, input: ChatParticipantChangeInput): EventGridEventShape {
  return envelope(context, acsEventTypes.chatThreadParticipantAdded, `thread/${input.threadId}/participantadded/${input.participant.id}`, {
    time: iso(input.time),
    addedByCommunicationIdentifier: identifierFromRawId(input.actorId),
    participantAdded: participantModel(input.participant.id, input.participant.displayName),
    createTime: iso(input.createTime),
    version: input.time,
    threadId: input.threadId,
    transactionId: transactionId(),
  });
}

export function chatParticipantRemovedEvent(context: EventContext, input: ChatParticipantChangeInput): EventGridEventShape {
  return envelope(context, acsEventTypes.chatThreadParticipantRemoved, `thread/${input.threadId}/participantremoved/${input.participant.id}`, {
    time: iso(input.time),
    removedByCommunicationIdentifier: identifierFromRawId(input.actorId),
    participantRemoved: participantModel(input.participant.id, input.participant.displayName),
    createTime: iso(input.createTime),
    version: input.time,
    threadId: input.threadId,
    transactionId: transactionId(),
  });
}

export interface ChatThreadDeletedInput {
  threadId: string;
  deletedBy: string;
  deleteTime: number;
  createTime: number;
}

export function chatThreadDeletedEvent(context: EventContext, input: ChatThreadDeletedInput): EventGridEventShape {
  return envelope(context, acsEventTypes.chatThreadDeleted, `thread/${input.threadId}/deletedBy/${input.deletedBy}`, {
    deletedByCommunicationIdentifier: identifierFromRawId(input.deletedBy),
    deleteTime: iso(input.deleteTime),
    createTime: iso(input.createTime),
    version: input.deleteTime,
    threadId: input.threadId,
    transactionId: transactionId(),
  });
}
