// Remembers what each send was (by the service's messageId) so that a delivery or engagement event
// arriving later can be matched to it: correlationId, recipient, and the contact details the flow
// supplied. Bounded and expiring in memory, written through to Node-RED context so that a persistent
// or shared context store keeps the records across restarts and instances; sweep() removes the
// expired ones from both.
import type { SentRecord } from "./acs-message";

/** The part of Node-RED's context API the store uses (bound to one context store). */
export interface ContextLike {
  get(key: string, callback: (err: Error | null | undefined, value: unknown) => void): void;
  /** Several keys in one call (Node-RED's context takes an array of keys); without it they are read one by one. */
  getMany?(keys: string[], callback: (err: Error | null | undefined, values: unknown[]) => void): void;
  set(key: string, value: unknown, callback: (err?: Error | null) => void): void;
  /** Every key of this context; without it the store cannot sweep what earlier runs wrote. */
  keys?(callback: (err: Error | null | undefined, keys: string[]) => void): void;
}

export interface CorrelationStoreOptions {
  maxEntries: number;
  ttlMs: number;
}

export const RECORD_KEY_PREFIX = "acs-sent:";
/** Keys read at once while sweeping: bounds the requests in flight to the context store. */
const SWEEP_BATCH = 100;

export class CorrelationStore {
  private readonly records = new Map<string, SentRecord>();

  constructor(
    private readonly options: CorrelationStoreOptions,
    private readonly context?: ContextLike,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.records.size;
  }

  remember(record: SentRecord): void {
    this.records.delete(record.messageId);
    this.records.set(record.messageId, record);
    this.persist(record.messageId, record);
    while (this.records.size > this.options.maxEntries) {
      const oldest = this.records.keys().next().value as string;
      this.records.delete(oldest);
      this.persist(oldest, undefined);
    }
  }

  /** The record of a messageId, from memory or else from the context store; undefined when unknown or expired. */
  async find(messageId: string): Promise<SentRecord | undefined> {
    const record = this.records.get(messageId) ?? (await this.load(messageId));
    if (!record) return undefined;
    if (this.expired(record)) {
      this.records.delete(messageId);
      this.persist(messageId, undefined);
      return undefined;
    }
    return record;
  }

  /**
   * The record of each messageId (undefined where none is known, expired, or no id is given), as
   * find() gives them, with one context store read for all those not in memory: an event delivery
   * looks up a whole batch at once.
   */
  async findMany(messageIds: readonly (string | undefined)[]): Promise<(SentRecord | undefined)[]> {
    const records = messageIds.map((messageId) => (messageId === undefined ? undefined : this.records.get(messageId)));
    const missing: number[] = [];
    records.forEach((record, index) => {
      if (record === undefined && messageIds[index] !== undefined) missing.push(index);
    });
    if (missing.length > 0 && this.context) {
      const values = await this.readMany(missing.map((index) => RECORD_KEY_PREFIX + messageIds[index]));
      missing.forEach((index, position) => {
        const value = values[position];
        if (isSentRecord(value)) records[index] = value;
      });
    }
    return records.map((record, index) => {
      if (!record || !this.expired(record)) return record;
      const messageId = messageIds[index] as string;
      this.records.delete(messageId);
      this.persist(messageId, undefined);
      return undefined;
    });
  }

  /**
   * Removes expired records from memory and from the context store, including those an earlier run
   * or another instance wrote; resolves with how many context keys were removed. Work is done in
   * batches, so a large store never holds the event loop; `stop` is asked between batches.
   */
  async sweep(stop: () => boolean = () => false): Promise<number> {
    for (const [messageId, record] of this.records) {
      // Remembered in time order: the first one still alive ends the expired run.
      if (!this.expired(record)) break;
      this.records.delete(messageId);
    }
    const keys = (await this.contextKeys()).filter((key) => key.startsWith(RECORD_KEY_PREFIX));
    let removed = 0;
    for (let i = 0; i < keys.length && !stop(); i += SWEEP_BATCH) {
      const batch = keys.slice(i, i + SWEEP_BATCH);
      const values = await Promise.all(batch.map((key) => this.read(key)));
      const stale = batch.filter((_, j) => !isSentRecord(values[j]) || this.expired(values[j]));
      await Promise.all(stale.map((key) => this.remove(key)));
      removed += stale.length;
    }
    return removed;
  }

  private expired(record: SentRecord): boolean {
    return this.now() - record.sentAt > this.options.ttlMs;
  }

  private persist(messageId: string, record: SentRecord | undefined): void {
    // Best effort: a failing context store must not fail the send that was already made.
    this.context?.set(RECORD_KEY_PREFIX + messageId, record, () => undefined);
  }

  private async load(messageId: string): Promise<SentRecord | undefined> {
    const value = await this.read(RECORD_KEY_PREFIX + messageId);
    return isSentRecord(value) ? value : undefined;
  }

  private read(key: string): Promise<unknown> {
    const context = this.context;
    if (!context) return Promise.resolve(undefined);
    return new Promise((resolve) => context.get(key, (err, value) => resolve(err ? undefined : value)));
  }

  private readMany(keys: string[]): Promise<unknown[]> {
    const getMany = this.context?.getMany?.bind(this.context);
    if (!getMany) return Promise.all(keys.map((key) => this.read(key)));
    // A failed read finds nothing, as in read().
    return new Promise((resolve) => getMany(keys, (err, values) => resolve(err ? [] : values)));
  }

  private remove(key: string): Promise<void> {
    const context = this.context;
    if (!context) return Promise.resolve();
    return new Promise((resolve) => context.set(key, undefined, () => resolve()));
  }

  private contextKeys(): Promise<string[]> {
    const keys = this.context?.keys?.bind(this.context);
    if (!keys) return Promise.resolve([]);
    return new Promise((resolve) => keys((err, found) => resolve(err || !Array.isArray(found) ? [] : found)));
  }
}

function isSentRecord(value: unknown): value is SentRecord {
  const record = value as SentRecord | undefined;
  return typeof record === "object" && record !== null && typeof record.messageId === "string" && typeof record.sentAt === "number";
}
