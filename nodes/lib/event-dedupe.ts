// Event Grid delivers at least once: the same event can arrive twice, in one batch or in a later
// delivery. A bounded window of the ids already emitted lets the node acknowledge a repeat without
// emitting it again; it is bounded in count and in age so memory stays flat under any load.

export interface DedupeOptions {
  /** Ids kept at most (oldest forgotten first). */
  maxEntries: number;
  /** How long an id is remembered, in milliseconds. */
  ttlMs: number;
}

export const DEFAULT_DEDUPE: DedupeOptions = { maxEntries: 10_000, ttlMs: 60 * 60_000 };

export class EventDedupe {
  /** id -> time first seen; Map order is insertion order, so the oldest comes first. */
  private readonly seenAt = new Map<string, number>();

  constructor(
    private readonly options: DedupeOptions = DEFAULT_DEDUPE,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.seenAt.size;
  }

  /** True the first time an id is offered within the window (and remembers it); false for a repeat. */
  firstSighting(id: string): boolean {
    this.expire();
    if (this.seenAt.has(id)) return false;
    this.seenAt.set(id, this.now());
    while (this.seenAt.size > this.options.maxEntries) {
      this.seenAt.delete(this.seenAt.keys().next().value as string);
    }
    return true;
  }

  /** Forgets an id, so that a redelivery is emitted again (its first handling failed). */
  forget(id: string): void {
    this.seenAt.delete(id);
  }

  private expire(): void {
    const oldest = this.now() - this.options.ttlMs;
    for (const [id, at] of this.seenAt) {
      if (at > oldest) break;
      this.seenAt.delete(id);
    }
  }
}
