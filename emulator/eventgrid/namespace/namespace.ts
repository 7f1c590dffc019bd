// The sandbox's Event Grid namespace: its topics, each with queue-mode event subscriptions, and the
// access key. Publishing to a topic copies the events into every subscription of the topic, as the
// service does. The ACS resource's system events are routed into the default topic.
import { join } from "node:path";
import { NamespacePersistence } from "./persistence";
import { SubscriptionQueue, type NamespaceDeadLetter, type NamespaceEvent, type QueueClock, type QueueSettings } from "./subscription-queue";

/**
 * The namespace's well-known development key (like SANDBOX_ACCESS_KEY): public, printed, good for
 * nothing but a local sandbox.
 */
export const SANDBOX_NAMESPACE_KEY = "c2FuZGJveC1ldmVudGdyaWQtbmFtZXNwYWNlLWRldmVsb3BtZW50LWtleQ==";

export interface NamespaceOptions {
  /** The topic ACS events are routed into (default "acs-events"). */
  topic?: string;
  /** Its queue-mode event subscription (default "node-red"). */
  subscription?: string;
  /** Simulated seconds a received event stays locked (default 60). */
  lockDurationSeconds?: number;
  /** Receives of one event before it is dead-lettered (default 10). */
  maxDeliveryCount?: number;
  /** The key `SharedAccessKey` requests must carry (default SANDBOX_NAMESPACE_KEY). */
  key?: string;
  /**
   * More queue-mode subscriptions on the topic, with the same settings. Each gets its own copy of
   * every event, as each event subscription of a namespace topic does (one per consuming application).
   */
  subscriptions?: string[];
}

/** The file in the sandbox's state directory that keeps the namespace's events across restarts. */
export const NAMESPACE_STATE_FILE = "namespace.json";

export interface NamespaceSnapshot {
  topic: string;
  subscription: string;
  /** Events waiting to be received (delayed releases included). */
  depth: number;
  /** Events received and not yet settled. */
  locked: number;
  /** Receive requests waiting for an event. */
  waitingReceivers: number;
  deadLetters: NamespaceDeadLetter[];
  lockDurationSeconds: number;
  maxDeliveryCount: number;
}

export class EventGridNamespace {
  readonly key: string;
  readonly topic: string;
  readonly subscription: string;
  private readonly topics = new Map<string, Map<string, SubscriptionQueue>>();
  private readonly persistence?: NamespacePersistence;

  /** With `stateDir`, unsettled events and dead letters are kept there across restarts. */
  constructor(clock: QueueClock, options: NamespaceOptions = {}, stateDir?: string) {
    this.key = options.key ?? SANDBOX_NAMESPACE_KEY;
    this.topic = checkName(options.topic ?? "acs-events", "namespace.topic");
    this.subscription = checkName(options.subscription ?? "node-red", "namespace.subscription");
    const settings: QueueSettings = {
      lockDurationSeconds: checkRange(options.lockDurationSeconds ?? 60, 1, 300, "namespace.lockDurationSeconds"),
      maxDeliveryCount: checkRange(options.maxDeliveryCount ?? 10, 1, 10, "namespace.maxDeliveryCount"),
    };
    const queue = new SubscriptionQueue(this.topic, this.subscription, clock, settings);
    const queues = new Map([[this.subscription, queue]]);
    // More subscriptions (e.g. one per acs-events node of the demo); only the default one is persisted.
    for (const name of options.subscriptions ?? []) {
      const checked = checkName(name, "namespace.subscriptions");
      if (![...queues.keys()].some((known) => known.toLowerCase() === checked.toLowerCase())) queues.set(checked, new SubscriptionQueue(this.topic, checked, clock, settings));
    }
    this.topics.set(this.topic, queues);
    if (stateDir !== undefined) {
      const file = join(stateDir, NAMESPACE_STATE_FILE);
      const saved = NamespacePersistence.read(file, this.topic, this.subscription);
      if (saved) queue.importState(saved);
      const persistence = new NamespacePersistence(file, () => ({ version: 1, topic: this.topic, subscription: this.subscription, ...queue.exportState() }));
      queue.onChange = () => persistence.changed();
      this.persistence = persistence;
    }
  }

  /** Whether the namespace has the topic (names compare case-insensitively, as Azure resource names do). */
  hasTopic(topic: string): boolean {
    return this.findTopic(topic) !== undefined;
  }

  subscriptionQueue(topic: string, subscription: string): SubscriptionQueue | undefined {
    const subscriptions = this.findTopic(topic);
    if (!subscriptions) return undefined;
    for (const [name, queue] of subscriptions) if (name.toLowerCase() === subscription.toLowerCase()) return queue;
    return undefined;
  }

  /** Copies the events into every subscription of the topic; false when there is no such topic. */
  publish(topic: string, events: NamespaceEvent[]): boolean {
    const subscriptions = this.findTopic(topic);
    if (!subscriptions) return false;
    for (const queue of subscriptions.values()) queue.publish(events);
    return true;
  }

  /** The default topic and subscription, for the control API. */
  snapshot(): NamespaceSnapshot {
    const queue = this.defaultQueue();
    return {
      topic: this.topic,
      subscription: this.subscription,
      depth: queue.depth,
      locked: queue.lockedCount,
      waitingReceivers: queue.waitingReceivers,
      deadLetters: queue.deadLetters(),
      lockDurationSeconds: queue.settings.lockDurationSeconds,
      maxDeliveryCount: queue.settings.maxDeliveryCount,
    };
  }

  /** Changes the lock duration and max delivery count at run time (new locks use them). */
  configure(value: unknown): void {
    if (typeof value !== "object" || value === null) throw new Error("namespace settings must be an object");
    const { lockDurationSeconds, maxDeliveryCount } = value as Partial<QueueSettings>;
    const settings = this.defaultQueue().settings;
    if (lockDurationSeconds !== undefined) settings.lockDurationSeconds = checkRange(lockDurationSeconds, 1, 300, "lockDurationSeconds");
    if (maxDeliveryCount !== undefined) settings.maxDeliveryCount = checkRange(maxDeliveryCount, 1, 10, "maxDeliveryCount");
  }

  reset(): void {
    for (const subscriptions of this.topics.values()) for (const queue of subscriptions.values()) queue.reset();
  }

  close(): void {
    // Saved before the queues close, which forgets their contents.
    this.persistence?.close();
    for (const subscriptions of this.topics.values()) for (const queue of subscriptions.values()) queue.close();
  }

  private defaultQueue(): SubscriptionQueue {
    return this.topics.get(this.topic)?.get(this.subscription) as SubscriptionQueue;
  }

  private findTopic(topic: string): Map<string, SubscriptionQueue> | undefined {
    for (const [name, subscriptions] of this.topics) if (name.toLowerCase() === topic.toLowerCase()) return subscriptions;
    return undefined;
  }
}

/** Namespace topic and subscription names: 3..50 letters, digits and hyphens. */
function checkName(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9-]{3,50}$/.test(value)) {
    throw new Error(`${field} must be 3 to 50 letters, digits or hyphens, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkRange(value: unknown, min: number, max: number, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}
