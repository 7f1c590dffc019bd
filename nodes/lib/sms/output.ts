// What acs-sms does with the outcome of a send: remembers each accepted message for its delivery
// report, and maps the outcomes onto the msg (one msg per recipient, or one msg with every result).
import type { NodeMessage } from "node-red";
import type { AcsSendInfo } from "../core/acs-message";
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

/** What an SMS says about its content: segments and encoding, or for an MMS its attachment count. */
type SmsContent = { segments?: number; encoding?: string } | { mms: true; attachments: number };

/** msg.acs of acs-sms: the contract's fields, the content, and per recipient the service's answer. */
export type SmsAcs = AcsSendInfo &
  SmsContent & {
    httpStatusCode?: number;
    /** Single mode: how many recipients failed, how many were skipped as opted out, and every recipient's result. */
    failed?: number;
    optedOut?: number;
    results?: RecipientOutcome[];
  };

type AcsMessage = NodeMessage & { acs?: SmsAcs };

/** The onBatch callback that remembers each accepted recipient in the correlation store. */
export function correlationRecorder(store: CorrelationStore, summary: SendSummary): (outcomes: RecipientOutcome[]) => void {
  return (outcomes) => recordSent(store, summary, outcomes);
}

/** Remembers each accepted recipient in the correlation store, for its delivery report. */
export function recordSent(store: CorrelationStore, summary: SendSummary, outcomes: readonly RecipientOutcome[]): void {
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
  // status and to come first: they tell two results apart in the debug sidebar's preview.
  const common = { channel: "sms", operation: "send", from: summary.from, correlationId: summary.correlationId, ...contentOf(sms) } as const;
  if (mode === "single") {
    const results = await mapInSlices(outcomes, resultOf, slice);
    const failed = outcomes.reduce((count, outcome) => count + (outcome.status === "failed" ? 1 : 0), 0);
    const optedOut = outcomes.reduce((count, outcome) => count + (outcome.status === "optedOut" ? 1 : 0), 0);
    const status = failed > 0 ? "failed" : optedOut === outcomes.length ? "optedOut" : "queued";
    (msg as AcsMessage).acs = { status, to: sms.to, failed, ...(optedOut > 0 ? { optedOut } : {}), ...common, results };
    writer.send([msg]);
    return;
  }
  const template = outcomes.length > 1 ? withoutRecipientList(msg, writer) : msg;
  let pending: NodeMessage[] = [];
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i];
    const out = (i === 0 ? msg : writer.clone(template)) as AcsMessage;
    if (template !== msg) writer.recipients?.set(out, outcome.to);
    const { status, to, ...answer } = resultOf(outcome);
    out.acs = { status, to, ...common, ...answer };
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

/** One recipient's result, status and number first, without absent fields (built directly: this runs once per recipient). */
function resultOf(outcome: RecipientOutcome): RecipientOutcome {
  const result: RecipientOutcome = { status: outcome.status, to: outcome.to };
  if (outcome.messageId !== undefined) result.messageId = outcome.messageId;
  if (outcome.httpStatusCode !== undefined) result.httpStatusCode = outcome.httpStatusCode;
  if (outcome.error !== undefined) result.error = outcome.error;
  return result;
}

function contentOf(sms: PreparedSms): SmsContent {
  if (sms.attachments) return { mms: true, attachments: sms.attachments.length };
  return sms.segments ? { segments: sms.segments.segments, encoding: sms.segments.encoding } : {};
}
