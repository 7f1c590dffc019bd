// Carries out one validated chat request as the resource's chat identity and says what the msg
// gets: msg.acs fields and, where the operation returns something, msg.payload. Messages go
// through the thread's send queue (paced, 429s waited out and retried) and are recorded for
// correlation; read-receipt queries go through a queue of their own (the service allows few).
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import * as operations from "./operations";
import type { ChatRequest } from "./request";
import type { RefusedParticipant } from "./results";
import type { AcsStatus } from "../core/acs-message";
import type { CorrelationStore } from "../core/correlation-store";
import { AcsError } from "../core/errors";
import type { SendTask } from "../core/send-queue";

export type ChatStatus = Extract<AcsStatus, "sent" | "received" | "read" | "unread" | "failed">;

/** The msg.acs fields an operation adds besides channel, operation, status and ids. */
export interface ChatDetails {
  to?: string;
  from?: string;
  userId?: string;
  readOn?: string;
  readMessageId?: string;
  /** Participants the service refused, and the error that says so. */
  invalidParticipants?: RefusedParticipant[];
  error?: string;
}

export interface ChatOutcome {
  status: ChatStatus;
  threadId?: string;
  messageId?: string;
  /** Set when the operation returns data: it replaces msg.payload. */
  payload?: unknown;
  details: ChatDetails;
}

export interface ChatRunnerDeps {
  session(): Promise<operations.ChatSession>;
  identity(): CommunicationIdentityClient;
  /** Runs a task through the send queue `key` ("<threadId>" for messages). */
  submit<T>(key: string, task: SendTask<T>): Promise<T>;
  correlation: CorrelationStore;
}

/** What the flow says about the message being sent. */
export interface SendContext {
  correlationId: string;
  contact?: Record<string, unknown>;
}

/** The queue that paces read-receipt queries of one thread, apart from its messages. */
export function receiptsQueueKey(threadId: string): string {
  return `${threadId}#readReceipts`;
}

export async function runChatRequest(request: ChatRequest, deps: ChatRunnerDeps, context: SendContext): Promise<ChatOutcome> {
  if (request.operation === "createUser") {
    const token = await operations.createUser(deps.identity(), request.token);
    return { status: "sent", payload: token, details: { userId: token.userId } };
  }
  if (request.operation === "issueToken") {
    const token = await operations.issueToken(deps.identity(), request.userId, request.token);
    return { status: "sent", payload: token, details: { userId: token.userId } };
  }

  const session = await deps.session();
  const done = (status: ChatStatus, threadId: string, extra: Partial<ChatOutcome> = {}): ChatOutcome => ({
    status,
    threadId,
    details: {},
    ...extra,
  });

  switch (request.operation) {
    case "sendMessage": {
      const { threadId } = request;
      const messageId = await deps.submit(threadId, (signal) => operations.sendMessage(session, threadId, request.message, signal));
      deps.correlation.remember({
        channel: "chat",
        messageId,
        correlationId: context.correlationId,
        to: threadId,
        from: session.userId,
        sentAt: Date.now(),
        threadId,
        contact: context.contact,
      });
      return done("sent", threadId, { messageId, details: { to: threadId, from: session.userId } });
    }
    case "createThread": {
      const { thread, refused } = await operations.createThread(session, request);
      return withRefusals(done("sent", thread.id, { payload: thread, details: { from: session.userId } }), refused);
    }
    case "updateTopic":
      await operations.updateTopic(session, request.threadId, request.topic);
      return done("sent", request.threadId);
    case "deleteThread":
      await operations.deleteThread(session, request.threadId);
      return done("sent", request.threadId);
    case "getThread":
      return done("received", request.threadId, { payload: await operations.getThread(session, request.threadId) });
    case "addParticipants": {
      const refused = await operations.addParticipants(session, request.threadId, request.participants);
      return withRefusals(done("sent", request.threadId), refused);
    }
    case "removeParticipant":
      await operations.removeParticipant(session, request.threadId, request.userId);
      return done("sent", request.threadId, { details: { userId: request.userId } });
    case "listParticipants":
      return done("received", request.threadId, { payload: await operations.listParticipants(session, request.threadId) });
    case "listMessages":
      return done("received", request.threadId, { payload: await operations.listMessages(session, request.threadId, request.history) });
    case "sendReadReceipt":
      await operations.sendReadReceipt(session, request.threadId, request.messageId);
      return done("sent", request.threadId, { messageId: request.messageId });
    case "listReadReceipts": {
      const { threadId } = request;
      const receipts = await deps.submit(receiptsQueueKey(threadId), () => operations.listReadReceipts(session, threadId));
      return done("received", threadId, { payload: receipts });
    }
    case "hasRead": {
      const { threadId, messageId, userId } = request;
      const status = await deps.submit(receiptsQueueKey(threadId), () => operations.hasRead(session, threadId, messageId, userId));
      const details: ChatDetails = { userId };
      if (status.read) Object.assign(details, { readOn: status.readOn, readMessageId: status.readMessageId } satisfies ChatDetails);
      return done(status.read ? "read" : "unread", threadId, { messageId, details });
    }
    case "sendTyping":
      await operations.sendTyping(session, request.threadId, request.senderDisplayName);
      return done("sent", request.threadId);
  }
}

/** Participants the service refused are per-recipient failures: status failed, with the reason. */
function withRefusals(outcome: ChatOutcome, refused: RefusedParticipant[]): ChatOutcome {
  if (refused.length === 0) return outcome;
  const error = new AcsError("acs-chat.errors.participantsRefused", {
    count: refused.length,
    ids: refused.map((participant) => participant.userId).join(", "),
  }).message;
  return { ...outcome, status: "failed", details: { ...outcome.details, invalidParticipants: refused, error } };
}
