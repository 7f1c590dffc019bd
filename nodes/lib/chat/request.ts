// Reads what one chat operation needs from the node's fields (typedInputs, already bound to the msg)
// and from the usual msg properties, validates it, and gives back one typed request. Only the
// fields the operation uses are evaluated.
import type { ParticipantInput } from "./participants";
import { parseParticipants, parseUserId } from "./participants";
import type { HistoryInput, SendMessageInput, TokenOptions } from "./operations";
import {
  checkParticipantCount,
  messageContent,
  messageFormat,
  optionalDisplayName,
  parseMaxCount,
  parseMetadata,
  parseScopes,
  parseTime,
  parseTokenMinutes,
  requireMessageId,
  requireThreadId,
  requireTopic,
  type ChatOperation,
} from "./validation";

export type ChatField =
  | "threadId"
  | "content"
  | "messageType"
  | "senderDisplayName"
  | "metadata"
  | "topic"
  | "participants"
  | "userId"
  | "messageId"
  | "since"
  | "maxMessages"
  | "scopes"
  | "tokenMinutes";

/** The value of one node field for the current msg (undefined when empty or missing). */
export type FieldReader = (field: ChatField) => Promise<unknown>;

export type ChatRequest =
  | { operation: "sendMessage"; threadId: string; message: SendMessageInput }
  | { operation: "createThread"; topic: string; participants: ParticipantInput[]; metadata?: Record<string, string> }
  | { operation: "updateTopic"; threadId: string; topic: string }
  | { operation: "deleteThread" | "getThread" | "listParticipants" | "listReadReceipts"; threadId: string }
  | { operation: "addParticipants"; threadId: string; participants: ParticipantInput[] }
  | { operation: "removeParticipant"; threadId: string; userId: string }
  | { operation: "listMessages"; threadId: string; history: HistoryInput }
  | { operation: "sendReadReceipt"; threadId: string; messageId: string }
  | { operation: "hasRead"; threadId: string; messageId: string; userId: string }
  | { operation: "sendTyping"; threadId: string; senderDisplayName?: string }
  | { operation: "createUser"; token: TokenOptions }
  | { operation: "issueToken"; userId: string; token: TokenOptions };

/** The msg properties used when a field is empty (`msg.acs` as a previous chat node left it). */
export interface MessageDefaults {
  threadId?: unknown;
  messageId?: unknown;
  userId?: unknown;
  acs?: { channel?: unknown; threadId?: unknown; messageId?: unknown };
  contact?: { chatUserId?: unknown };
}

export async function readChatRequest(
  operation: ChatOperation,
  read: FieldReader,
  msg: MessageDefaults,
  options: { userMessagesOnly: boolean },
): Promise<ChatRequest> {
  const fromChat = msg.acs?.channel === "chat" ? msg.acs : undefined;
  const threadId = async () => requireThreadId(first(await read("threadId"), msg.threadId, fromChat?.threadId));
  const messageId = async () => requireMessageId(first(await read("messageId"), msg.messageId, fromChat?.messageId));
  const userId = async () => parseUserId(first(await read("userId"), msg.userId, msg.contact?.chatUserId), "userId");
  const displayName = async () => optionalDisplayName(await read("senderDisplayName"), "senderDisplayName");
  const token = async (): Promise<TokenOptions> => ({
    scopes: parseScopes(await read("scopes")),
    expiresInMinutes: parseTokenMinutes(await read("tokenMinutes")),
  });

  switch (operation) {
    case "sendMessage":
      return {
        operation,
        threadId: await threadId(),
        message: {
          content: messageContent(await read("content")),
          type: messageFormat(await read("messageType")),
          senderDisplayName: await displayName(),
          metadata: parseMetadata(await read("metadata")),
        },
      };
    case "createThread":
      return {
        operation,
        topic: requireTopic(await read("topic")),
        participants: checkParticipantCount(parseParticipants(await read("participants"), "participants"), "participants", false),
        metadata: parseMetadata(await read("metadata")),
      };
    case "updateTopic":
      return { operation, threadId: await threadId(), topic: requireTopic(await read("topic")) };
    case "deleteThread":
    case "getThread":
    case "listParticipants":
    case "listReadReceipts":
      return { operation, threadId: await threadId() };
    case "addParticipants":
      return {
        operation,
        threadId: await threadId(),
        participants: checkParticipantCount(parseParticipants(await read("participants"), "participants"), "participants", true),
      };
    case "removeParticipant":
      return { operation, threadId: await threadId(), userId: await userId() };
    case "listMessages":
      return {
        operation,
        threadId: await threadId(),
        history: {
          since: parseTime(await read("since"), "since"),
          maxCount: parseMaxCount(await read("maxMessages"), "maxMessages"),
          userMessagesOnly: options.userMessagesOnly,
        },
      };
    case "sendReadReceipt":
      return { operation, threadId: await threadId(), messageId: await messageId() };
    case "hasRead":
      return { operation, threadId: await threadId(), messageId: await messageId(), userId: await userId() };
    case "sendTyping":
      return { operation, threadId: await threadId(), senderDisplayName: await displayName() };
    case "createUser":
      return { operation, token: await token() };
    case "issueToken":
      return { operation, userId: await userId(), token: await token() };
  }
}

/** The first value that is not empty. */
function first(...values: unknown[]): unknown {
  return values.find((value) => value !== undefined && value !== null && value !== "");
}
