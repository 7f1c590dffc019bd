// What the chat operations hand back to a flow: plain JSON objects (ISO dates, raw user ids) made
// from the Chat SDK's models, so they survive msg cloning, debug output and context stores.
import type { ChatError, ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadProperties } from "@azure/communication-chat";
import { rawIdOf } from "./participants";
import { withoutUndefined } from "../core/values";

export interface ThreadResult {
  id: string;
  topic: string;
  createdOn: string;
  createdBy?: string;
  deletedOn?: string;
  metadata?: Record<string, string>;
}

export interface ParticipantResult {
  userId: string;
  displayName?: string;
  shareHistoryTime?: string;
  metadata?: Record<string, string>;
}

export interface MessageResult {
  id: string;
  /** text, html, or a system message: topicUpdated, participantAdded, participantRemoved. */
  type: string;
  sequenceId: string;
  version: string;
  createdOn: string;
  /** The text or html of a user message. */
  content?: string;
  senderId?: string;
  senderDisplayName?: string;
  editedOn?: string;
  deletedOn?: string;
  metadata?: Record<string, string>;
  /** System messages: the new topic, the participants added or removed, and who did it. */
  topic?: string;
  participants?: ParticipantResult[];
  initiatorId?: string;
}

export interface ReadReceiptResult {
  userId: string;
  messageId: string;
  readOn: string;
}

/** A participant the service refused (unknown or deleted user). */
export interface RefusedParticipant {
  userId: string;
  code: string;
  message: string;
}

export function threadResult(thread: ChatThreadProperties): ThreadResult {
  return withoutUndefined({
    id: thread.id,
    topic: thread.topic,
    createdOn: iso(thread.createdOn) ?? "",
    createdBy: rawIdOf(thread.createdBy),
    deletedOn: iso(thread.deletedOn),
    metadata: thread.metadata,
  });
}

export function participantResult(participant: ChatParticipant): ParticipantResult {
  return withoutUndefined({
    userId: rawIdOf(participant.id) ?? "",
    displayName: participant.displayName || undefined,
    shareHistoryTime: iso(participant.shareHistoryTime),
    metadata: participant.metadata,
  });
}

export function messageResult(message: ChatMessage): MessageResult {
  const content = message.content;
  const isUserMessage = message.type === "text" || message.type === "html";
  return withoutUndefined({
    id: message.id,
    type: message.type,
    sequenceId: message.sequenceId,
    version: message.version,
    createdOn: iso(message.createdOn) ?? "",
    content: isUserMessage ? content?.message : undefined,
    senderId: rawIdOf(message.sender),
    senderDisplayName: message.senderDisplayName || undefined,
    editedOn: iso(message.editedOn),
    deletedOn: iso(message.deletedOn),
    metadata: message.metadata,
    topic: content?.topic,
    participants: content?.participants?.map(participantResult),
    initiatorId: rawIdOf(content?.initiator),
  });
}

export function readReceiptResult(receipt: ChatMessageReadReceipt): ReadReceiptResult {
  return { userId: rawIdOf(receipt.sender) ?? "", messageId: receipt.chatMessageId, readOn: iso(receipt.readOn) ?? "" };
}

export function refusedParticipant(error: ChatError): RefusedParticipant {
  return { userId: error.target ?? "", code: error.code, message: error.message };
}

function iso(date: Date | undefined): string | undefined {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}
