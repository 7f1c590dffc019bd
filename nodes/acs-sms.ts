// acs-sms: sends an SMS (or, with attachments, an MMS through the preview API) to one or many
// numbers through the config node's shared send queue, and reports each recipient in msg.acs.
import type { Node, NodeAPI, NodeDef } from "node-red";
import { statusText } from "./lib/node-red/input-handler";
import { sendMms } from "./lib/sms/mms-send";
import { contactOf, correlationIdOf } from "./lib/node-red/send-identity";
import { SendNode } from "./lib/node-red/send-node";
import { SenderStatus } from "./lib/node-red/sender-status";
import { prepareSms, SMS_LONG_MESSAGE_LENGTH } from "./lib/sms/request";
import { correlationRecorder, resultMessages, type OutputMode, type SendSummary } from "./lib/sms/output";
import { sendSms } from "./lib/sms/send";
import { evaluateText, evaluateTyped } from "./lib/node-red/typed-input";

interface AcsSmsDef extends NodeDef {
  config: string;
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

function register(RED: NodeAPI): void {
  function AcsSms(this: Node, def: AcsSmsDef) {
    RED.nodes.createNode(this, def);
    const lifecycle = new SendNode(RED, this, def.config, new SenderStatus(RED, this));
    let warnedLong = false;

    lifecycle.onInput("send SMS", async (msg, send) => {
      const resource = lifecycle.resource();
      const field = (value: string, type: string) => ({ value, type });
      const sms = prepareSms({
        from: await evaluateText(RED, this, msg, field(def.from, def.fromType || "str")),
        to: await evaluateTyped(RED, this, msg, field(def.to, def.toType || "msg")),
        message: await evaluateText(RED, this, msg, field(def.message, def.messageType || "msg")),
        defaultRegion: def.defaultRegion,
        mms: def.mms === true,
        attachments: def.mms ? await evaluateTyped(RED, this, msg, field(def.attachments, def.attachmentsType || "msg")) : undefined,
      });
      const correlationId = await correlationIdOf(RED, this, msg, def);
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
      const context = { queue, owner: this, onBatch: correlationRecorder(resource.correlation, summary), signal: lifecycle.abandoned };
      const outcomes = sms.attachments
        ? await sendMms(clients, { from: sms.from.value, to: sms.to, message: sms.message, attachments: sms.attachments }, context)
        : await sendSms(clients.sms(), { from: sms.from.value, to: sms.to, message: sms.message, enableDeliveryReport: def.deliveryReport !== false, tag: correlationId }, context);

      const failed = outcomes.filter((outcome) => outcome.status === "failed").length;
      if (failed > 0) lifecycle.status.say("red", "acs-sms.status.someFailed", { failed, total: outcomes.length }, "ring");
      send([resultMessages(msg, outcomes, sms, summary, def.outputMode === "single" ? "single" : "perRecipient", RED.util.cloneMessage)]);
    });
  }

  RED.nodes.registerType("acs-sms", AcsSms as unknown as (this: Node, def: NodeDef) => void);
}

export = register;
