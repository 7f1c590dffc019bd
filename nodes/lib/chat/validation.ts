// Checks on what a flow asks the chat node to do, before anything reaches the service: the
// operation, thread id, message body and type, participant counts, metadata, history window and
// token options. Each failure names the field, the value and what is expected.
import type { TokenScope } from "@azure/communication-identity";
import { fieldError } from "../core/errors";
import type { ParticipantInput } from "./participants";
import { isRecord } from "../core/values";

export const CHAT_OPERATIONS = [
  "sendMessage",
  "createThread",
  "updateTopic",
  "deleteThread",
  "getThread",
  "addParticipants",
  "removeParticipant",
  "listParticipants",
  "listMessages",
  "sendReadReceipt",
  "listReadReceipts",
  "hasRead",
  "sendTyping",
  "createUser",
  "issueToken",
] as const;

export type ChatOperation = (typeof CHAT_OPERATIONS)[number];

/**
 * The service's limits (ACS chat quotas and the chat API). The API documents 1 KB of metadata for a
 * thread and a participant and states no limit for a topic, a display name or a message's metadata:
 * those are bounded to what Microsoft documents for the same things elsewhere (a Teams chat topic,
 * an Entra ID display name) and to the metadata limit the chat API does document.
 */
export const CHAT_LIMITS = {
  maxMessageBytes: 28 * 1024,
  maxTopicLength: 250,
  maxDisplayNameLength: 256,
  /** Keys and values together, in UTF-8 bytes, for a thread's and a message's metadata. */
  maxMetadataBytes: 1024,
  maxParticipants: 250,
  maxParticipantsPerCall: 200,
  /** Read receipts and typing notifications are not supported in larger threads. */
  maxParticipantsForReceipts: 20,
  maxPageSize: 200,
} as const;

const TOKEN_SCOPES: readonly TokenScope[] = ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"];

export function parseOperation(value: unknown, field = "operation"): ChatOperation {
  const name = typeof value === "string" ? value.trim() : value;
  const match = CHAT_OPERATIONS.find((operation) => operation.toLowerCase() === String(name).toLowerCase());
  if (typeof name !== "string" || !match) {
    throw fieldError("acs-chat.errors.unknownOperation", field, value, { operations: CHAT_OPERATIONS.join(", ") });
  }
  return match;
}

export function requireThreadId(value: unknown, field = "threadId"): string {
  const id = typeof value === "string" ? value.trim() : "";
  if (id === "") throw fieldError("acs-chat.errors.noThreadId", field, value);
  if (/\s/.test(id)) throw fieldError("acs-chat.errors.badThreadId", field, id);
  return id;
}

export function requireMessageId(value: unknown, field = "messageId"): string {
  const id = typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
  if (id === "") throw fieldError("acs-chat.errors.noMessageId", field, value);
  return id;
}

/** The message text: strings as they are, buffers as UTF-8, numbers and objects as text. */
export function messageContent(value: unknown, field = "payload"): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (Buffer.isBuffer(value)) text = value.toString("utf8");
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  else if (typeof value === "object" && value !== null) text = JSON.stringify(value);
  else text = "";
  if (text.trim() === "") throw fieldError("acs-chat.errors.emptyMessage", field, value);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > CHAT_LIMITS.maxMessageBytes) {
    throw fieldError("acs-chat.errors.messageTooLarge", field, text, { bytes, limit: CHAT_LIMITS.maxMessageBytes });
  }
  return text;
}

export type ChatMessageFormat = "text" | "html";

export function messageFormat(value: unknown, field = "messageType"): ChatMessageFormat {
  if (value === undefined || value === null || value === "") return "text";
  const format = String(value).trim().toLowerCase();
  if (format !== "text" && format !== "html") throw fieldError("acs-chat.errors.badMessageType", field, value);
  return format;
}

/** Participants of one create or add call: at least one when `required`, within the service's limits. */
export function checkParticipantCount(participants: ParticipantInput[], field: string, required: boolean): ParticipantInput[] {
  if (required && participants.length === 0) throw fieldError("acs-chat.errors.noParticipants", field, "");
  if (participants.length > CHAT_LIMITS.maxParticipants) {
    throw fieldError("acs-chat.errors.tooManyParticipants", field, `${participants.length} participants`, {
      count: participants.length,
      limit: CHAT_LIMITS.maxParticipants,
    });
  }
  if (participants.length > CHAT_LIMITS.maxParticipantsPerCall) {
    throw fieldError("acs-chat.errors.tooManyPerCall", field, `${participants.length} participants`, {
      count: participants.length,
      limit: CHAT_LIMITS.maxParticipantsPerCall,
    });
  }
  return participants;
}

export function requireTopic(value: unknown, field = "topic"): string {
  const topic = typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
  if (topic === "") throw fieldError("acs-chat.errors.noTopic", field, value);
  if (topic.length > CHAT_LIMITS.maxTopicLength) {
    throw fieldError("acs-chat.errors.topicTooLong", field, topic, { length: topic.length, limit: CHAT_LIMITS.maxTopicLength });
  }
  return topic;
}

/** A display name shown to other participants: undefined when empty, text of at most 256 characters. */
export function optionalDisplayName(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw fieldError("acs-chat.errors.badDisplayName", field, value);
  if (value.trim() === "") return undefined;
  if (value.length > CHAT_LIMITS.maxDisplayNameLength) {
    throw fieldError("acs-chat.errors.displayNameTooLong", field, value, { length: value.length, limit: CHAT_LIMITS.maxDisplayNameLength });
  }
  return value;
}

/** Metadata is a flat map of strings, at most 1 KB of keys and values; numbers and booleans are written as text. */
export function parseMetadata(value: unknown, field = "metadata"): Record<string, string> | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  let source: unknown = value;
  if (typeof source === "string") {
    try {
      source = JSON.parse(source) as unknown;
    } catch {
      throw fieldError("acs-chat.errors.badMetadata", field, value);
    }
  }
  if (!isRecord(source)) throw fieldError("acs-chat.errors.badMetadata", field, value);
  const metadata: [string, string][] = [];
  let bytes = 0;
  for (const [key, entry] of Object.entries(source)) {
    let text: string;
    if (typeof entry === "string") text = entry;
    else if (typeof entry === "number" || typeof entry === "boolean") text = String(entry);
    else throw fieldError("acs-chat.errors.badMetadata", field, value);
    if (key === "") throw fieldError("acs-chat.errors.emptyMetadataKey", field, value);
    bytes += Buffer.byteLength(key, "utf8") + Buffer.byteLength(text, "utf8");
    metadata.push([key, text]);
  }
  if (bytes > CHAT_LIMITS.maxMetadataBytes) {
    throw fieldError("acs-chat.errors.metadataTooLarge", field, value, { bytes, count: metadata.length, limit: CHAT_LIMITS.maxMetadataBytes });
  }
  // fromEntries defines own properties: a key named `__proto__` stays a key (assigning it would set the prototype).
  return metadata.length > 0 ? Object.fromEntries(metadata) : undefined;
}

/** A point in time from a Date, epoch milliseconds or an ISO 8601 text; undefined when empty. */
export function parseTime(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const time = value instanceof Date ? value : typeof value === "number" || typeof value === "string" ? new Date(value) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw fieldError("acs-chat.errors.badDate", field, value);
  return time;
}

/** How many messages at most; 0 or empty means all of them. */
export function parseMaxCount(value: unknown, field: string): number {
  if (value === undefined || value === null || value === "") return 0;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw fieldError("acs-chat.errors.badCount", field, value);
  return count;
}

/** Token scopes from a list or a comma separated text; "chat" when empty. */
export function parseScopes(value: unknown, field = "scopes"): TokenScope[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[,\s]+/) : value === undefined || value === null ? [] : [value];
  const scopes: TokenScope[] = [];
  for (const item of items) {
    const scope = String(item).trim();
    if (scope === "") continue;
    const known = TOKEN_SCOPES.find((candidate) => candidate === scope);
    if (!known) throw fieldError("acs-chat.errors.badScope", field, scope, { scopes: TOKEN_SCOPES.join(", ") });
    if (!scopes.includes(known)) scopes.push(known);
  }
  return scopes.length > 0 ? scopes : ["chat"];
}

/** Token lifetime in minutes: 60 to 1440, or undefined for the service's default (24 h). */
export function parseTokenMinutes(value: unknown, field = "tokenMinutes"): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 60 || minutes > 1440) throw fieldError("acs-chat.errors.badTokenMinutes", field, value);
  return minutes;
}
