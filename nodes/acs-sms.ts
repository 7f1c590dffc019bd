// acs-sms: sends an SMS (or, with attachments, an MMS through the preview API) to one or many
// numbers through the config node's shared send queue, and reports each recipient in msg.acs.
import { randomUUID } from "node:crypto";
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from "node-red";
import type { AcsResource } from "./lib/acs-resource";
import { configuredResource } from "./lib/config-node";
import { handleInput, statusText } from "./lib/input-handler";
import { sendMms } from "./lib/mms-send";
import { SenderStatus } from "./lib/sender-status";
import { prepareSms, SMS_LONG_MESSAGE_LENGTH, type PreparedSms } from "./lib/sms-request";
import { sendSms, type RecipientOutcome } from "./lib/sms-send";
import { evaluateText, evaluateTyped } from "./lib/typed-input";

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
  outputMode: "perRecipient" | "single";
  mms: boolean;
  attachments: string;
  attachmentsType: string;
}

type AcsMessage = NodeMessage & { acs?: Record<string, unknown>; contact?: unknown };

/** Time requests in flight get to finish when the node closes: below Node-RED's 15 s close timeout. */
const CLOSE_GRACE_MS = 10_000;

function register(RED: NodeAPI): void {
  function AcsSms(this: Node, def: AcsSmsDef) {
    RED.nodes.createNode(this, def);
    const status = new SenderStatus(RED, this);
    let resource: AcsResource | undefined;
    let warnedLong = false;
    const closing = new AbortController();

    handleInput(RED, this, "send SMS", async (msg, send) => {
      resource = configuredResource(RED, def.config);
      const field = (value: string, type: string) => ({ value, type });
      const sms = prepareSms({
        from: await evaluateText(RED, this, msg, field(def.from, def.fromType || "str")),
        to: await evaluateTyped(RED, this, msg, field(def.to, def.toType || "msg")),
        message: await evaluateText(RED, this, msg, field(def.message, def.messageType || "msg")),
        defaultRegion: def.defaultRegion,
        mms: def.mms === true,
        attachments: def.mms ? await evaluateTyped(RED, this, msg, field(def.attachments, def.attachmentsType || "msg")) : undefined,
      });
      const correlationId = (await evaluateText(RED, this, msg, field(def.correlationId, def.correlationIdType || "msg"))) ?? randomUUID();
      if (sms.segments && sms.message.length > SMS_LONG_MESSAGE_LENGTH && !warnedLong) {
        warnedLong = true;
        this.warn(statusText(RED, "acs-sms.warnings.longMessage", { length: sms.message.length, segments: sms.segments.segments, encoding: sms.segments.encoding }));
      }

      const clients = resource.clients();
      const queue = resource.sendQueue("sms", sms.from.value);
      status.watch(queue);
      const correlation = resource.correlation;
      const contact = isObject((msg as AcsMessage).contact) ? ((msg as AcsMessage).contact as Record<string, unknown>) : undefined;
      // Remembered per request as soon as it is answered: a delivery report may arrive before the rest is sent.
      const remember = (outcomes: RecipientOutcome[]) => {
        for (const outcome of outcomes) {
          if (outcome.status !== "queued" || !outcome.messageId) continue;
          correlation.remember({ channel: "sms", messageId: outcome.messageId, correlationId, to: outcome.to, from: sms.from.value, sentAt: Date.now(), ...(contact ? { contact } : {}) });
        }
      };
      const context = { queue, owner: this, onBatch: remember, signal: closing.signal };
      const outcomes = sms.attachments
        ? await sendMms(clients, { from: sms.from.value, to: sms.to, message: sms.message, attachments: sms.attachments }, context)
        : await sendSms(clients.sms(), { from: sms.from.value, to: sms.to, message: sms.message, enableDeliveryReport: def.deliveryReport !== false, tag: correlationId }, context);

      const failed = outcomes.filter((outcome) => outcome.status === "failed").length;
      if (failed > 0) this.status({ fill: "red", shape: "ring", text: statusText(RED, "acs-sms.status.someFailed", { failed, total: outcomes.length }) });
      const common = { channel: "sms", operation: "send", from: sms.from.value, correlationId, ...describeContent(sms) };
      if (def.outputMode === "single") {
        (msg as AcsMessage).acs = { ...common, status: failed > 0 ? "failed" : "queued", to: sms.to, failed, results: outcomes.map((outcome) => withoutUndefined({ ...outcome })) };
        send(msg);
        return;
      }
      send([perRecipient(RED, msg, outcomes, common)]);
    });

    this.on("close", (_removed: boolean, done: () => void) => {
      // Waiting messages fail at once; requests in flight get until the grace ends, then are aborted,
      // so the node closes within Node-RED's close timeout even when the service is slow to answer.
      const grace = setTimeout(() => closing.abort(), CLOSE_GRACE_MS);
      const finish = () => {
        clearTimeout(grace);
        done();
      };
      status.close(resource).then(finish, finish);
    });
  }

  RED.nodes.registerType("acs-sms", AcsSms as unknown as (this: Node, def: NodeDef) => void);
}

/** One msg per recipient: the incoming msg for the first, clones for the others. */
function perRecipient(RED: NodeAPI, msg: NodeMessageInFlow, outcomes: RecipientOutcome[], common: Record<string, unknown>): NodeMessage[] {
  const messages: AcsMessage[] = outcomes.map((_, i) => (i === 0 ? msg : (RED.util.cloneMessage(msg) as AcsMessage)));
  outcomes.forEach((outcome, i) => {
    messages[i].acs = { ...common, ...withoutUndefined({ ...outcome }) };
  });
  return messages;
}

function describeContent(sms: PreparedSms): Record<string, unknown> {
  if (sms.attachments) return { mms: true, attachments: sms.attachments.length };
  return sms.segments ? { segments: sms.segments.segments, encoding: sms.segments.encoding } : {};
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export = register;
