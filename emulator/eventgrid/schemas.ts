// Turns broker events (kept in the Event Grid schema) into what a subscription's schema delivers,
// and picks the content type and delivery headers Event Grid sends with them.
import type { CloudEventShape, DeliverySchema, EventGridEventShape } from "./types";

export function toCloudEvent<T>(event: EventGridEventShape<T>): CloudEventShape<T> {
  return {
    specversion: "1.0",
    id: event.id,
    source: event.topic,
    type: event.eventType,
    time: event.eventTime,
    subject: event.subject,
    datacontenttype: "application/json",
    data: event.data,
  };
}

export interface EncodedBatch {
  contentType: string;
  body: string;
}

/**
 * Event Grid schema: always an array. CloudEvents: one event in structured mode when batching is
 * off (maxEventsPerBatch 1), an array in batched mode otherwise.
 */
export function encodeBatch(events: EventGridEventShape[], schema: DeliverySchema, maxEventsPerBatch: number): EncodedBatch {
  if (schema === "EventGridSchema") return { contentType: "application/json", body: JSON.stringify(events) };
  const cloudEvents = events.map((event) => toCloudEvent(event));
  if (maxEventsPerBatch === 1 && cloudEvents.length === 1) {
    return { contentType: "application/cloudevents+json; charset=utf-8", body: JSON.stringify(cloudEvents[0]) };
  }
  return { contentType: "application/cloudevents-batch+json; charset=utf-8", body: JSON.stringify(cloudEvents) };
}

export function notificationHeaders(
  subscriptionName: string,
  deliveryCount: number,
  dataVersion: string,
  contentType: string,
): Record<string, string> {
  return {
    "content-type": contentType,
    "aeg-event-type": "Notification",
    "aeg-subscription-name": subscriptionName.toUpperCase(),
    "aeg-delivery-count": String(deliveryCount),
    "aeg-metadata-version": "1",
    "aeg-data-version": dataVersion,
  };
}
