// What acs-sms does with the outcome of a send: remembers each accepted message for its delivery
// report, and maps the outcomes onto the msg (one msg per recipient, or one msg with every result).
import type { NodeMessage } from "node-red";
import type { AcsSendInfo } from "../core/acs-message";
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

/** What an SMS says about its content: segments and encoding, or for an MMS its attachment count. */
type SmsContent = { segments?: number; encoding?: string } | { mms: true; attachments: number };

/** msg.acs of acs-sms: the contract's fields, the content, and per recipient the service's answer. */
export type SmsAcs = AcsSendInfo &
  SmsContent & {
    httpStatusCode?: number;
    /** Single mode: how many recipients failed, and every recipient's result. */
    failed?: number;
    results?: RecipientOutcome[];
  };

type AcsMessage = NodeMessage & { acs?: SmsAcs };

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
  // status and to come first: they tell two results apart in the debug sidebar's preview.
  const common = { channel: "sms", operation: "send", from: summary.from, correlationId: summary.correlationId, ...contentOf(sms) } as const;
  if (mode === "single") {
    const failed = outcomes.filter((outcome) => outcome.status === "failed").length;
    (msg as AcsMessage).acs = { status: failed > 0 ? "failed" : "queued", to: sms.to, failed, ...common, results: outcomes.map(resultOf) };
    return [msg];
  }
  const messages: AcsMessage[] = outcomes.map((_, i) => (i === 0 ? msg : clone(msg)));
  outcomes.forEach((outcome, i) => {
    const { status, to, ...answer } = resultOf(outcome);
    messages[i].acs = { status, to, ...common, ...answer };
  });
  return messages;
}

/** One recipient's result, status and number first, without absent fields. */
function resultOf(outcome: RecipientOutcome): RecipientOutcome {
  return withoutUndefined({ status: outcome.status, to: outcome.to, messageId: outcome.messageId, httpStatusCode: outcome.httpStatusCode, error: outcome.error });
}

function contentOf(sms: PreparedSms): SmsContent {
  if (sms.attachments) return { mms: true, attachments: sms.attachments.length };
  return sms.segments ? { segments: sms.segments.segments, encoding: sms.segments.encoding } : {};
}
