// Remembers what each send was (by the service's messageId) so that a delivery or engagement event
// arriving later can be matched to it: correlationId, recipient, and the contact details the flow
// supplied. Bounded and expiring in memory, written through to Node-RED context so that a persistent
// or shared context store keeps the records across restarts and instances.
import type { SentRecord } from "./acs-message";

/** The part of Node-RED's context API the store uses. */
export interface ContextLike {
  get(key: string, callback: (err: Error | null | undefined, value: unknown) => void): void;
  set(key: string, value: unknown, callback: (err?: Error | null) => void): void;
}

export interface CorrelationStoreOptions {
  maxEntries: number;
  ttlMs: number;
}

const KEY_PREFIX = "acs-sent:";

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
    if (this.now() - record.sentAt > this.options.ttlMs) {
      this.records.delete(messageId);
      this.persist(messageId, undefined);
      return undefined;
    }
    return record;
  }

  private persist(messageId: string, record: SentRecord | undefined): void {
    // Best effort: a failing context store must not fail the send that was already made.
    this.context?.set(KEY_PREFIX + messageId, record, () => undefined);
  }

  private load(messageId: string): Promise<SentRecord | undefined> {
    const context = this.context;
    if (!context) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      context.get(KEY_PREFIX + messageId, (err, value) => {
        resolve(!err && isSentRecord(value) ? value : undefined);
      });
    });
  }
}

function isSentRecord(value: unknown): value is SentRecord {
  const record = value as SentRecord | undefined;
  return typeof record === "object" && record !== null && typeof record.messageId === "string" && typeof record.sentAt === "number";
}
