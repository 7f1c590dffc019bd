// Shared set-up for the acs-chat suites: the send-node flow (send-node.fixture.ts) with acs-chat
// nodes as the editor deploys them, and the other side of a chat (users, tokens, the Chat SDK).
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import acsChat = require("../../nodes/acs-chat");
import { helper } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { caughtFrom, configNode, loadSendFlow, runNode, type FlowMsg } from "./send-node.fixture";

export type ChatMsg = FlowMsg;

/** The field defaults of the node's editor (acs-chat.html), as a new node is deployed. */
export const EDITOR_DEFAULTS: Record<string, unknown> = {
  operation: "sendMessage",
  threadId: "threadId",
  threadIdType: "msg",
  content: "payload",
  contentType: "msg",
  messageType: "text",
  messageTypeType: "format",
  senderDisplayName: "",
  senderDisplayNameType: "str",
  metadata: "metadata",
  metadataType: "msg",
  topic: "topic",
  topicType: "msg",
  participants: "participants",
  participantsType: "msg",
  userId: "userId",
  userIdType: "msg",
  messageId: "messageId",
  messageIdType: "msg",
  since: "since",
  sinceType: "msg",
  maxMessages: "100",
  maxMessagesType: "num",
  userMessagesOnly: true,
  scopes: "chat",
  scopesType: "str",
  tokenMinutes: "",
  tokenMinutesType: "num",
};

export interface ChatFlowOptions {
  /** Extra acs-config properties (e.g. chatPerMinute). */
  config?: Record<string, unknown>;
}

/** Deploys config + one acs-chat node ("chat") with the editor defaults and `props`; several ("chat", "chat2"...) when given an array. */
export async function loadChatFlow(sandbox: Sandbox, props: Record<string, unknown> | Record<string, unknown>[], options: ChatFlowOptions = {}): Promise<void> {
  const nodes = (Array.isArray(props) ? props : [props]).map((p) => ({ ...EDITOR_DEFAULTS, ...p }));
  await loadSendFlow(sandbox, { module: acsChat, type: "acs-chat", id: "chat", nodes, config: options.config });
}

/** Sends `msg` into a chat node; resolves with the msg it sent on, rejects with the error a Catch node got. */
export function run(msg: ChatMsg, nodeId = "chat"): Promise<ChatMsg> {
  return runNode(nodeId, msg);
}

/** Runs `msg` and returns the Catch node's error text (fails when the msg went through). */
export async function failureOf(msg: ChatMsg, nodeId = "chat"): Promise<string> {
  return (await caughtFrom(nodeId, msg)).message;
}

/** The node's chat service user (created on first use). */
export async function serviceUserId(): Promise<string> {
  return (await configNode().resource.chatIdentity()).userId;
}

/** An identity client of the sandbox, as a test's own "other side". */
export function identityClient(sandbox: Sandbox): CommunicationIdentityClient {
  return new CommunicationIdentityClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
}

/** New ACS users with chat tokens. */
export async function createUsers(sandbox: Sandbox, count: number): Promise<{ userId: string; token: string }[]> {
  const identity = identityClient(sandbox);
  const users: { userId: string; token: string }[] = [];
  for (let i = 0; i < count; i++) {
    const created = await identity.createUserAndToken(["chat"]);
    users.push({ userId: created.user.communicationUserId, token: created.token });
  }
  return users;
}

/** The Chat SDK acting as another user (a web client, say), with that user's own token. */
export function chatClientFor(sandbox: Sandbox, token: string): ChatClient {
  return new ChatClient(sandbox.endpoint, new AzureCommunicationTokenCredential(token), { tlsOptions: { ca: sandbox.ca } });
}

/** Every status the node shows from now on (texts as shown). */
export function collectStatuses(nodeId = "chat"): { fill?: string; text?: string }[] {
  const statuses: { fill?: string; text?: string }[] = [];
  const node = helper.getNode(nodeId) as unknown as { on(event: string, listener: (call: { args: unknown[] }) => void): void };
  node.on("call:status", (call) => statuses.push(call.args[0] as { fill?: string; text?: string }));
  return statuses;
}
