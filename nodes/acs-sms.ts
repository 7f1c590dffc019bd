// acs-sms: sends an SMS (or, with attachments, an MMS through the preview API) to one or many
// numbers through the config node's shared send queue, and reports each recipient in msg.acs;
// optionally skips recipients on the sender's opt-out list kept by ACS, and checks, adds or removes
// recipients on that list.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { statusText } from "./lib/node-red/input-handler";
import { sendMms } from "./lib/sms/mms-send";
import { optOutActionOf, runOptOutOperation, type SmsOperation } from "./lib/sms/opt-out-operation";
import { optedOutAmong } from "./lib/sms/opt-outs";
import { contactOf, correlationIdOf } from "./lib/node-red/send-identity";
import { SendNode } from "./lib/node-red/send-node";
import { SenderStatus } from "./lib/node-red/sender-status";
import { prepareSms, SMS_LONG_MESSAGE_LENGTH, smsTag, type PreparedSms } from "./lib/sms/request";
import { correlationRecorder, sendResults, type OutputMode, type ResultWriter, type SendSummary } from "./lib/sms/output";
import { sendSms, withSkipped, type RecipientOutcome } from "./lib/sms/send";
import type { AcsResource } from "./lib/connection/resource";
import { serviceError } from "./lib/core/errors";
import { evaluateText, evaluateTyped } from "./lib/node-red/typed-input";

interface AcsSmsDef extends NodeDef {
  config: string;
  /** "send" (default) or an opt-out operation. */
  operation?: SmsOperation;
  /** Check the sender's opt-out list first and send nothing to a recipient on it. */
  skipOptedOut?: boolean;
  from: string;
  fromType: string;
  to: string;
  toType: string;
  message: string;
  messageType: string;
  defaultRegion: string;
  deliveryReport: boolean;
  correlationId: string;
  correlationIdType: string;
  outputMode: OutputMode;
  mms: boolean;
  attachments: string;
  attachmentsType: string;
}

/** The msg property the To field reads, when it reads one. */
function recipientProperty(RED: NodeAPI, def: AcsSmsDef): ResultWriter["recipients"] {
  if ((def.toType || "msg") !== "msg" || !def.to) return undefined;
  return { set: (msg, value) => RED.util.setMessageProperty(msg, def.to, value) };
}

/** A checked SMS ready to queue: what the output needs, and the send that queues it. */
interface PreparedSend {
  sms: PreparedSms;
  summary: SendSummary;
  send(): Promise<RecipientOutcome[]>;
}

function register(RED: NodeAPI): void {
  function AcsSms(this: Node, def: AcsSmsDef) {
    RED.nodes.createNode(this, def);
    const lifecycle = new SendNode(RED, this, def.config, new SenderStatus(RED, this));
    let warnedLong = false;

    lifecycle.onInput("send SMS", async (msg, send) => {
      const resource = lifecycle.resource();
      const field = (value: string, type: string) => ({ value, type });
      const optOutAction = optOutActionOf(def.operation);
      if (optOutAction && def.operation) {
        const input = {
          from: await evaluateText(RED, this, msg, field(def.from, def.fromType || "str")),
          to: await evaluateTyped(RED, this, msg, field(def.to, def.toType || "msg")),
          defaultRegion: def.defaultRegion,
        };
        send(await runOptOutOperation(resource.clients(), def.operation, optOutAction, input, msg, lifecycle.abandoned));
        return;
      }
      const prepared = await prepareSend(resource, msg);
      // Only what the send needs stays in this frame while the msg waits in the queue.
      const outcomes = await prepared.send();
      const failed = outcomes.filter((outcome) => outcome.status === "failed").length;
      if (failed > 0) lifecycle.status.say("red", "acs-sms.status.someFailed", { failed, total: outcomes.length }, "ring");
      await sendResults(msg, outcomes, prepared.sms, prepared.summary, def.outputMode === "single" ? "single" : "perRecipient", {
        clone: RED.util.cloneMessage,
        send: (messages) => send([messages]),
        recipients: recipientProperty(RED, def),
      });
    });

    /** Evaluates and checks the msg's SMS; the returned send() queues it (its requests hold a few fields, not this frame). */
    const prepareSend = async (resource: AcsResource, msg: NodeMessageInFlow): Promise<PreparedSend> => {
      const field = (value: string, type: string) => ({ value, type });
      const sms = await prepareSms({
        from: await evaluateText(RED, this, msg, field(def.from, def.fromType || "str")),
        to: await evaluateTyped(RED, this, msg, field(def.to, def.toType || "msg")),
        message: await evaluateText(RED, this, msg, field(def.message, def.messageType || "msg")),
        defaultRegion: def.defaultRegion,
        mms: def.mms === true,
        attachments: def.mms ? await evaluateTyped(RED, this, msg, field(def.attachments, def.attachmentsType || "msg")) : undefined,
      });
      const correlationId = smsTag(await correlationIdOf(RED, this, msg, def));
      if (sms.segments && sms.message.length > SMS_LONG_MESSAGE_LENGTH && !warnedLong) {
        warnedLong = true;
        this.warn(statusText(RED, "acs-sms.warnings.longMessage", { length: sms.message.length, segments: sms.segments.segments, encoding: sms.segments.encoding }));
      }
      const clients = resource.clients();
      const queue = resource.sendQueue("sms", sms.from.value);
      lifecycle.status.watch(queue);
      const contact = contactOf(msg);
      const summary: SendSummary = { from: sms.from.value, correlationId, ...(contact ? { contact } : {}) };
      // Each request's recipients are remembered as soon as it is answered: a delivery report may
      // arrive before the other requests of the same msg are sent.
      const context = { queue, owner: this, onBatch: correlationRecorder(resource.correlation, summary), signal: lifecycle.abandoned, stop: lifecycle.stopping };
      const optedOut = def.skipOptedOut === true ? await checkOptOuts(resource, sms.from.value, sms.to) : undefined;
      const recipients = optedOut ? sms.to.filter((to) => !optedOut.has(to)) : sms.to;
      const send = async (): Promise<RecipientOutcome[]> => {
        const sent: RecipientOutcome[] =
          recipients.length === 0
            ? []
            : sms.attachments
              ? await sendMms(clients, { from: sms.from.value, to: recipients, message: sms.message, attachments: sms.attachments }, context)
              : await sendSms(clients.sms(), { from: sms.from.value, to: recipients, message: sms.message, enableDeliveryReport: def.deliveryReport !== false, tag: correlationId }, context);
        return optedOut ? withSkipped(sms.to, optedOut, sent) : sent;
      };
      return { sms, summary, send };
    };

    async function checkOptOuts(resource: AcsResource, from: string, to: string[]): Promise<Set<string>> {
      try {
        return await optedOutAmong(resource.clients().optOuts(), from, to, lifecycle.abandoned);
      } catch (err) {
        // Nothing is sent when the list cannot be read: texting someone who said STOP is the worse failure.
        throw serviceError(err, "check SMS opt-outs");
      }
    }

  }

  RED.nodes.registerType("acs-sms", AcsSms as unknown as (this: Node, def: NodeDef) => void);
}

export = register;
