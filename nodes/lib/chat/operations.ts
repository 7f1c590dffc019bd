// One function per chat operation, each over the Chat SDK acting as the resource's chat service
// identity (or, for users and tokens, the identity client). They take validated input, return
// plain results (results.ts) and turn the service's thread refusals into clear errors.
import type { ChatClient, ChatThreadClient } from "@azure/communication-chat";
import type { CommunicationIdentityClient, TokenScope } from "@azure/communication-identity";
import { toChatParticipant, type ParticipantInput } from "./participants";
import { isSentAfter, readThrough, receiptsOf, UNREAD, type ReadStatus } from "./read-status";
import {
  messageResult,
  participantResult,
  readReceiptResult,
  refusedParticipant,
  threadResult,
  type MessageResult,
  type ParticipantResult,
  type ReadReceiptResult,
  type RefusedParticipant,
  type ThreadResult,
} from "./results";
import { CHAT_LIMITS, type ChatMessageFormat } from "./validation";
import { AcsError } from "../core/errors";

/** The chat service identity the node acts as. */
export interface ChatSession {
  userId: string;
  client: ChatClient;
}

export interface SendMessageInput {
  content: string;
  type: ChatMessageFormat;
  senderDisplayName?: string;
  metadata?: Record<string, string>;
}

export interface HistoryInput {
  /** Only messages created at or after this time. */
  since?: Date;
  /** At most this many (the newest); 0 for all. */
  maxCount: number;
  /** Leave out the service's system messages (topic and participant changes). */
  userMessagesOnly: boolean;
}

export interface TokenOptions {
  scopes: TokenScope[];
  expiresInMinutes?: number;
}

export interface TokenResult {
  userId: string;
  token: string;
  expiresOn: string;
}

export interface CreateThreadResult {
  thread: ThreadResult;
  refused: RefusedParticipant[];
}

export async function sendMessage(session: ChatSession, threadId: string, input: SendMessageInput, abortSignal?: AbortSignal): Promise<string> {
  return inThread(session, threadId, "sendMessage", async (thread) => {
    const result = await thread.sendMessage(
      { content: input.content },
      { type: input.type, senderDisplayName: input.senderDisplayName, metadata: input.metadata, abortSignal },
    );
    return result.id;
  });
}

export async function createThread(
  session: ChatSession,
  input: { topic: string; participants: ParticipantInput[]; metadata?: Record<string, string> },
): Promise<CreateThreadResult> {
  // The node's own user always takes part, so that it can post to and manage the thread it made.
  const participants = input.participants.some((p) => p.userId === session.userId)
    ? input.participants
    : [{ userId: session.userId }, ...input.participants];
  const result = await session.client.createChatThread(
    { topic: input.topic },
    { participants: participants.map(toChatParticipant), metadata: input.metadata },
  );
  if (!result.chatThread) throw new AcsError("acs-chat.errors.threadNotCreated", { reason: firstRefusal(result.invalidParticipants) });
  return { thread: threadResult(result.chatThread), refused: (result.invalidParticipants ?? []).map(refusedParticipant) };
}

export function updateTopic(session: ChatSession, threadId: string, topic: string): Promise<void> {
  return inThread(session, threadId, "updateTopic", (thread) => thread.updateTopic(topic));
}

export function deleteThread(session: ChatSession, threadId: string): Promise<void> {
  return inThread(session, threadId, "deleteThread", () => session.client.deleteChatThread(threadId));
}

export function getThread(session: ChatSession, threadId: string): Promise<ThreadResult> {
  return inThread(session, threadId, "getThread", async (thread) => threadResult(await thread.getProperties()));
}

export function addParticipants(session: ChatSession, threadId: string, participants: ParticipantInput[]): Promise<RefusedParticipant[]> {
  return inThread(session, threadId, "addParticipants", async (thread) => {
    const result = await thread.addParticipants({ participants: participants.map(toChatParticipant) });
    return (result.invalidParticipants ?? []).map(refusedParticipant);
  });
}

export function removeParticipant(session: ChatSession, threadId: string, userId: string): Promise<void> {
  return inThread(session, threadId, "removeParticipant", (thread) => thread.removeParticipant({ communicationUserId: userId }));
}

export function listParticipants(session: ChatSession, threadId: string): Promise<ParticipantResult[]> {
  return inThread(session, threadId, "listParticipants", async (thread) => {
    const participants: ParticipantResult[] = [];
    for await (const participant of thread.listParticipants({ maxPageSize: CHAT_LIMITS.maxPageSize })) {
      participants.push(participantResult(participant));
    }
    return participants;
  });
}

/** The thread's messages, newest first as the service lists them, following every page. */
export function listMessages(session: ChatSession, threadId: string, input: HistoryInput): Promise<MessageResult[]> {
  return inThread(session, threadId, "listMessages", async (thread) => {
    const messages: MessageResult[] = [];
    for await (const message of thread.listMessages({ maxPageSize: CHAT_LIMITS.maxPageSize, startTime: input.since })) {
      if (input.userMessagesOnly && message.type !== "text" && message.type !== "html") continue;
      messages.push(messageResult(message));
      if (input.maxCount > 0 && messages.length >= input.maxCount) break;
    }
    return messages;
  });
}

export function sendReadReceipt(session: ChatSession, threadId: string, messageId: string): Promise<void> {
  return inThread(session, threadId, "sendReadReceipt", async (thread) => {
    await requireReceiptSupport(thread, "readReceipts");
    await withMessage(threadId, messageId, () => thread.sendReadReceipt({ chatMessageId: messageId }));
  });
}

export function listReadReceipts(session: ChatSession, threadId: string): Promise<ReadReceiptResult[]> {
  return inThread(session, threadId, "listReadReceipts", async (thread) => {
    await requireReceiptSupport(thread, "readReceipts");
    return allReadReceipts(thread);
  });
}

/** Has `userId` read `messageId` or any message sent after it? */
export function hasRead(session: ChatSession, threadId: string, messageId: string, userId: string): Promise<ReadStatus> {
  return inThread(session, threadId, "hasRead", async (thread) => {
    await requireReceiptSupport(thread, "readReceipts");
    const target = await withMessage(threadId, messageId, () => thread.getMessage(messageId));
    const receipts = receiptsOf(userId, await allReadReceipts(thread));
    if (receipts.length === 0) return UNREAD;
    const direct = receipts.find((receipt) => receipt.messageId === messageId);
    if (direct) return readThrough(direct);
    // Receipts for other messages count when those messages came after the target: find them
    // among the messages sent since the target.
    const byMessage = new Map(receipts.map((receipt) => [receipt.messageId, receipt]));
    for await (const message of thread.listMessages({ maxPageSize: CHAT_LIMITS.maxPageSize, startTime: target.createdOn })) {
      const receipt = byMessage.get(message.id);
      if (receipt && isSentAfter(message, target)) return readThrough(receipt);
    }
    return UNREAD;
  });
}

export function sendTyping(session: ChatSession, threadId: string, senderDisplayName?: string): Promise<void> {
  // A fresh thread client: a reused one would skip a notification within 8 s of its last, silently.
  return inThread(session, threadId, "sendTyping", async (thread) => {
    await requireReceiptSupport(thread, "typing");
    await thread.sendTypingNotification({ senderDisplayName });
  }, session.client.getChatThreadClient(threadId));
}

/** A new ACS user with a token, for a web or mobile client to join threads as. */
export async function createUser(identity: CommunicationIdentityClient, options: TokenOptions): Promise<TokenResult> {
  const created = await identity.createUserAndToken(options.scopes, { tokenExpiresInMinutes: options.expiresInMinutes });
  return { userId: created.user.communicationUserId, token: created.token, expiresOn: created.expiresOn.toISOString() };
}

export async function issueToken(identity: CommunicationIdentityClient, userId: string, options: TokenOptions): Promise<TokenResult> {
  const issued = await identity.getToken({ communicationUserId: userId }, options.scopes, { tokenExpiresInMinutes: options.expiresInMinutes });
  return { userId, token: issued.token, expiresOn: issued.expiresOn.toISOString() };
}

// ---- shared pieces ----

/**
 * Runs an operation on one thread and explains the service's refusals: 404 is a missing (or
 * deleted) thread, 403 means the node's user is not a participant.
 */
/** Thread clients kept per chat client: each builds its own request pipeline, which costs more CPU than a post. */
const THREAD_CLIENTS_KEPT = 1_000;
const threadClients = new WeakMap<ChatClient, Map<string, ChatThreadClient>>();

/** The session's client for a thread, reused across messages (the least recently used beyond the limit is dropped). */
function threadClientOf(session: ChatSession, threadId: string): ChatThreadClient {
  let kept = threadClients.get(session.client);
  if (!kept) threadClients.set(session.client, (kept = new Map()));
  const thread = kept.get(threadId) ?? session.client.getChatThreadClient(threadId);
  kept.delete(threadId);
  kept.set(threadId, thread);
  if (kept.size > THREAD_CLIENTS_KEPT) kept.delete(kept.keys().next().value as string);
  return thread;
}

async function inThread<T>(
  session: ChatSession,
  threadId: string,
  operation: string,
  run: (thread: ChatThreadClient) => Promise<T>,
  thread: ChatThreadClient = threadClientOf(session, threadId),
): Promise<T> {
  try {
    return await run(thread);
  } catch (err) {
    if (err instanceof AcsError) throw err;
    const status = statusOf(err);
    if (status === 404) throw new AcsError("acs-chat.errors.threadNotFound", { field: "threadId", value: threadId }, { statusCode: 404, code: codeOf(err) });
    if (status === 403) {
      throw new AcsError(
        "acs-chat.errors.notParticipant",
        { field: "threadId", value: threadId, operation, userId: session.userId },
        { statusCode: 403, code: codeOf(err) },
      );
    }
    throw err;
  }
}

/** Read receipts and typing notifications only exist in threads of at most 20 participants. */
async function requireReceiptSupport(thread: ChatThreadClient, feature: "readReceipts" | "typing"): Promise<void> {
  const limit = CHAT_LIMITS.maxParticipantsForReceipts;
  let count = 0;
  // One page of limit + 1 tells whether the thread is too large.
  for await (const page of thread.listParticipants({ maxPageSize: limit + 1 }).byPage()) {
    count += page.length;
    break;
  }
  if (count > limit) {
    throw new AcsError(`acs-chat.errors.${feature}Unsupported`, { field: "threadId", value: thread.threadId, limit });
  }
}

/** Runs a call about one message, naming the message when the service does not know it. */
async function withMessage<T>(threadId: string, messageId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (statusOf(err) === 404) {
      throw new AcsError("acs-chat.errors.messageNotFound", { field: "messageId", value: messageId, threadId }, { statusCode: 404, code: codeOf(err) });
    }
    throw err;
  }
}

async function allReadReceipts(thread: ChatThreadClient): Promise<ReadReceiptResult[]> {
  const receipts: ReadReceiptResult[] = [];
  for await (const receipt of thread.listReadReceipts({ maxPageSize: CHAT_LIMITS.maxPageSize })) receipts.push(readReceiptResult(receipt));
  return receipts;
}

function firstRefusal(refused: { message?: string }[] | undefined): string {
  return refused?.[0]?.message ?? "no thread in the answer";
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
