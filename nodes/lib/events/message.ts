// The message an event becomes: msg.topic the event type, msg.payload its data, msg.event the
// envelope, msg.acs the package's common fields (with msg.acs.sent, what the send node recorded),
// and msg.correlationId / msg.contact so that a fallback send node carries them on by itself.
import type { NodeMessage } from "node-red";
import type { Correlation } from "./correlation";
import type { EventFields } from "./normalise";
import type { ParsedEvent } from "./parse";
import type { AcsEventInfo } from "../core/acs-message";

export interface EventEnvelope {
  id: string;
  type: string;
  source: string;
  subject?: string;
  time?: string;
  schema: ParsedEvent["schema"];
  dataVersion?: string;
}

export interface EventMessage extends NodeMessage {
  _msgid: string;
  topic: string;
  payload: unknown;
  event: EventEnvelope;
  acs: AcsEventInfo;
  correlationId?: string;
  contact?: Record<string, unknown>;
}

/** The message of an event; `fields` (normaliseEvent's, made for this message) becomes its msg.acs. */
export function eventMessage(msgId: string, event: ParsedEvent, fields: EventFields, correlation: Correlation): EventMessage {
  // Completed in place rather than copied: this runs once per event.
  const acs = fields as AcsEventInfo;
  acs.operation = "event";
  acs.eventType = event.type;
  if (correlation.correlationId !== undefined) acs.correlationId = correlation.correlationId;
  if (correlation.sent) acs.sent = correlation.sent;
  const envelope: EventEnvelope = { id: event.id, type: event.type, source: event.source, schema: event.schema };
  if (event.subject !== undefined) envelope.subject = event.subject;
  if (event.time !== undefined) envelope.time = event.time;
  if (event.dataVersion !== undefined) envelope.dataVersion = event.dataVersion;
  const msg: EventMessage = { _msgid: msgId, topic: event.type, payload: event.data, event: envelope, acs };
  if (correlation.correlationId !== undefined) msg.correlationId = correlation.correlationId;
  if (correlation.sent?.contact) msg.contact = correlation.sent.contact;
  return msg;
}
