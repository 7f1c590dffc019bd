// What acs-sms does with the outcome of a send: remembers each accepted message for its delivery
// report, and maps the outcomes onto the msg (one msg per recipient, or one msg with every result).
import type { NodeMessage } from "node-red";
import type { CorrelationStore } from "../core/correlation-store";
import type { PreparedSms } from "./request";
import type { RecipientOutcome } from "./send";
import { mapInSlices, TimeSlice } from "../core/time-slice";

export type OutputMode = "perRecipient" | "single";

export interface SendSummary {
  from: string;
  correlationId: string;
  /** The flow's msg.contact: the recipient's other contact details, kept for fallbacks. */
  contact?: Record<string, unknown>;
}

type AcsMessage = NodeMessage & { acs?: Record<string, unknown> };

/** The onBatch callback that remembers each accepted recipient in the correlation store. */
export function correlationRecorder(store: CorrelationStore, summary: SendSummary): (outcomes: RecipientOutcome[]) => void {
  return (outcomes) => {
    for (const outcome of outcomes) {
      if (outcome.status !== "queued" || !outcome.messageId) continue;
      store.remember({
        channel: "sms",
        messageId: outcome.messageId,
        correlationId: summary.correlationId,
        to: outcome.to,
        from: summary.from,
        sentAt: Date.now(),
        contact: summary.contact,
      });
    }
  };
}

/** How the results leave the node. */
export interface ResultWriter {
  /** Node-RED's cloneMessage. */
  clone: (msg: NodeMessage) => NodeMessage;
  /** Sends some messages on the node's output (called once per time slice). */
  send: (messages: NodeMessage[]) => void;
  /**
   * The msg property the recipient list was read from (the To field's msg property), when it was
   * one: with several recipients, each msg gets its own number there instead of the whole list.
   */
  recipients?: { set(msg: NodeMessage, value: unknown): void };
}

/**
 * Outputs the results: per recipient, the incoming msg for the first and clones for the others, each
 * with its own msg.acs; or the incoming msg alone with every result in msg.acs.results. The work is
 * linear in the recipients and done in time slices: the clones are made from one copy of the msg
 * without its recipient list, and each slice's messages are sent before the next slice starts.
 */
export async function sendResults(
  msg: NodeMessage,
  outcomes: readonly RecipientOutcome[],
  sms: PreparedSms,
  summary: SendSummary,
  mode: OutputMode,
  writer: ResultWriter,
  slice = new TimeSlice(),
): Promise<void> {
  const common = { channel: "sms", operation: "send", from: summary.from, correlationId: summary.correlationId, ...contentOf(sms) };
  if (mode === "single") {
    const results = await mapInSlices(outcomes, resultOf, slice);
    const failed = outcomes.reduce((count, outcome) => count + (outcome.status === "failed" ? 1 : 0), 0);
    (msg as AcsMessage).acs = { ...common, status: failed > 0 ? "failed" : "queued", to: sms.to, failed, results };
    writer.send([msg]);
    return;
  }
  const template = outcomes.length > 1 ? withoutRecipientList(msg, writer) : msg;
  let pending: NodeMessage[] = [];
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i];
    const out = (i === 0 ? msg : writer.clone(template)) as AcsMessage;
    if (template !== msg) writer.recipients?.set(out, outcome.to);
    out.acs = { ...common, ...resultOf(outcome) };
    pending.push(out);
    if ((i & 63) === 63 && slice.spent) {
      writer.send(pending);
      pending = [];
      await slice.pause();
    }
  }
  if (pending.length > 0) writer.send(pending);
}

/** The copy every clone is made from: the msg without the list of every recipient (cloning it per recipient would cost n²). */
function withoutRecipientList(msg: NodeMessage, writer: ResultWriter): NodeMessage {
  if (!writer.recipients) return msg;
  writer.recipients.set(msg, undefined);
  return writer.clone(msg);
}

/** One recipient's result, without the fields it does not have. */
function resultOf(outcome: RecipientOutcome): Record<string, unknown> {
  const result: Record<string, unknown> = { to: outcome.to, status: outcome.status };
  if (outcome.messageId !== undefined) result.messageId = outcome.messageId;
  if (outcome.httpStatusCode !== undefined) result.httpStatusCode = outcome.httpStatusCode;
  if (outcome.error !== undefined) result.error = outcome.error;
  return result;
}

function contentOf(sms: PreparedSms): Record<string, unknown> {
  if (sms.attachments) return { mms: true, attachments: sms.attachments.length };
  return sms.segments ? { segments: sms.segments.segments, encoding: sms.segments.encoding } : {};
}
