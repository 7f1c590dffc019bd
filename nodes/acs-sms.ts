// acs-sms: sends an SMS (or, with attachments, an MMS through the preview API) to one or many
// numbers through the config node's shared send queue, and reports each recipient in msg.acs;
// optionally skips recipients on the sender's opt-out list kept by ACS, and checks, adds or removes
// recipients on that list.
import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from "node-red";
import { statusText, type Finish, type Send } from "./lib/node-red/input-handler";
import { sendMms } from "./lib/sms/mms-send";
import { optOutActionOf, runOptOutOperation, type SmsOperation } from "./lib/sms/opt-out-operation";
import { optedOutAmong } from "./lib/sms/opt-outs";
import { contactOf, correlationIdOf } from "./lib/node-red/send-identity";
import { SendNode } from "./lib/node-red/send-node";
import { SenderStatus } from "./lib/node-red/sender-status";
import { prepareSms, SMS_LONG_MESSAGE_LENGTH, smsTag, type PreparedSms } from "./lib/sms/request";
import { correlationRecorder, sendResults, type OutputMode, type ResultWriter, type SendSummary } from "./lib/sms/output";
import { MAX_RECIPIENTS_PER_REQUEST, sendSms, withSkipped, type RecipientOutcome } from "./lib/sms/send";
import { SmsJob, type SmsJobNode } from "./lib/sms/sms-job";
import type { AcsResource } from "./lib/connection/resource";
import { AcsError, serviceError } from "./lib/core/errors";
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

function register(RED: NodeAPI): void {
  function AcsSms(this: Node, def: AcsSmsDef) {
    RED.nodes.createNode(this, def);
    const lifecycle = new SendNode(RED, this, def.config, new SenderStatus(RED, this));
    const mode: OutputMode = def.outputMode === "single" ? "single" : "perRecipient";
    const recipients = recipientProperty(RED, def);
    let warnedLong = false;

    /** Maps the outcomes onto the msg and sends the results. */
    const output = (msg: NodeMessageInFlow, send: Send, outcomes: RecipientOutcome[], sms: PreparedSms, summary: SendSummary): Promise<void> => {
      const failed = outcomes.filter((outcome) => outcome.status === "failed").length;
      if (failed > 0) lifecycle.status.say("red", "acs-sms.status.someFailed", { failed, total: outcomes.length }, "ring");
      return sendResults(msg, outcomes, sms, summary, mode, { clone: RED.util.cloneMessage, send: (messages) => send([messages]), recipients });
    };
    /** What the node's waiting jobs share. */
    const jobs: SmsJobNode = {
      owner: this,
      deliveryReport: def.deliveryReport !== false,
      signal: (queueSignal) => lifecycle.abandonedOr(queueSignal),
      sent: (job, outcomes) => {
        output(job.msg, job.send, outcomes, job.sms, job.summary).then(() => job.finish(), job.finish);
      },
    };

    /** Handles one msg; a single SMS request ends the msg later, from its queued job. */
    const handle = async (msg: NodeMessageInFlow, send: Send, finish: Finish): Promise<void> => {
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
        return finish();
      }
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
      const optedOut = def.skipOptedOut === true ? await checkOptOuts(resource, sms.from.value, sms.to) : undefined;
      const to = optedOut ? sms.to.filter((number) => !optedOut.has(number)) : sms.to;
      if (!sms.attachments && to.length > 0 && to.length <= MAX_RECIPIENTS_PER_REQUEST) {
        // The common case, one request: the msg waits as one plain job record, which ends it.
        if (lifecycle.stopping.aborted) throw new AcsError("acs-config.errors.queueClosed");
        queue.enqueue(new SmsJob(jobs, clients.sms(), resource.correlation, sms, summary, to, optedOut, msg, send, finish));
        return;
      }
      // Each request's recipients are remembered as soon as it is answered: a delivery report may
      // arrive before the other requests of the same msg are sent.
      const context = { queue, owner: this, onBatch: correlationRecorder(resource.correlation, summary), signal: (queueSignal: AbortSignal) => lifecycle.abandonedOr(queueSignal), stop: lifecycle.stopping };
      const sent: RecipientOutcome[] =
        to.length === 0
          ? []
          : sms.attachments
            ? await sendMms(clients, { from: sms.from.value, to, message: sms.message, attachments: sms.attachments }, context)
            : await sendSms(clients.sms(), { from: sms.from.value, to, message: sms.message, enableDeliveryReport: jobs.deliveryReport, tag: correlationId }, context);
      await output(msg, send, optedOut ? withSkipped(sms.to, optedOut, sent) : sent, sms, summary);
      finish();
    };

    lifecycle.onCallbackInput("send SMS", (msg, send, finish) => {
      handle(msg, send, finish).catch(finish);
    });

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
