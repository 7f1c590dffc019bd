// acs-chat: chat thread operations as the acs-config node's chat service identity (post, manage
// threads and participants, history, read receipts, "has read", typing, users and tokens).
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { readChatRequest, type ChatField, type MessageDefaults } from "./lib/chat/request";
import { runChatRequest, type ChatDetails, type ChatOutcome } from "./lib/chat/runner";
import type { AcsSendInfo } from "./lib/core/acs-message";
import { parseOperation } from "./lib/chat/validation";
import { statusText } from "./lib/node-red/input-handler";
import { contactOf, correlationIdOf } from "./lib/node-red/send-identity";
import { SendNode } from "./lib/node-red/send-node";
import { SenderStatus } from "./lib/node-red/sender-status";
import { evaluateTyped } from "./lib/node-red/typed-input";

type TypedFields = { [F in ChatField as F]: string } & { [F in ChatField as `${F}Type`]: string };

interface AcsChatDef extends NodeDef, Partial<TypedFields> {
  config: string;
  operation: string;
  userMessagesOnly?: boolean;
}

type ChatMsg = NodeMessageInFlow & MessageDefaults & { operation?: unknown; correlationId?: unknown; acs?: ChatAcs };

/** msg.acs of acs-chat: the contract's fields and what the operation adds. */
type ChatAcs = AcsSendInfo & ChatDetails;

function register(RED: NodeAPI): void {
  function AcsChat(this: Node, def: AcsChatDef) {
    RED.nodes.createNode(this, def);
    startChatNode(RED, this, def);
  }

  RED.nodes.registerType("acs-chat", AcsChat as unknown as (this: Node, def: AcsChatDef) => void);
}

function startChatNode(RED: NodeAPI, node: Node, def: AcsChatDef): void {
  const lifecycle = new SendNode(RED, node, def.config, new SenderStatus(RED, node));

  lifecycle.onInput("chat", async (input, send) => {
    const msg = input as ChatMsg;
    const resource = lifecycle.resource();
    const operation = parseOperation(def.operation === "msg" || !def.operation ? msg.operation : def.operation, def.operation === "msg" ? "msg.operation" : "operation");
    const read = async (field: ChatField) => {
      const value = def[field];
      // An empty field is unset whatever its type (an empty "num" would otherwise read as 0).
      if (value === undefined || value === "") return undefined;
      const result = await evaluateTyped(RED, node, msg, { value, type: def[`${field}Type`] ?? "str" });
      return result === "" ? undefined : result;
    };
    const request = await readChatRequest(operation, read, msg, { userMessagesOnly: def.userMessagesOnly !== false });
    const correlationId = await correlationIdOf(RED, node, msg);
    const outcome = await runChatRequest(
      request,
      {
        session: () => resource.chatIdentity(),
        identity: () => resource.clients().identity(),
        submit: (key, task) => {
          const queue = resource.sendQueue("chat", key);
          lifecycle.status.watch(queue);
          // Aborted when the queue closes, or when the node's close grace ends.
          return queue.submit(1, node, (signal) => task(lifecycle.abandonedOr(signal)));
        },
        correlation: resource.correlation,
      },
      { correlationId, contact: contactOf(msg) },
    );
    msg.acs = acsOf(operation, outcome, correlationId);
    if (outcome.payload !== undefined) msg.payload = outcome.payload;
    if (operation === "createThread" && outcome.threadId) msg.threadId = outcome.threadId;
    showOutcome(operation, outcome);
    send(msg);
  });

  function showOutcome(operation: string, outcome: ChatOutcome): void {
    const refused = outcome.details.invalidParticipants?.length ?? 0;
    if (outcome.status === "read" || outcome.status === "unread") {
      lifecycle.status.say(outcome.status === "read" ? "green" : "yellow", `acs-chat.status.${outcome.status}`);
    } else if (outcome.status === "failed") {
      const done = statusText(RED, `acs-chat.status.done.${operation}`);
      lifecycle.status.say("yellow", "acs-chat.status.failed", { done, count: refused }, "ring");
    } else {
      lifecycle.status.say("green", `acs-chat.status.done.${operation}`);
    }
  }
}

function acsOf(operation: string, outcome: ChatOutcome, correlationId: string): ChatAcs {
  const acs: ChatAcs = { channel: "chat", operation, status: outcome.status, correlationId };
  if (outcome.threadId !== undefined) acs.threadId = outcome.threadId;
  if (outcome.messageId !== undefined) acs.messageId = outcome.messageId;
  return { ...acs, ...outcome.details };
}


export = register;
