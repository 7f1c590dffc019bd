// Chat API (api-version 2025-03-15), called with an ACS user's Bearer token: threads, messages,
// participants, read receipts and typing, with the service's limits and absolute nextLink paging.

import { randomUUID } from "node:crypto";
import { badRequest, serviceError, type ServiceError, type ServiceResponse } from "../http/errors";
import {
  headerValue,
  serviceDate,
  serviceRoutes,
  takeQuota,
  type RequestInfo,
  type Route,
  type SandboxServices
} from "./services";
import type { ChatThreadState, StoredChatMessage, StoredParticipant, SystemMessageType } from "../state/store";
import type { ChatMessageRecord, ChatParticipantRecord } from "../state/types";
import { isObject, parseJsonObject, stringOrUndefined, stringRecord, type JsonObject } from "../http/json";

export const CHAT_API_VERSION = "2025-03-15";
export const CHAT_MAX_PARTICIPANTS = 250;
export const CHAT_MAX_PARTICIPANTS_PER_CALL = 200;
export const CHAT_MAX_PAGE_SIZE = 200;
export const CHAT_DEFAULT_PAGE_SIZE = 100;
export const CHAT_MAX_MESSAGE_BYTES = 28 * 1024;
/** Read receipts and typing notifications are not supported in larger threads. */
export const CHAT_MAX_PARTICIPANTS_FOR_RECEIPTS = 20;
/**
 * Text bounds. The API documents 1 KB of metadata for a thread and a participant (applied here to a
 * message's metadata too) and no bound for a topic or a display name: those follow what Microsoft
 * documents for a Teams chat topic (250) and an Entra ID display name (256).
 */
export const CHAT_MAX_TOPIC_LENGTH = 250;
export const CHAT_MAX_DISPLAY_NAME_LENGTH = 256;
export const CHAT_MAX_METADATA_BYTES = 1024;

type Handler = (services: SandboxServices, request: RequestInfo) => ServiceResponse;

const THREAD = "/chat/threads/([^/]+)";
const ROUTES: [string, RegExp, Handler][] = [
  ["POST", /^\/chat\/threads$/, createThread],
  ["GET", /^\/chat\/threads$/, listThreads],
  ["GET", new RegExp(`^${THREAD}$`), getThread],
  ["PATCH", new RegExp(`^${THREAD}$`), updateThread],
  ["DELETE", new RegExp(`^${THREAD}$`), deleteThread],
  ["POST", new RegExp(`^${THREAD}/messages$`), sendMessage],
  ["GET", new RegExp(`^${THREAD}/messages$`), listMessages],
  ["GET", new RegExp(`^${THREAD}/messages/([^/]+)$`), getMessage],
  ["PATCH", new RegExp(`^${THREAD}/messages/([^/]+)$`), updateMessage],
  ["DELETE", new RegExp(`^${THREAD}/messages/([^/]+)$`), deleteMessage],
  ["POST", new RegExp(`^${THREAD}/participants/:add$`), addParticipants],
  ["POST", new RegExp(`^${THREAD}/participants/:remove$`), removeParticipant],
  ["GET", new RegExp(`^${THREAD}/participants$`), listParticipants],
  ["POST", new RegExp(`^${THREAD}/readReceipts$`), sendReadReceipt],
  ["GET", new RegExp(`^${THREAD}/readReceipts$`), listReadReceipts],
  ["POST", new RegExp(`^${THREAD}/typing$`), sendTyping]
];

export function chatRoutes(services: SandboxServices): Route[] {
  return serviceRoutes(
    "chat",
    "bearer",
    ROUTES.map(([method, pattern, handler]) => [method, pattern, (request) => handler(services, request)])
  );
}

// ---- threads ----

function createThread(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const caller = callerOf(request);
  const repeatId = headerValue(request.headers, "repeatability-request-id");
  const earlier = repeatId === undefined ? undefined : services.store.threadRepeatability.get(repeatId);
  const earlierThread = earlier === undefined ? undefined : services.store.getThread(earlier);
  if (earlierThread) return createdThread(request, earlierThread, []);

  const body = parseJsonObject(request.body, badRequest);
  const topic = checkedTopic(body.topic);
  if (!topic) throw badRequest("topic is required.", "topic");
  const requested = participantList(body.participants);
  const now = Date.now();
  const thread: ChatThreadState = {
    id: `19:acsV1_${randomUUID().replace(/-/g, "")}@thread.v2`,
    topic,
    createdOn: now,
    createdBy: caller,
    participants: new Map(),
    messages: [],
    readReceipts: [],
    nextSequenceId: 1
  };
  const metadata = checkedMetadata(body.metadata, "metadata");
  if (metadata) thread.metadata = metadata;
  if (body.retentionPolicy !== undefined) thread.retentionPolicy = body.retentionPolicy;

  const { valid, invalid } = partitionParticipants(services, requested);
  // The creator is always a participant, even when not listed.
  if (!valid.some((p) => p.id === caller)) valid.unshift({ id: caller });
  for (const participant of valid) thread.participants.set(participant.id, participant);
  services.store.threads.set(thread.id, thread);
  if (repeatId !== undefined) services.store.threadRepeatability.set(repeatId, thread.id);
  appendSystemMessage(services, thread, "participantAdded", caller, { participants: valid });
  services.hooks.chatThreadCreated(thread.id, topic, caller, valid.map(publicParticipant));
  return createdThread(request, thread, invalid);
}

function createdThread(request: RequestInfo, thread: ChatThreadState, invalid: JsonObject[]): ServiceResponse {
  const body: JsonObject = { chatThread: threadProperties(thread) };
  if (invalid.length > 0) body.invalidParticipants = invalid;
  return {
    status: 201,
    headers: { Location: `${request.origin}/chat/threads/${encodeURIComponent(thread.id)}` },
    body
  };
}

function listThreads(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const caller = callerOf(request);
  const startTime = dateParam(request, "startTime");
  const threads = services.store
    .listThreads()
    .filter((t) => t.participants.has(caller))
    .map((t) => ({ thread: t, last: lastMessageTime(t) }))
    .filter(({ last }) => startTime === undefined || last >= startTime)
    .sort((a, b) => b.last - a.last);
  const page = skipPage(request, threads);
  return {
    status: 200,
    body: withNextLink(
      page.items.map(({ thread, last }) => {
        const item: JsonObject = { id: thread.id, topic: thread.topic, lastMessageReceivedOn: serviceDate(last) };
        if (thread.deletedOn !== undefined) item.deletedOn = serviceDate(thread.deletedOn);
        return item;
      }),
      page.nextLink
    )
  };
}

function getThread(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread } = threadForCaller(services, request);
  return { status: 200, body: threadProperties(thread) };
}

function updateThread(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  const body = parseJsonObject(request.body, badRequest);
  const topic = checkedTopic(body.topic);
  const metadata = checkedMetadata(body.metadata, "metadata");
  if (topic !== undefined && topic !== thread.topic) {
    thread.topic = topic;
    appendSystemMessage(services, thread, "topicUpdated", caller, { topic });
  }
  if (metadata) thread.metadata = { ...thread.metadata, ...metadata };
  if (body.retentionPolicy !== undefined) thread.retentionPolicy = body.retentionPolicy;
  return { status: 204 };
}

function deleteThread(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const caller = callerOf(request);
  const thread = services.store.getThread(request.params[0]);
  // Deleting a thread that is gone already is not an error.
  if (!thread || thread.deletedOn !== undefined) return { status: 204 };
  if (!thread.participants.has(caller)) throw forbidden();
  thread.deletedOn = Date.now();
  services.hooks.chatThreadDeleted(thread.id, caller);
  return { status: 204 };
}

function threadProperties(thread: ChatThreadState): JsonObject {
  const properties: JsonObject = {
    id: thread.id,
    topic: thread.topic,
    createdOn: serviceDate(thread.createdOn),
    createdByCommunicationIdentifier: identifierModel(thread.createdBy)
  };
  if (thread.deletedOn !== undefined) properties.deletedOn = serviceDate(thread.deletedOn);
  if (thread.metadata) properties.metadata = thread.metadata;
  if (thread.retentionPolicy !== undefined) properties.retentionPolicy = thread.retentionPolicy;
  return properties;
}

// ---- messages ----

function sendMessage(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  const body = parseJsonObject(request.body, badRequest);
  const content = stringOrUndefined(body.content);
  if (content === undefined) throw badRequest("content is required.", "content");
  checkMessageSize(content);
  const type = (stringOrUndefined(body.type) ?? "text").toLowerCase();
  if (type !== "text" && type !== "html") throw badRequest(`Message type '${type}' cannot be sent.`, "type");
  const displayName = checkedDisplayName(body.senderDisplayName, "senderDisplayName");
  const metadata = checkedMetadata(body.metadata, "metadata");
  takeQuota(services, "chat", `chat:send:${thread.id}`, services.quotas.chat.sendMessagePerThread);
  const messageId = services.store.nextChatMessageId();
  const record: ChatMessageRecord = { threadId: thread.id, messageId, senderId: caller, type, content, sentAt: Number(messageId) };
  if (displayName !== undefined) record.senderDisplayName = displayName;
  if (metadata) record.metadata = metadata;
  thread.messages.push({ ...record, sequenceId: thread.nextSequenceId++, version: messageId });
  const recipients = [...thread.participants.values()].filter((p) => p.id !== caller).map(publicParticipant);
  services.hooks.chatMessageSent(record, recipients);
  return {
    status: 201,
    headers: { Location: `${request.origin}/chat/threads/${encodeURIComponent(thread.id)}/messages/${messageId}` },
    body: { id: messageId }
  };
}

function listMessages(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread } = threadForCaller(services, request);
  const pageSize = pageSizeParam(request);
  const startTime = dateParam(request, "startTime");
  // The cursor is the sequence id the next page starts below, so messages sent while a client
  // pages never shift what it sees.
  const before = cursorParam(request);
  const newestFirst = thread.messages
    .filter((m) => startTime === undefined || m.sentAt >= startTime)
    .filter((m) => before === undefined || m.sequenceId < before)
    .sort((a, b) => b.sequenceId - a.sequenceId);
  const items = newestFirst.slice(0, pageSize);
  let nextLink: string | undefined;
  if (newestFirst.length > pageSize) {
    const next = new URL(`${request.origin}${request.url.pathname}`);
    next.searchParams.set("syncState", Buffer.from(String(items[items.length - 1].sequenceId)).toString("base64url"));
    if (startTime !== undefined) next.searchParams.set("startTime", new Date(startTime).toISOString());
    next.searchParams.set("maxPageSize", String(pageSize));
    next.searchParams.set("api-version", request.url.searchParams.get("api-version") ?? CHAT_API_VERSION);
    nextLink = next.toString();
  }
  return { status: 200, body: withNextLink(items.map(messageModel), nextLink) };
}

function getMessage(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread } = threadForCaller(services, request);
  return { status: 200, body: messageModel(findMessage(thread, request.params[1])) };
}

function updateMessage(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  const message = findMessage(thread, request.params[1]);
  if (message.senderId !== caller || message.deletedOn !== undefined) throw forbidden();
  const body = parseJsonObject(request.body, badRequest);
  const content = stringOrUndefined(body.content);
  if (content !== undefined) {
    checkMessageSize(content);
    message.content = content;
  }
  const metadata = checkedMetadata(body.metadata, "metadata");
  if (metadata) message.metadata = { ...message.metadata, ...metadata };
  message.editedOn = Date.now();
  message.version = services.store.nextChatMessageId();
  return { status: 204 };
}

function deleteMessage(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  const message = findMessage(thread, request.params[1]);
  if (message.senderId !== caller) throw forbidden();
  if (message.deletedOn === undefined) {
    message.deletedOn = Date.now();
    message.version = services.store.nextChatMessageId();
  }
  return { status: 204 };
}

function checkedTopic(value: unknown): string | undefined {
  const topic = stringOrUndefined(value);
  if (topic !== undefined && topic.length > CHAT_MAX_TOPIC_LENGTH) {
    throw badRequest(`The topic exceeds the maximum length of ${CHAT_MAX_TOPIC_LENGTH} characters.`, "topic");
  }
  return topic;
}

function checkedDisplayName(value: unknown, target: string): string | undefined {
  const name = stringOrUndefined(value);
  if (name !== undefined && name.length > CHAT_MAX_DISPLAY_NAME_LENGTH) {
    throw badRequest(`The display name exceeds the maximum length of ${CHAT_MAX_DISPLAY_NAME_LENGTH} characters.`, target);
  }
  return name;
}

/** Metadata of text values, its keys and values together at most CHAT_MAX_METADATA_BYTES in UTF-8. */
function checkedMetadata(value: unknown, target: string): Record<string, string> | undefined {
  const metadata = stringRecord(value);
  if (!metadata) return undefined;
  let bytes = 0;
  for (const [key, text] of Object.entries(metadata)) bytes += Buffer.byteLength(key, "utf8") + Buffer.byteLength(text, "utf8");
  if (bytes > CHAT_MAX_METADATA_BYTES) {
    throw badRequest(`The metadata exceeds the maximum size of ${CHAT_MAX_METADATA_BYTES / 1024} KB.`, target);
  }
  return metadata;
}

function checkMessageSize(content: string): void {
  if (Buffer.byteLength(content, "utf8") > CHAT_MAX_MESSAGE_BYTES) {
    throw badRequest(`The message exceeds the maximum size of ${CHAT_MAX_MESSAGE_BYTES / 1024} KB.`, "content");
  }
}

function findMessage(thread: ChatThreadState, messageId: string): StoredChatMessage {
  const message = thread.messages.find((m) => m.messageId === messageId);
  if (!message) throw serviceError(404, "NotFound", `Message '${messageId}' was not found.`);
  return message;
}

function messageModel(message: StoredChatMessage): JsonObject {
  const model: JsonObject = {
    id: message.messageId,
    type: message.type,
    sequenceId: String(message.sequenceId),
    version: message.version,
    createdOn: serviceDate(message.sentAt)
  };
  if (message.type === "text" || message.type === "html") {
    model.content = { message: message.content };
    model.senderCommunicationIdentifier = identifierModel(message.senderId);
    if (message.senderDisplayName !== undefined) model.senderDisplayName = message.senderDisplayName;
  } else {
    const content: JsonObject = { initiatorCommunicationIdentifier: identifierModel(message.initiatorId ?? message.senderId) };
    if (message.topic !== undefined) content.topic = message.topic;
    if (message.participants) content.participants = message.participants.map(participantModel);
    model.content = content;
  }
  if (message.metadata) model.metadata = message.metadata;
  if (message.editedOn !== undefined) model.editedOn = serviceDate(message.editedOn);
  if (message.deletedOn !== undefined) model.deletedOn = serviceDate(message.deletedOn);
  return model;
}

function appendSystemMessage(
  services: SandboxServices,
  thread: ChatThreadState,
  type: SystemMessageType,
  initiator: string,
  details: { topic?: string; participants?: StoredParticipant[] }
): void {
  const messageId = services.store.nextChatMessageId();
  thread.messages.push({
    threadId: thread.id,
    messageId,
    senderId: initiator,
    initiatorId: initiator,
    type,
    content: "",
    sentAt: Number(messageId),
    sequenceId: thread.nextSequenceId++,
    version: messageId,
    ...details
  });
}

// ---- participants ----

function addParticipants(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  const body = parseJsonObject(request.body, badRequest);
  const requested = participantList(body.participants);
  if (requested.length === 0) throw badRequest("participants is required.", "participants");
  const { valid, invalid } = partitionParticipants(services, requested);
  const newcomers = valid.filter((p) => !thread.participants.has(p.id));
  if (thread.participants.size + newcomers.length > CHAT_MAX_PARTICIPANTS) {
    throw badRequest(`A thread can have at most ${CHAT_MAX_PARTICIPANTS} participants.`, "participants");
  }
  for (const participant of valid) thread.participants.set(participant.id, participant);
  if (newcomers.length > 0) {
    appendSystemMessage(services, thread, "participantAdded", caller, { participants: newcomers });
    services.hooks.chatParticipantsAdded(thread.id, caller, newcomers.map(publicParticipant));
  }
  return { status: 201, body: invalid.length > 0 ? { invalidParticipants: invalid } : {} };
}

function removeParticipant(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  const body = parseJsonObject(request.body, badRequest);
  const id = identifierId(body);
  if (id === undefined) throw badRequest("A communication identifier is required.");
  const removed = thread.participants.get(id);
  if (removed) {
    thread.participants.delete(id);
    appendSystemMessage(services, thread, "participantRemoved", caller, { participants: [removed] });
    services.hooks.chatParticipantRemoved(thread.id, caller, publicParticipant(removed));
  }
  return { status: 204 };
}

function listParticipants(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread } = threadForCaller(services, request);
  const page = skipPage(request, [...thread.participants.values()]);
  return { status: 200, body: withNextLink(page.items.map(participantModel), page.nextLink) };
}

/** A participant as a request lists it: the id is missing when the identifier is not an ACS user's. */
type RequestedParticipant = Omit<StoredParticipant, "id"> & { id?: string };

/** The participants of a create or add request, at most CHAT_MAX_PARTICIPANTS_PER_CALL of them. */
function participantList(value: unknown): RequestedParticipant[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest("participants must be an array.", "participants");
  if (value.length > CHAT_MAX_PARTICIPANTS_PER_CALL) {
    throw badRequest(`At most ${CHAT_MAX_PARTICIPANTS_PER_CALL} participants can be added in one call.`, "participants");
  }
  return value.map((item: unknown) => {
    const entry: JsonObject = isObject(item) ? item : {};
    const participant: RequestedParticipant = {};
    const id = identifierId(entry.communicationIdentifier);
    if (id !== undefined) participant.id = id;
    const displayName = checkedDisplayName(entry.displayName, "participants.displayName");
    if (displayName !== undefined) participant.displayName = displayName;
    const shareHistoryTime = stringOrUndefined(entry.shareHistoryTime);
    if (shareHistoryTime !== undefined) participant.shareHistoryTime = shareHistoryTime;
    const metadata = checkedMetadata(entry.metadata, "participants.metadata");
    if (metadata) participant.metadata = metadata;
    return participant;
  });
}

/** Known, live ACS users of this resource are valid; the rest come back as invalidParticipants. */
function partitionParticipants(
  services: SandboxServices,
  requested: RequestedParticipant[]
): { valid: StoredParticipant[]; invalid: JsonObject[] } {
  const valid: StoredParticipant[] = [];
  const invalid: JsonObject[] = [];
  for (const participant of requested) {
    const id = participant.id;
    const user = id === undefined ? undefined : services.store.users.get(id);
    if (id === undefined || !user || user.deleted) {
      invalid.push({ target: id ?? "", code: "404", message: "Not found" });
    } else if (!valid.some((p) => p.id === id)) {
      valid.push({ ...participant, id });
    }
  }
  return { valid, invalid };
}

function participantModel(participant: StoredParticipant): JsonObject {
  const model: JsonObject = { communicationIdentifier: identifierModel(participant.id) };
  if (participant.displayName !== undefined) model.displayName = participant.displayName;
  if (participant.shareHistoryTime !== undefined) model.shareHistoryTime = participant.shareHistoryTime;
  if (participant.metadata) model.metadata = participant.metadata;
  return model;
}

function publicParticipant(participant: StoredParticipant): ChatParticipantRecord {
  return participant.displayName === undefined ? { id: participant.id } : { id: participant.id, displayName: participant.displayName };
}

// ---- read receipts and typing ----

function sendReadReceipt(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  refuseLargeThread(thread, "Read receipts are");
  const body = parseJsonObject(request.body, badRequest);
  const chatMessageId = stringOrUndefined(body.chatMessageId);
  if (!chatMessageId) throw badRequest("chatMessageId is required.", "chatMessageId");
  findMessage(thread, chatMessageId);
  services.store.addReadReceipt(thread.id, caller, chatMessageId);
  return { status: 200 };
}

function listReadReceipts(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  refuseLargeThread(thread, "Read receipts are");
  takeQuota(services, "chat", `chat:receipts:${thread.id}:${caller}`, services.quotas.chat.listReadReceiptsPerUser);
  const page = skipPage(request, thread.readReceipts);
  return {
    status: 200,
    body: withNextLink(
      page.items.map((r) => ({
        senderCommunicationIdentifier: identifierModel(r.senderId),
        chatMessageId: r.chatMessageId,
        readOn: serviceDate(r.readOn)
      })),
      page.nextLink
    )
  };
}

function sendTyping(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const { thread, caller } = threadForCaller(services, request);
  refuseLargeThread(thread, "Typing notifications are");
  checkedDisplayName(parseJsonObject(request.body, badRequest).senderDisplayName, "senderDisplayName");
  services.hooks.chatTyping?.(thread.id, caller);
  return { status: 200 };
}

function refuseLargeThread(thread: ChatThreadState, what: string): void {
  if (thread.participants.size > CHAT_MAX_PARTICIPANTS_FOR_RECEIPTS) {
    throw serviceError(
      403,
      "Forbidden",
      `${what} not supported in threads with more than ${CHAT_MAX_PARTICIPANTS_FOR_RECEIPTS} participants.`
    );
  }
}

// ---- shared pieces ----

function callerOf(request: RequestInfo): string {
  if (request.caller === undefined) throw serviceError(401, "Unauthorized", "Request is not authorized.");
  return request.caller;
}

/** The live thread of the path, if the caller takes part in it (403 otherwise, 404 when gone). */
function threadForCaller(services: SandboxServices, request: RequestInfo): { thread: ChatThreadState; caller: string } {
  const caller = callerOf(request);
  const thread = services.store.getThread(request.params[0]);
  if (!thread || thread.deletedOn !== undefined) {
    throw serviceError(404, "NotFound", "The chat thread was not found.");
  }
  if (!thread.participants.has(caller)) throw forbidden();
  return { thread, caller };
}

function forbidden(): ServiceError {
  return serviceError(403, "Forbidden", "User is not allowed to perform specified action.");
}

function identifierModel(id: string): JsonObject {
  return { rawId: id, communicationUser: { id } };
}

function identifierId(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const user = isObject(value.communicationUser) ? stringOrUndefined(value.communicationUser.id) : undefined;
  return user ?? stringOrUndefined(value.rawId);
}

function lastMessageTime(thread: ChatThreadState): number {
  return thread.messages.length > 0 ? thread.messages[thread.messages.length - 1].sentAt : thread.createdOn;
}

function pageSizeParam(request: RequestInfo): number {
  const raw = request.url.searchParams.get("maxPageSize");
  if (raw === null) return CHAT_DEFAULT_PAGE_SIZE;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > CHAT_MAX_PAGE_SIZE) {
    throw badRequest(`maxPageSize must be an integer between 1 and ${CHAT_MAX_PAGE_SIZE}.`, "maxPageSize");
  }
  return size;
}

function dateParam(request: RequestInfo, name: string): number | undefined {
  const raw = request.url.searchParams.get(name);
  if (raw === null) return undefined;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw badRequest(`${name} is not a valid date.`, name);
  return ms;
}

function cursorParam(request: RequestInfo): number | undefined {
  const raw = request.url.searchParams.get("syncState");
  if (raw === null) return undefined;
  const value = Number(Buffer.from(raw, "base64url").toString("utf8"));
  if (!Number.isInteger(value)) throw badRequest("syncState is not valid.", "syncState");
  return value;
}

/** Offset paging (participants, read receipts, threads) with an absolute nextLink. */
function skipPage<T>(request: RequestInfo, all: T[]): { items: T[]; nextLink?: string } {
  const pageSize = pageSizeParam(request);
  const skip = Number(request.url.searchParams.get("skip") ?? "0");
  if (!Number.isInteger(skip) || skip < 0) throw badRequest("skip must be a non-negative integer.", "skip");
  const items = all.slice(skip, skip + pageSize);
  if (skip + pageSize >= all.length) return { items };
  const next = new URL(`${request.origin}${request.url.pathname}${request.url.search}`);
  next.searchParams.set("skip", String(skip + pageSize));
  next.searchParams.set("maxPageSize", String(pageSize));
  if (!next.searchParams.has("api-version")) next.searchParams.set("api-version", CHAT_API_VERSION);
  return { items, nextLink: next.toString() };
}

function withNextLink(value: JsonObject[], nextLink: string | undefined): JsonObject {
  return nextLink === undefined ? { value } : { value, nextLink };
}
