// Event Grid delivers at least once: the same event can arrive twice, in one batch or in a later
// delivery. A bounded window of the ids already emitted lets the node acknowledge a repeat without
// emitting it again; it is bounded in count and in age so memory stays flat under any load.
// The window is a ring of (id, sequence) in arrival order beside a Map for lookups: evicting the
// oldest is O(1). (Evicting by iterating a Map from its start is not: V8 leaves deleted entries in
// place until it rehashes, so a Map used first-in first-out gets slower to walk the longer it runs.)

export interface DedupeOptions {
  /** Ids kept at most (oldest forgotten first). */
  maxEntries: number;
  /** How long an id is remembered, in milliseconds. */
  ttlMs: number;
}

export const DEFAULT_DEDUPE: DedupeOptions = { maxEntries: 10_000, ttlMs: 60 * 60_000 };

export class EventDedupe {
  /** id -> sequence number of its slot in the ring. */
  private readonly slots = new Map<string, number>();
  private readonly ids: string[];
  private readonly sequences: number[];
  private readonly times: number[];
  private head = 0;
  private count = 0;
  private sequence = 0;

  constructor(
    private readonly options: DedupeOptions = DEFAULT_DEDUPE,
    private readonly now: () => number = Date.now,
  ) {
    this.ids = new Array<string>(options.maxEntries);
    this.sequences = new Array<number>(options.maxEntries).fill(-1);
    this.times = new Array<number>(options.maxEntries).fill(0);
  }

  get size(): number {
    return this.slots.size;
  }

  /** True the first time an id is offered within the window (and remembers it); false for a repeat. */
  firstSighting(id: string): boolean {
    const now = this.now();
    this.expire(now);
    if (this.slots.has(id)) return false;
    if (this.count === this.options.maxEntries) this.evictOldest();
    const tail = (this.head + this.count) % this.options.maxEntries;
    this.ids[tail] = id;
    this.sequences[tail] = ++this.sequence;
    this.times[tail] = now;
    this.count++;
    this.slots.set(id, this.sequence);
    return true;
  }

  /** Forgets an id, so that a redelivery is emitted again (its first handling failed). */
  forget(id: string): void {
    // Its slot stays in the ring until evicted; the sequence check keeps a later sighting.
    this.slots.delete(id);
  }

  private expire(now: number): void {
    const oldest = now - this.options.ttlMs;
    while (this.count > 0 && this.times[this.head] <= oldest) this.evictOldest();
  }

  private evictOldest(): void {
    const id = this.ids[this.head];
    if (this.slots.get(id) === this.sequences[this.head]) this.slots.delete(id);
    this.ids[this.head] = "";
    this.head = (this.head + 1) % this.options.maxEntries;
    this.count--;
  }
}
