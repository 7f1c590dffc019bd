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
  const [correlation] = await correlateAll([fields], store);
  return correlation;
}

/** The correlation of each event of a batch, with one store lookup for the batch. */
export async function correlateAll(batch: readonly EventFields[], store: CorrelationStore | undefined): Promise<Correlation[]> {
  const lookups = batch.map((fields) => (store && fields.messageId && fields.channel ? fields.messageId : undefined));
  const found = store && lookups.some((messageId) => messageId !== undefined) ? await store.findMany(lookups) : [];
  return batch.map((fields, index) => correlation(fields, found[index]?.channel === fields.channel ? found[index] : undefined));
}

function correlation(fields: EventFields, sent: SentRecord | undefined): Correlation {
  const tag = fields.tag?.trim() ? fields.tag : undefined;
  const correlation: Correlation = {};
  const correlationId = tag ?? sent?.correlationId;
  if (correlationId !== undefined) correlation.correlationId = correlationId;
  if (sent) correlation.sent = sent;
  return correlation;
}
