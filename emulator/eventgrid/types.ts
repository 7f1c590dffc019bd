// Shapes of the Event Grid side: events in both delivery schemas, subscriptions, and what the
// broker records about each delivery attempt.

/** An event in the Event Grid schema, as Event Grid delivers it to a webhook. */
export interface EventGridEventShape<T = unknown> {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  dataVersion: string;
  metadataVersion: "1";
  data: T;
}

/** The same event in the CloudEvents 1.0 schema (structured mode). */
export interface CloudEventShape<T = unknown> {
  specversion: "1.0";
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: "application/json";
  data: T;
}

export type DeliverySchema = "EventGridSchema" | "CloudEventSchemaV1_0";

/** The time source of the sandbox: simulated milliseconds, and their real-time equivalent. */
export interface SimulatedClock {
  /** Simulated time, milliseconds since the epoch. */
  now(): number;
  /** Real milliseconds that a simulated span takes. */
  toReal(simMs: number): number;
}

export interface DuplicateDeliveryOptions {
  /** Extra deliveries of every successfully delivered batch (same event ids). */
  count?: number;
  /** Probability (0..1) of one extra delivery of a successfully delivered batch. */
  rate?: number;
}

/** Event Grid's string advanced filters (case-insensitive). An event without the key does not match. */
export interface AdvancedFilter {
  operatorType: "StringIn" | "StringNotIn" | "StringBeginsWith" | "StringEndsWith" | "StringContains";
  /** `eventType`, `subject`, `id`, or `data.<path>` (dots between nested keys). */
  key: string;
  values: string[];
}

export interface SubscriptionOptions {
  /** Webhook URL: https://..., or http:// on a loopback host. */
  endpoint: string;
  /** Subscription name, sent in aeg-subscription-name. Defaults to a generated one. */
  name?: string;
  schema?: DeliverySchema;
  /** Only these event types are delivered (all when absent or empty). */
  includedEventTypes?: string[];
  subjectBeginsWith?: string;
  subjectEndsWith?: string;
  /** All must match (AND), as Event Grid evaluates them. */
  advancedFilters?: AdvancedFilter[];
  /** 1..5000, default 1. */
  maxEventsPerBatch?: number;
  /** 1..30, default 30. */
  maxDeliveryAttempts?: number;
  /** 1..1440 simulated minutes, default 1440. */
  eventTimeToLiveInMinutes?: number;
  /** Certificate authority (PEM) trusted for an https endpoint. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Deliver events more than once, to test at-least-once handling. */
  duplicates?: DuplicateDeliveryOptions;
}

export interface SubscriptionInfo {
  id: string;
  name: string;
  endpoint: string;
  schema: DeliverySchema;
  includedEventTypes: string[];
  subjectBeginsWith?: string;
  subjectEndsWith?: string;
  advancedFilters?: AdvancedFilter[];
  maxEventsPerBatch: number;
  maxDeliveryAttempts: number;
  eventTimeToLiveInMinutes: number;
  duplicates?: DuplicateDeliveryOptions;
  provisioningState: "AwaitingManualAction" | "Creating" | "Succeeded" | "Failed";
}

export interface SubscriptionHandle {
  id: string;
  /** Resolves once the endpoint passed the validation handshake; rejects if it did not. */
  validated: Promise<void>;
}

/** One HTTP attempt made by the broker (handshakes included). */
export interface DeliveryLogEntry {
  subscriptionId: string;
  subscriptionName: string;
  kind: "validation" | "notification";
  eventIds: string[];
  eventTypes: string[];
  /** aeg-delivery-count sent with the attempt (0 for the first). */
  deliveryCount: number;
  /** HTTP status answered, 0 when the request failed without one. */
  status: number;
  error?: string;
  duplicate: boolean;
  /** Simulated time of the attempt (ISO 8601). */
  time: string;
  outcome: "delivered" | "retry" | "deadLettered" | "validated" | "validationFailed" | "aborted";
}

export type DeadLetterReason = "MaxDeliveryAttemptsExceeded" | "TimeToLiveExceeded" | "NonRetriableHttpStatus";

/** An event Event Grid gave up on, with the properties real dead-letter blobs carry. */
export interface DeadLetterEntry {
  subscriptionId: string;
  subscriptionName: string;
  event: EventGridEventShape;
  deadLetterReason: DeadLetterReason;
  deliveryAttempts: number;
  lastHttpStatusCode: number;
  lastDeliveryOutcome: string;
  publishTime: string;
  lastDeliveryAttemptTime: string;
}
