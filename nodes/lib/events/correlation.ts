// Matches an event to the send it reports on: the correlationId travels as the SMS tag; for every
// channel the send node's record is looked up by messageId in the correlation store.
import type { SentRecord } from "../core/acs-message";
import type { CorrelationStore } from "../core/correlation-store";
import type { EventFields } from "./normalise";

export interface Correlation {
  correlationId?: string;
  /** What the send node recorded: recipient, sender, time, the flow's msg.contact. */
  sent?: SentRecord;
}

export async function correlate(fields: EventFields, store: CorrelationStore | undefined): Promise<Correlation> {
  const tag = fields.tag?.trim() ? fields.tag : undefined;
  let sent: SentRecord | undefined;
  if (store && fields.messageId && fields.channel) {
    const found = await store.find(fields.messageId);
    if (found?.channel === fields.channel) sent = found;
  }
  const correlation: Correlation = {};
  const correlationId = tag ?? sent?.correlationId;
  if (correlationId !== undefined) correlation.correlationId = correlationId;
  if (sent) correlation.sent = sent;
  return correlation;
}
