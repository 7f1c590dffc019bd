// Plays Event Grid for the sandbox: webhook subscriptions, the validation handshake, filtering,
// batching, delivery with Event Grid's headers, retries on its schedule (scaled by the clock),
// dead-lettering, optional duplicate deliveries, and a log of every attempt.
import { performHandshake, newValidationCode, describeError } from "./handshake";
import { retryDelayMs, isNonRetriableStatus, isSuccessStatus } from "./retry-schedule";
import { encodeBatch, notificationHeaders } from "./schemas";
import { matchesFilter, resolveSubscription } from "./subscription-options";
import { WebhookClient } from "./webhook-client";
import type {
  DeadLetterEntry,
  DeadLetterReason,
  DeliveryLogEntry,
  EventGridEventShape,
  SimulatedClock,
  SubscriptionHandle,
  SubscriptionInfo,
  SubscriptionOptions,
} from "./types";

/** The Event Grid topic (source) of the emulated ACS resource `resourceName`. */
export function resourceTopic(resourceName: string): string {
  return `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sandbox/providers/Microsoft.Communication/communicationServices/${resourceName}`;
}

export const defaultTopic = resourceTopic("sandbox");

export interface EventGridBrokerOptions {
  clock: SimulatedClock;
  /** Topic of the validation events (the ACS resource id). */
  topic?: string;
  /** A URL of the sandbox (only its origin counts), used to build each handshake's validationUrl. */
  validationBaseUrl?: string;
  /** Concurrent requests per subscription (default 8). */
  maxConcurrentDeliveries?: number;
  /** Entries kept in the delivery log (default 10000, oldest dropped first). */
  maxLogEntries?: number;
  /** Random source for the duplicate rate (tests may make it deterministic). */
  random?: () => number;
  /** Told of every attempt logged (the sandbox UI's live feed); must return quickly and never throw. */
  onAttempt?: (entry: DeliveryLogEntry) => void;
}

interface Batch {
  events: EventGridEventShape[];
  /** Simulated publish time of the batch's events. */
  publishedAt: number;
  /** Attempts made so far; the next attempt sends it as aeg-delivery-count. */
  attempts: number;
  duplicate: boolean;
}

interface Subscription {
  info: SubscriptionInfo;
  url: URL;
  ca?: SubscriptionOptions["ca"];
  validationCode: string;
  state: "validating" | "manual" | "validated" | "failed";
  pending: { event: EventGridEventShape; publishedAt: number }[];
  ready: Batch[];
  inFlight: number;
  flushQueued: boolean;
  abort: AbortController;
  timers: Set<NodeJS.Timeout>;
  settleValidation: (error?: Error) => void;
}

/** Event Grid waits 30 s for an answer; never less than a real second here. */
const answerTimeoutSimMs = 30_000;
const minimumRealTimeoutMs = 1000;
/** A webhook that answered the handshake without the code has 5 minutes to GET the validationUrl. */
const manualValidationWindowMs = 5 * 60_000;

export class EventGridBroker {
  private readonly clock: SimulatedClock;
  private readonly topic: string;
  private validationBaseUrl: string;
  private readonly maxConcurrent: number;
  private readonly maxLogEntries: number;
  private readonly random: () => number;
  private readonly onAttempt: (entry: DeliveryLogEntry) => void;
  private readonly client = new WebhookClient();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly log: DeliveryLogEntry[] = [];
  private readonly deadLetterList: DeadLetterEntry[] = [];
  private idleWaiters: (() => void)[] = [];
  private sequence = 0;
  private closed = false;

  constructor(options: EventGridBrokerOptions) {
    this.clock = options.clock;
    this.topic = options.topic ?? defaultTopic;
    this.validationBaseUrl = options.validationBaseUrl ?? "https://127.0.0.1";
    this.maxConcurrent = options.maxConcurrentDeliveries ?? 8;
    this.maxLogEntries = options.maxLogEntries ?? 10_000;
    this.random = options.random ?? Math.random;
    this.onAttempt = options.onAttempt ?? (() => undefined);
  }

  /** Set once the sandbox knows its address (any URL on it), so validationUrls point at its control API. */
  setValidationBaseUrl(baseUrl: string): void {
    this.validationBaseUrl = baseUrl;
  }

  subscribe(options: SubscriptionOptions): SubscriptionHandle {
    if (this.closed) throw new Error("the Event Grid broker is closed");
    const resolved = resolveSubscription(options, ++this.sequence);
    let settle: (error?: Error) => void = () => undefined;
    const validated = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    // Callers that only want deliveries may ignore the promise; a failed handshake must not crash them.
    validated.catch(() => undefined);
    const subscription: Subscription = {
      info: resolved.info,
      url: resolved.url,
      ca: resolved.ca,
      validationCode: newValidationCode(),
      state: "validating",
      pending: [],
      ready: [],
      inFlight: 0,
      flushQueued: false,
      abort: new AbortController(),
      timers: new Set(),
      settleValidation: settle,
    };
    this.subscriptions.set(subscription.info.id, subscription);
    void this.validate(subscription);
    return { id: subscription.info.id, validated };
  }

  unsubscribe(id: string): boolean {
    const subscription = this.subscriptions.get(id);
    if (!subscription) return false;
    this.subscriptions.delete(id);
    this.stop(subscription, new Error("the subscription was deleted"));
    this.notifyIfIdle();
    return true;
  }

  listSubscriptions(): SubscriptionInfo[] {
    return [...this.subscriptions.values()].map((subscription) => ({ ...subscription.info }));
  }

  getSubscription(id: string): SubscriptionInfo | undefined {
    const subscription = this.subscriptions.get(id);
    return subscription ? { ...subscription.info } : undefined;
  }

  /** The validationUrl route: completes a handshake the endpoint left for manual validation. */
  validateManually(id: string, code: string): boolean {
    const subscription = this.subscriptions.get(id);
    if (!subscription || subscription.state !== "manual" || code !== subscription.validationCode) return false;
    this.markValidated(subscription);
    return true;
  }

  publish(events: EventGridEventShape[]): void {
    if (this.closed) return;
    const publishedAt = this.clock.now();
    for (const subscription of this.subscriptions.values()) {
      if (subscription.state === "failed") continue;
      let added = false;
      for (const event of events) {
        if (!matchesFilter(subscription.info, event)) continue;
        subscription.pending.push({ event, publishedAt });
        added = true;
      }
      if (added) this.queueFlush(subscription);
    }
  }

  deliveries(subscriptionId?: string): DeliveryLogEntry[] {
    return this.log.filter((entry) => subscriptionId === undefined || entry.subscriptionId === subscriptionId);
  }

  deadLetters(subscriptionId?: string): DeadLetterEntry[] {
    return this.deadLetterList.filter((entry) => subscriptionId === undefined || entry.subscriptionId === subscriptionId);
  }

  /** Forgets the delivery log, the dead letters and every event not yet delivered; keeps subscriptions. */
  reset(): void {
    this.log.length = 0;
    this.deadLetterList.length = 0;
    for (const subscription of this.subscriptions.values()) {
      for (const timer of subscription.timers) clearTimeout(timer);
      subscription.timers.clear();
      subscription.pending = [];
      subscription.ready = [];
    }
    this.notifyIfIdle();
  }

  /** Resolves when no event is waiting, in flight or scheduled for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops every timer and aborts every request in flight. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions.values()) this.stop(subscription, new Error("the Event Grid broker was closed"));
    this.subscriptions.clear();
    this.client.close();
    this.notifyIfIdle();
  }

  private stop(subscription: Subscription, reason: Error): void {
    subscription.abort.abort();
    for (const timer of subscription.timers) clearTimeout(timer);
    subscription.timers.clear();
    subscription.pending = [];
    subscription.ready = [];
    if (subscription.state === "validating" || subscription.state === "manual") {
      subscription.state = "failed";
      subscription.settleValidation(reason);
    }
  }

  private timeoutMs(): number {
    return Math.max(minimumRealTimeoutMs, this.clock.toReal(answerTimeoutSimMs));
  }

  private schedule(subscription: Subscription, simMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      subscription.timers.delete(timer);
      if (!this.closed && this.subscriptions.has(subscription.info.id)) action();
      this.notifyIfIdle();
    }, this.clock.toReal(simMs));
    subscription.timers.add(timer);
  }

  private async validate(subscription: Subscription): Promise<void> {
    const { info } = subscription;
    const validation = new URL("/_sandbox/eventgrid/validate", this.validationBaseUrl);
    validation.searchParams.set("id", info.id);
    validation.searchParams.set("code", subscription.validationCode);
    const validationUrl = validation.toString();
    const result = await performHandshake({
      client: this.client,
      url: subscription.url,
      schema: info.schema,
      subscriptionName: info.name,
      topic: this.topic,
      eventTime: new Date(this.clock.now()).toISOString(),
      validationCode: subscription.validationCode,
      validationUrl,
      ca: subscription.ca,
      timeoutMs: this.timeoutMs(),
      signal: subscription.abort.signal,
    });
    if (subscription.abort.signal.aborted) return;
    const outcome = result.outcome === "failed" ? "validationFailed" : "validated";
    this.record({
      subscriptionId: info.id,
      subscriptionName: info.name,
      kind: "validation",
      eventIds: result.eventIds,
      eventTypes: result.eventIds.length > 0 ? ["Microsoft.EventGrid.SubscriptionValidationEvent"] : [],
      deliveryCount: 0,
      status: result.status,
      error: result.error,
      duplicate: false,
      time: new Date(this.clock.now()).toISOString(),
      outcome,
    });
    if (result.outcome === "validated") {
      this.markValidated(subscription);
    } else if (result.outcome === "manual") {
      subscription.state = "manual";
      info.provisioningState = "AwaitingManualAction";
      this.schedule(subscription, manualValidationWindowMs, () => {
        if (subscription.state === "manual") this.failValidation(subscription, "the validationUrl was not called within 5 minutes");
      });
    } else {
      this.failValidation(subscription, result.error ?? "the endpoint did not pass validation");
    }
  }

  private markValidated(subscription: Subscription): void {
    subscription.state = "validated";
    subscription.info.provisioningState = "Succeeded";
    subscription.settleValidation();
    this.queueFlush(subscription);
  }

  private failValidation(subscription: Subscription, reason: string): void {
    subscription.state = "failed";
    subscription.info.provisioningState = "Failed";
    subscription.pending = [];
    subscription.settleValidation(new Error(`Webhook validation handshake failed for ${subscription.info.endpoint}: ${reason}`));
    this.notifyIfIdle();
  }

  private queueFlush(subscription: Subscription): void {
    if (subscription.state !== "validated" || subscription.flushQueued) return;
    subscription.flushQueued = true;
    // Events published in the same tick share batches, as they would on the service.
    setImmediate(() => {
      subscription.flushQueued = false;
      if (this.closed || !this.subscriptions.has(subscription.info.id)) return;
      this.cutBatches(subscription);
      this.pump(subscription);
    });
  }

  private cutBatches(subscription: Subscription): void {
    const size = subscription.info.maxEventsPerBatch;
    while (subscription.pending.length > 0) {
      const slice = subscription.pending.splice(0, size);
      subscription.ready.push({
        events: slice.map((item) => item.event),
        publishedAt: Math.min(...slice.map((item) => item.publishedAt)),
        attempts: 0,
        duplicate: false,
      });
    }
  }

  private pump(subscription: Subscription): void {
    while (subscription.inFlight < this.maxConcurrent && subscription.ready.length > 0) {
      const batch = subscription.ready.shift();
      if (batch) void this.attempt(subscription, batch);
    }
    this.notifyIfIdle();
  }

  private async attempt(subscription: Subscription, batch: Batch): Promise<void> {
    const { info } = subscription;
    subscription.inFlight++;
    const deliveryCount = batch.attempts;
    const encoded = encodeBatch(batch.events, info.schema, info.maxEventsPerBatch);
    let status = 0;
    let error: string | undefined;
    try {
      const response = await this.client.send({
        method: "POST",
        url: subscription.url,
        headers: notificationHeaders(info.name, deliveryCount, batch.events[0].dataVersion, encoded.contentType),
        body: encoded.body,
        ca: subscription.ca,
        timeoutMs: this.timeoutMs(),
        signal: subscription.abort.signal,
      });
      status = response.status;
      if (!isSuccessStatus(status)) error = `HTTP ${status}`;
    } catch (caught) {
      error = describeError(caught);
    } finally {
      subscription.inFlight--;
    }
    batch.attempts++;
    const aborted = subscription.abort.signal.aborted;
    const outcome = aborted ? "aborted" : this.settleAttempt(subscription, batch, status);
    this.record({
      subscriptionId: info.id,
      subscriptionName: info.name,
      kind: "notification",
      eventIds: batch.events.map((event) => event.id),
      eventTypes: batch.events.map((event) => event.eventType),
      deliveryCount,
      status,
      error,
      duplicate: batch.duplicate,
      time: new Date(this.clock.now()).toISOString(),
      outcome,
    });
    if (!aborted) this.pump(subscription);
  }

  private settleAttempt(subscription: Subscription, batch: Batch, status: number): DeliveryLogEntry["outcome"] {
    const { info } = subscription;
    if (isSuccessStatus(status)) {
      if (!batch.duplicate) this.queueDuplicates(subscription, batch);
      return "delivered";
    }
    if (isNonRetriableStatus(status)) {
      this.deadLetter(subscription, batch, "NonRetriableHttpStatus", status);
      return "deadLettered";
    }
    if (batch.attempts >= info.maxDeliveryAttempts) {
      this.deadLetter(subscription, batch, "MaxDeliveryAttemptsExceeded", status);
      return "deadLettered";
    }
    const delay = retryDelayMs(batch.attempts);
    if (this.clock.now() + delay > batch.publishedAt + info.eventTimeToLiveInMinutes * 60_000) {
      this.deadLetter(subscription, batch, "TimeToLiveExceeded", status);
      return "deadLettered";
    }
    this.schedule(subscription, delay, () => {
      subscription.ready.push(batch);
      this.pump(subscription);
    });
    return "retry";
  }

  private queueDuplicates(subscription: Subscription, batch: Batch): void {
    const options = subscription.info.duplicates;
    if (!options) return;
    let extra = options.count ?? 0;
    if (options.rate !== undefined && options.rate > 0 && this.random() < options.rate) extra++;
    for (let index = 0; index < extra; index++) {
      subscription.ready.push({ ...batch, attempts: batch.attempts + index, duplicate: true });
    }
  }

  private deadLetter(subscription: Subscription, batch: Batch, reason: DeadLetterReason, status: number): void {
    const now = new Date(this.clock.now()).toISOString();
    for (const event of batch.events) {
      this.deadLetterList.push({
        subscriptionId: subscription.info.id,
        subscriptionName: subscription.info.name,
        event,
        deadLetterReason: reason,
        deliveryAttempts: batch.attempts,
        lastHttpStatusCode: status,
        lastDeliveryOutcome: describeOutcome(status),
        publishTime: new Date(batch.publishedAt).toISOString(),
        lastDeliveryAttemptTime: now,
      });
    }
  }

  private record(entry: DeliveryLogEntry): void {
    if (entry.error === undefined) delete entry.error;
    this.log.push(entry);
    if (this.log.length > this.maxLogEntries) this.log.splice(0, this.log.length - this.maxLogEntries);
    this.onAttempt(entry);
  }

  private isIdle(): boolean {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.state === "validating" || subscription.state === "manual") return false;
      if (subscription.pending.length > 0 || subscription.ready.length > 0) return false;
      if (subscription.inFlight > 0 || subscription.timers.size > 0 || subscription.flushQueued) return false;
    }
    return true;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function describeOutcome(status: number): string {
  switch (status) {
    case 0:
      return "TimedOutOrUnreachable";
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 413:
      return "RequestEntityTooLarge";
    default:
      return `HttpStatus${status}`;
  }
}
