// What acs-sms does with the outcome of a send: remembers each accepted message for its delivery
// report, and maps the outcomes onto the msg (one msg per recipient, or one msg with every result).
import type { NodeMessage } from "node-red";
import type { CorrelationStore } from "../core/correlation-store";
import type { PreparedSms } from "./request";
import type { RecipientOutcome } from "./send";
import { withoutUndefined } from "../core/values";

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

/**
 * The messages to output: per recipient, the incoming msg for the first and clones for the others,
 * each with its own msg.acs; or the incoming msg alone with every result in msg.acs.results.
 */
export function resultMessages(
  msg: NodeMessage,
  outcomes: RecipientOutcome[],
  sms: PreparedSms,
  summary: SendSummary,
  mode: OutputMode,
  clone: (msg: NodeMessage) => NodeMessage,
): NodeMessage[] {
  const common = { channel: "sms", operation: "send", from: summary.from, correlationId: summary.correlationId, ...contentOf(sms) };
  if (mode === "single") {
    const failed = outcomes.filter((outcome) => outcome.status === "failed").length;
    const optedOut = outcomes.filter((outcome) => outcome.status === "optedOut").length;
    const results = outcomes.map((outcome) => withoutUndefined(outcome));
    const status = failed > 0 ? "failed" : optedOut === outcomes.length ? "optedOut" : "queued";
    (msg as AcsMessage).acs = { ...common, status, to: sms.to, failed, ...(optedOut > 0 ? { optedOut } : {}), results };
    return [msg];
  }
  const messages: AcsMessage[] = outcomes.map((_, i) => (i === 0 ? msg : clone(msg)));
  outcomes.forEach((outcome, i) => {
    messages[i].acs = { ...common, ...withoutUndefined(outcome) };
  });
  return messages;
}

function contentOf(sms: PreparedSms): Record<string, unknown> {
  if (sms.attachments) return { mms: true, attachments: sms.attachments.length };
  return sms.segments ? { segments: sms.segments.segments, encoding: sms.segments.encoding } : {};
}
