// Nodes carry x/y so that the runtime treats them as flow nodes, not config nodes.
// Shared set-up for the acs-chat suites: a flow of acs-config (sandbox), one acs-chat node, a helper
// node on its output and a Catch node scoped to it, plus a way to send a msg and get back what
// came out (or what the Catch node caught).
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { NodeMessage } from "node-red";
import acsConfig = require("../../nodes/acs-config");
import acsChat = require("../../nodes/acs-chat");
import type { AcsConfigNode } from "../../nodes/lib/node-red/config-node";
import { helper } from "../helpers/node-red";
import { sandboxConfig, type Sandbox } from "../helpers/sandbox";

export type ChatMsg = NodeMessage & {
  acs?: Record<string, unknown>;
  error?: { message: string };
  [key: string]: unknown;
};

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

interface EventNode {
  on(event: string, listener: (msg: ChatMsg) => void): void;
  removeListener(event: string, listener: (msg: ChatMsg) => void): void;
  receive(msg: ChatMsg): void;
}

/** Deploys config + one acs-chat node with `props`; several chat nodes when given an array. */
export async function loadChatFlow(sandbox: Sandbox, props: Record<string, unknown> | Record<string, unknown>[], options: ChatFlowOptions = {}): Promise<void> {
  const { node, credentials } = sandboxConfig(sandbox, "acs", options.config);
  const chats = (Array.isArray(props) ? props : [props]).map((p, i) => ({
    id: i === 0 ? "chat" : `chat${i + 1}`,
    type: "acs-chat",
    z: "flow",
    x: 0,
    y: 0,
    config: "acs",
    wires: [["out"]],
    ...EDITOR_DEFAULTS,
    ...p,
  }));
  const flow = [
    { id: "flow", type: "tab", label: "chat" },
    node,
    ...chats,
    { id: "out", type: "helper", z: "flow", x: 0, y: 0 },
    { id: "catch", type: "catch", z: "flow", x: 0, y: 0, scope: chats.map((c) => c.id), uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", z: "flow", x: 0, y: 0 },
  ];
  await helper.load([acsConfig, acsChat], flow, credentials);
}

/** Sends `msg` into a chat node; resolves with the msg it sent on, rejects with the error a Catch node got. */
export function run(msg: ChatMsg, nodeId = "chat"): Promise<ChatMsg> {
  const out = helper.getNode("out") as unknown as EventNode;
  const caught = helper.getNode("caught") as unknown as EventNode;
  return new Promise((resolve, reject) => {
    const id = `test-${Math.random().toString(36).slice(2)}`;
    const onOut = (m: ChatMsg) => {
      if (m._testId !== id) return;
      cleanup();
      resolve(m);
    };
    const onCaught = (m: ChatMsg) => {
      if (m._testId !== id) return;
      cleanup();
      reject(new Error(m.error?.message ?? "caught without an error"));
    };
    const cleanup = () => {
      out.removeListener("input", onOut);
      caught.removeListener("input", onCaught);
    };
    out.on("input", onOut);
    caught.on("input", onCaught);
    (helper.getNode(nodeId) as unknown as EventNode).receive({ ...msg, _testId: id });
  });
}

/** Runs `msg` and returns the Catch node's error text (fails when the msg went through). */
export async function failureOf(msg: ChatMsg, nodeId = "chat"): Promise<string> {
  try {
    const output = await run(msg, nodeId);
    throw new Error(`expected a failure, got msg.acs ${JSON.stringify(output.acs)}`);
  } catch (err) {
    const text = (err as Error).message;
    if (text.startsWith("expected a failure")) throw err;
    return text;
  }
}

/** The node's chat service user (created on first use). */
export async function serviceUserId(): Promise<string> {
  const config = helper.getNode("acs") as unknown as AcsConfigNode;
  return (await config.resource.chatIdentity()).userId;
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
