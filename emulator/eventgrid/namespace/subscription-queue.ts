// One queue-mode event subscription of a namespace topic: events wait until a receiver locks them;
// a lock is settled by acknowledge, release (optionally delayed), reject (dead letter) or renewed,
// and an unsettled lock expires so the event is delivered again with deliveryCount + 1, until the
// maximum delivery count dead-letters it. Receivers compete: an event is locked by one at a time.
// Durations are simulated (the sandbox clock), so tests can shorten lock and wait times.
import { randomBytes } from "node:crypto";

/** A CloudEvent 1.0 as published: the required attributes, and whatever else the publisher sent. */
export interface NamespaceEvent {
  id: string;
  source: string;
  type: string;
  specversion: string;
  [attribute: string]: unknown;
}

/** The timers the queue needs (the sandbox Clock provides them). */
export interface QueueClock {
  now(): number;
  setTimeout(fn: () => void, simMs: number): NodeJS.Timeout;
  clearTimeout(handle: NodeJS.Timeout): void;
}

export interface QueueSettings {
  /** Simulated seconds an event stays locked to its receiver (the service allows 60..300; default 60). */
  lockDurationSeconds: number;
  /** Receives of one event before it is dead-lettered (1..10; default 10). */
  maxDeliveryCount: number;
}

export type NamespaceDeadLetterReason = "Rejected" | "MaxDeliveryCountExceeded";

export interface NamespaceDeadLetter {
  event: NamespaceEvent;
  deadLetterReason: NamespaceDeadLetterReason;
  deliveryCount: number;
  /** Simulated times (ISO 8601). */
  publishTime: string;
  deadLetterTime: string;
}

export interface ReceivedEvent {
  brokerProperties: { lockToken: string; deliveryCount: number };
  event: NamespaceEvent;
}

export interface LockTokenFailure {
  lockToken: string;
  error: { code: string; message: string };
}

export interface SettleResult {
  failedLockTokens: LockTokenFailure[];
  succeededLockTokens: string[];
}

interface Entry {
  event: NamespaceEvent;
  publishedAt: number;
  deliveryCount: number;
  lock?: { token: string; timer: NodeJS.Timeout };
  /** A delayed release waiting to make the event available again, and when (simulated). */
  delayTimer?: NodeJS.Timeout;
  availableAt?: number;
}

/** What survives a restart: every event not yet settled (a lock does not), and the dead letters. */
export interface QueueState {
  events: { event: NamespaceEvent; publishedAt: number; deliveryCount: number; availableAt?: number }[];
  deadLetters: NamespaceDeadLetter[];
}

interface Waiter {
  maxEvents: number;
  resolve(events: ReceivedEvent[]): void;
  timer: NodeJS.Timeout;
}

/** Dead letters kept for the control API (oldest dropped first). */
const MAX_DEAD_LETTERS = 10_000;

export class SubscriptionQueue {
  /** Events ready to be received, oldest first; `head` skips those already taken. */
  private available: Entry[] = [];
  private head = 0;
  private readonly locked = new Map<string, Entry>();
  private readonly delayed = new Set<Entry>();
  private waiters: Waiter[] = [];
  private readonly deadLetterList: NamespaceDeadLetter[] = [];
  private dispatchQueued = false;
  private closed = false;
  /** Called after every change of the queue's contents (the namespace saves them). */
  onChange: () => void = () => undefined;

  constructor(
    readonly topic: string,
    readonly name: string,
    private readonly clock: QueueClock,
    readonly settings: QueueSettings,
  ) {}

  publish(events: NamespaceEvent[]): void {
    if (this.closed) return;
    const publishedAt = this.clock.now();
    for (const event of events) this.available.push({ event, publishedAt, deliveryCount: 0 });
    this.queueDispatch();
    this.onChange();
  }

  /**
   * Resolves with up to `maxEvents` locked events as soon as any is available, or with none after
   * `maxWaitMs` simulated milliseconds. Aborting the signal (the client went away) gives up the wait
   * without locking anything for it.
   */
  receive(maxEvents: number, maxWaitMs: number, signal?: AbortSignal): Promise<ReceivedEvent[]> {
    if (this.closed || signal?.aborted) return Promise.resolve([]);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        maxEvents,
        resolve: (events) => {
          this.clock.clearTimeout(waiter.timer);
          signal?.removeEventListener("abort", onAbort);
          resolve(events);
        },
        timer: this.clock.setTimeout(() => this.dropWaiter(waiter), maxWaitMs),
      };
      const onAbort = (): void => this.dropWaiter(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  acknowledge(tokens: string[]): SettleResult {
    return this.settle(tokens, (entry) => this.unlock(entry));
  }

  /** `delaySeconds` (simulated) before the event can be received again. */
  release(tokens: string[], delaySeconds: number): SettleResult {
    return this.settle(tokens, (entry) => {
      this.unlock(entry);
      this.makeAvailable(entry, delaySeconds * 1000);
    });
  }

  reject(tokens: string[]): SettleResult {
    return this.settle(tokens, (entry) => {
      this.unlock(entry);
      this.deadLetter(entry, "Rejected");
    });
  }

  renewLocks(tokens: string[]): SettleResult {
    return this.settle(tokens, (entry) => {
      if (!entry.lock) return;
      this.clock.clearTimeout(entry.lock.timer);
      entry.lock.timer = this.lockTimer(entry);
    });
  }

  /** Events waiting to be received (delayed releases included), not counting locked ones. */
  get depth(): number {
    return this.available.length - this.head + this.delayed.size;
  }

  get lockedCount(): number {
    return this.locked.size;
  }

  get waitingReceivers(): number {
    return this.waiters.length;
  }

  deadLetters(): NamespaceDeadLetter[] {
    return [...this.deadLetterList];
  }

  /** The events and dead letters to keep across a restart; locked events count as available again. */
  exportState(): QueueState {
    const events: QueueState["events"] = [];
    const add = (entry: Entry, availableAt?: number) =>
      events.push({ event: entry.event, publishedAt: entry.publishedAt, deliveryCount: entry.deliveryCount, ...(availableAt === undefined ? {} : { availableAt }) });
    for (let index = this.head; index < this.available.length; index++) add(this.available[index]);
    for (const entry of this.locked.values()) add(entry);
    for (const entry of this.delayed) add(entry, entry.availableAt);
    return { events, deadLetters: [...this.deadLetterList] };
  }

  /** Takes back what exportState gave before a restart (delayed releases keep what is left of their delay). */
  importState(state: QueueState): void {
    const now = this.clock.now();
    for (const saved of state.events) {
      const entry: Entry = { event: saved.event, publishedAt: saved.publishedAt, deliveryCount: saved.deliveryCount };
      const delayMs = Math.min((saved.availableAt ?? now) - now, 3600_000);
      if (delayMs > 0) this.delay(entry, delayMs);
      else this.available.push(entry);
    }
    this.deadLetterList.push(...state.deadLetters);
    this.queueDispatch();
  }

  /** Forgets every event, lock and dead letter; receivers waiting keep waiting. */
  reset(): void {
    for (const entry of this.locked.values()) if (entry.lock) this.clock.clearTimeout(entry.lock.timer);
    for (const entry of this.delayed) if (entry.delayTimer) this.clock.clearTimeout(entry.delayTimer);
    this.locked.clear();
    this.delayed.clear();
    this.available = [];
    this.head = 0;
    this.deadLetterList.length = 0;
    this.onChange();
  }

  /** Answers every waiting receive with no events and stops every timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.reset();
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve([]);
  }

  private settle(tokens: string[], action: (entry: Entry) => void): SettleResult {
    const result: SettleResult = { failedLockTokens: [], succeededLockTokens: [] };
    for (const token of tokens) {
      const entry = this.locked.get(token);
      if (entry) {
        action(entry);
        result.succeededLockTokens.push(token);
      } else {
        result.failedLockTokens.push({ lockToken: token, error: lockTokenError(token) });
      }
    }
    if (result.succeededLockTokens.length > 0) this.onChange();
    return result;
  }

  private dropWaiter(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
    waiter.resolve([]);
  }

  private queueDispatch(): void {
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    // Events published in the same tick reach one receiver together, not one per answer.
    setImmediate(() => {
      this.dispatchQueued = false;
      if (!this.closed) this.dispatch();
    });
  }

  /** Hands available events to waiting receivers, oldest receiver first. */
  private dispatch(): void {
    while (this.waiters.length > 0 && this.head < this.available.length) {
      const waiter = this.waiters.shift() as Waiter;
      const taken: ReceivedEvent[] = [];
      while (taken.length < waiter.maxEvents && this.head < this.available.length) {
        const entry = this.available[this.head];
        this.available[this.head++] = undefined as unknown as Entry;
        taken.push(this.lock(entry));
      }
      waiter.resolve(taken);
      this.onChange();
    }
    this.compact();
  }

  private lock(entry: Entry): ReceivedEvent {
    entry.deliveryCount++;
    const token = newLockToken();
    entry.lock = { token, timer: this.lockTimer(entry) };
    this.locked.set(token, entry);
    return { brokerProperties: { lockToken: token, deliveryCount: entry.deliveryCount }, event: entry.event };
  }

  private lockTimer(entry: Entry): NodeJS.Timeout {
    return this.clock.setTimeout(() => {
      // Not settled in time: delivered again, unless it has used up its deliveries.
      this.unlock(entry);
      this.makeAvailable(entry, 0);
      this.onChange();
    }, this.settings.lockDurationSeconds * 1000);
  }

  private unlock(entry: Entry): void {
    if (!entry.lock) return;
    this.clock.clearTimeout(entry.lock.timer);
    this.locked.delete(entry.lock.token);
    entry.lock = undefined;
  }

  private makeAvailable(entry: Entry, delayMs: number): void {
    if (entry.deliveryCount >= this.settings.maxDeliveryCount) {
      this.deadLetter(entry, "MaxDeliveryCountExceeded");
      return;
    }
    if (delayMs <= 0) {
      this.available.push(entry);
      this.queueDispatch();
      return;
    }
    this.delay(entry, delayMs);
  }

  private delay(entry: Entry, delayMs: number): void {
    this.delayed.add(entry);
    entry.availableAt = this.clock.now() + delayMs;
    entry.delayTimer = this.clock.setTimeout(() => {
      this.delayed.delete(entry);
      entry.delayTimer = undefined;
      entry.availableAt = undefined;
      this.available.push(entry);
      this.dispatch();
    }, delayMs);
  }

  private deadLetter(entry: Entry, reason: NamespaceDeadLetterReason): void {
    this.deadLetterList.push({
      event: entry.event,
      deadLetterReason: reason,
      deliveryCount: entry.deliveryCount,
      publishTime: new Date(entry.publishedAt).toISOString(),
      deadLetterTime: new Date(this.clock.now()).toISOString(),
    });
    if (this.deadLetterList.length > MAX_DEAD_LETTERS) this.deadLetterList.splice(0, this.deadLetterList.length - MAX_DEAD_LETTERS);
  }

  /** Drops the taken prefix once it is most of the array, so memory follows the queue, not its history. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.available.length) {
      this.available = this.available.slice(this.head);
      this.head = 0;
    }
  }
}

/** Lock tokens are opaque base64 strings to the client, like the service's. */
function newLockToken(): string {
  return randomBytes(24).toString("base64");
}

function lockTokenError(token: string): { code: string; message: string } {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) {
    return { code: "BadToken", message: "The lock token is not valid." };
  }
  return { code: "TokenLost", message: "The lock token was not found: it expired, was already settled, or never existed." };
}
