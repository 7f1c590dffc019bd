// acs-email: sends email through Azure Communication Services: one email per msg (to/cc/bcc,
// text and/or html, attachments and inline images, reply-to, headers), or in batch mode one
// personalised email per recipient of msg.payload followed by a summary msg.
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import { formatAddresses, parseSingleAddress } from "./lib/email/addresses";
import { batchEntries, batchRecipient, checkTemplate, runBatch, type BatchItemResult } from "./lib/email/batch";
import { renderTexts, resolveEmailFields, type EmailFieldsDef, type ResolvedEmailFields } from "./lib/email/fields";
import { buildEmailMessage } from "./lib/email/message";
import { sendEmail, type Completion, type EmailSendOutcome } from "./lib/email/send";
import { EmailStatus } from "./lib/email/status";
import type { AcsSendInfo } from "./lib/core/acs-message";
import { AcsError, serviceError } from "./lib/core/errors";
import type { Send } from "./lib/node-red/input-handler";
import { contactOf, correlationIdOf } from "./lib/node-red/send-identity";
import { SendNode } from "./lib/node-red/send-node";
import { evaluateTyped } from "./lib/node-red/typed-input";

interface AcsEmailDef extends NodeDef, EmailFieldsDef {
  config: string;
  mode: "single" | "batch";
  recipients: string;
  recipientsType: string;
  outputEach: boolean;
  completion: Completion;
  /** Seconds between status polls while waiting, when the service suggests none. */
  pollInterval: string;
  correlationId?: string;
  correlationIdType?: string;
}

/** Names the operation in service and network error texts ("email send failed: ..."). */
const OPERATION = "email send";

type EmailMsg = NodeMessageInFlow & { acs?: AcsSendInfo; correlationId?: unknown; contact?: unknown };

function register(RED: NodeAPI): void {
  function AcsEmail(this: Node, def: AcsEmailDef) {
    RED.nodes.createNode(this, def);
    runEmailNode(RED, this, def);
  }
  RED.nodes.registerType("acs-email", AcsEmail);
}

function runEmailNode(RED: NodeAPI, node: Node, def: AcsEmailDef): void {
  const lifecycle = new SendNode(RED, node, def.config, new EmailStatus(RED, node));
  const status = lifecycle.status;
  const pollSeconds = Number(def.pollInterval);
  const pollIntervalMs = def.pollInterval?.trim() && pollSeconds > 0 ? pollSeconds * 1000 : undefined;
  const completion: Completion = def.completion === "accepted" ? "accepted" : "wait";

  /** Sends one message on the sender's queue and remembers it for the delivery events. */
  const deliver = (fields: ResolvedEmailFields, to: ResolvedEmailFields["to"], texts: ReturnType<typeof renderTexts>, correlationId: string, contact: Record<string, unknown> | undefined): Promise<EmailSendOutcome> => {
    const acs = lifecycle.resource();
    const message = buildEmailMessage({ ...fields.shared, ...texts, to });
    const queue = acs.sendQueue("email", message.senderAddress);
    status.watch(queue);
    return sendEmail({
      client: acs.clients().email(),
      queue,
      owner: node,
      message,
      completion,
      pollIntervalMs,
      stop: lifecycle.stopping,
      signal: (queueSignal) => lifecycle.abandonedOr(queueSignal),
      onAccepted: (messageId) =>
        acs.correlation.remember({
          channel: "email",
          messageId,
          correlationId,
          to: formatAddresses(to),
          from: message.senderAddress,
          sentAt: Date.now(),
          contact,
        }),
    });
  };

  const sendSingle = async (msg: EmailMsg, send: Send): Promise<void> => {
    const fields = await resolveEmailFields(RED, node, msg, def, false);
    const correlationId = await correlationIdOf(RED, node, msg, def);
    const to = formatAddresses(fields.to);
    const acs: AcsSendInfo = { status: "queued", to, channel: "email", operation: "send", from: parseSingleAddress("sender", fields.shared.sender)?.address, correlationId };
    msg.acs = acs;
    let outcome: EmailSendOutcome;
    try {
      outcome = await deliver(fields, fields.to, renderTexts(fields, msg, false), correlationId, contactOf(msg));
    } catch (err) {
      // Refused as a whole (invalid, throttled past every retry, queue closed): the Catch node's msg says so too.
      const error = serviceError(err, OPERATION);
      msg.acs = { ...acs, status: "failed", error: error.message };
      throw error;
    }
    msg.acs = { ...acs, status: outcome.status, messageId: outcome.messageId };
    if (outcome.status === "failed") {
      msg.acs.error = outcome.error.message;
      throw outcome.error;
    }
    if (outcome.waitStopped) throw new AcsError("acs-email.errors.waitStopped", { messageId: outcome.messageId });
    send(msg);
  };

  const sendBatch = async (msg: EmailMsg, send: Send): Promise<void> => {
    const entries = batchEntries(await evaluateTyped(RED, node, msg, { value: def.recipients || "payload", type: def.recipientsType || "msg" }));
    const fields = await resolveEmailFields(RED, node, msg, def, true);
    const sender = parseSingleAddress("sender", fields.shared.sender);
    if (!sender) throw new AcsError("acs-email.errors.noSender");
    if (!fields.texts.subject) throw new AcsError("acs-email.errors.noSubject");
    if (!fields.texts.plainText && !fields.texts.html) throw new AcsError("acs-email.errors.noBody");
    checkTemplate("subject", fields.texts.subject);
    checkTemplate("body", fields.texts.plainText);
    checkTemplate("html", fields.texts.html);
    const correlationId = await correlationIdOf(RED, node, msg, def);
    const progress = status.startBatch(entries.length);
    // Each recipient's msg carries the incoming msg's properties, but neither the list nor the attachments.
    const base: Record<string, unknown> = { ...msg };
    delete base.payload;
    delete base.attachments;
    const summary = await runBatch({
      entries,
      stop: lifecycle.stopping,
      stoppedError: new AcsError("acs-config.errors.queueClosed").message,
      send: async (entry, index) => {
        const recipient = batchRecipient(entry, index, msg);
        const outcome = await deliver(fields, [recipient.address], renderTexts(fields, recipient.view, true), recipient.correlationId, recipient.contact);
        return {
          to: recipient.address.address,
          status: outcome.status,
          messageId: outcome.messageId,
          correlationId: recipient.correlationId,
          ...(outcome.status === "failed" ? { error: outcome.error.message } : {}),
        };
      },
      onItem: def.outputEach ? (result) => send(recipientMessage(base, result, sender.address)) : undefined,
      onProgress: (finished) => progress.update(finished),
    });
    progress.end(summary.sent, summary.failed);
    msg.payload = summary;
    msg.acs = { status: summary.failed > 0 ? "failed" : "sent", channel: "email", operation: "batch", from: sender.address, correlationId };
    // A stopped batch did not finish: it ends in the error alone (the Catch node's msg carries the
    // summary), never in a summary output as well, so a flow sees each batch end exactly once.
    if (lifecycle.stopping.aborted) {
      const error = new AcsError("acs-email.errors.batchStopped", { sent: summary.sent, total: summary.total });
      msg.acs = { ...msg.acs, status: "failed", error: error.message };
      throw error;
    }
    send(msg);
  };

  const recipientMessage = (base: Record<string, unknown>, result: BatchItemResult, from: string): NodeMessage => {
    const acs: AcsSendInfo = { status: result.status, to: result.to, channel: "email", operation: "send", from, correlationId: result.correlationId };
    if (result.messageId) acs.messageId = result.messageId;
    if (result.error) acs.error = result.error;
    return { ...RED.util.cloneMessage(base), payload: result.entry, acs } as NodeMessage;
  };

  lifecycle.onInput(OPERATION, async (msg, send) => {
    // Read first, so that a msg without a connection fails before anything else is read.
    lifecycle.resource();
    await (def.mode === "batch" ? sendBatch(msg, send) : sendSingle(msg, send));
  });
}

export = register;
