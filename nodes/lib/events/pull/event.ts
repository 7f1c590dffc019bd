// A received event in the webhook's terms. The SDK hands over a CloudEvent object; it is written back
// as CloudEvents JSON and read by the same parser the webhook uses, so both sources check events the
// same way and emit the same message for the same event.
import type { CloudEvent } from "@azure/eventgrid-namespaces";
import { parseEvents, type ParsedEvent } from "../parse";

/** The event as the webhook would have parsed it; throws an AcsError saying what is wrong. */
export async function parsePulledEvent(event: CloudEvent<unknown>): Promise<ParsedEvent> {
  const [parsed] = await parseEvents(cloudEventJson(event));
  return parsed;
}

function cloudEventJson(event: CloudEvent<unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = { specversion: event.specVersion ?? "1.0", id: event.id, source: event.source, type: event.type };
  if (event.time instanceof Date && !Number.isNaN(event.time.getTime())) json.time = event.time.toISOString();
  if (event.subject !== undefined) json.subject = event.subject;
  if (event.dataContentType !== undefined) json.datacontenttype = event.dataContentType;
  if (event.dataSchema !== undefined) json.dataschema = event.dataSchema;
  if (event.data !== undefined) json.data = event.data;
  return json;
}
