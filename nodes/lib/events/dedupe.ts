// Event Grid delivers at least once: the same event can arrive twice, in one batch or in a later
// delivery. A bounded window of the ids already emitted lets the node acknowledge a repeat without
// emitting it again; it is bounded in count and in age so memory stays flat under any load.
// The window is a ring of (id, sequence) in arrival order beside a Map for lookups: evicting the
// oldest is O(1). (Evicting by iterating a Map from its start is not: V8 leaves deleted entries in
// place until it rehashes, so a Map used first-in first-out gets slower to walk the longer it runs.)
// The ring starts small and doubles up to its size, so a large window costs memory only once used.
import { wholeNumber } from "./whole-number";

export interface DedupeOptions {
  /** Ids kept at most (oldest forgotten first). */
  maxEntries: number;
  /** How long an id is remembered, in milliseconds. */
  ttlMs: number;
}

export const DEFAULT_DEDUPE: DedupeOptions = { maxEntries: 10_000, ttlMs: 60 * 60_000 };

/** The largest window the settings allow: a week, and a million ids (about 175 MB when full of 36-character ids). */
export const DEDUPE_LIMITS = { maxIds: 1_000_000, maxMinutes: 7 * 24 * 60 } as const;

/** The acs-events node's window settings, as the editor saves them. */
export interface DedupeProperties {
  dedupeIds?: string | number;
  dedupeMinutes?: string | number;
}

/** The window from the node's settings; empty fields take the defaults (10,000 ids, 60 minutes). */
export function dedupeOptions(props: DedupeProperties): DedupeOptions {
  const maxEntries = wholeNumber(props.dedupeIds, "dedupeIds", 1, DEDUPE_LIMITS.maxIds, DEFAULT_DEDUPE.maxEntries);
  const minutes = wholeNumber(props.dedupeMinutes, "dedupeMinutes", 1, DEDUPE_LIMITS.maxMinutes, DEFAULT_DEDUPE.ttlMs / 60_000);
  return { maxEntries, ttlMs: minutes * 60_000 };
}

const INITIAL_CAPACITY = 1024;

export class EventDedupe {
  /** id -> sequence number of its slot in the ring. */
  private readonly slots = new Map<string, number>();
  private ids: string[] = [];
  private sequences: number[] = [];
  private times: number[] = [];
  private head = 0;
  private count = 0;
  private sequence = 0;

  constructor(
    readonly options: DedupeOptions = DEFAULT_DEDUPE,
    private readonly now: () => number = Date.now,
  ) {
    this.allocate(Math.min(options.maxEntries, INITIAL_CAPACITY));
  }

  get size(): number {
    return this.slots.size;
  }

  /** True the first time an id is offered within the window (and remembers it); false for a repeat. */
  firstSighting(id: string): boolean {
    const now = this.now();
    this.expire(now);
    if (this.slots.has(id)) return false;
    this.remember(id, now);
    return true;
  }

  /** Forgets an id, so that a redelivery is emitted again (its first handling failed). */
  forget(id: string): void {
    // Its slot stays in the ring until evicted; the sequence check keeps a later sighting.
    this.slots.delete(id);
  }

  /**
   * This window with other options: itself when they are the same, else a new window holding the
   * newest ids that fit in it, each with the time it was first seen (so the new age applies to it).
   */
  withOptions(options: DedupeOptions): EventDedupe {
    if (options.maxEntries === this.options.maxEntries && options.ttlMs === this.options.ttlMs) return this;
    const next = new EventDedupe(options, this.now);
    const live: number[] = [];
    for (let offset = 0; offset < this.count; offset++) {
      const index = (this.head + offset) % this.ids.length;
      if (this.slots.get(this.ids[index]) === this.sequences[index]) live.push(index);
    }
    for (const index of live.slice(Math.max(0, live.length - options.maxEntries))) next.remember(this.ids[index], this.times[index]);
    next.expire(this.now());
    return next;
  }

  private remember(id: string, time: number): void {
    if (this.count === this.options.maxEntries) this.evictOldest();
    else if (this.count === this.ids.length) this.grow();
    const tail = (this.head + this.count) % this.ids.length;
    this.ids[tail] = id;
    this.sequences[tail] = ++this.sequence;
    this.times[tail] = time;
    this.count++;
    this.slots.set(id, this.sequence);
  }

  private expire(now: number): void {
    const oldest = now - this.options.ttlMs;
    while (this.count > 0 && this.times[this.head] <= oldest) this.evictOldest();
  }

  private evictOldest(): void {
    const id = this.ids[this.head];
    if (this.slots.get(id) === this.sequences[this.head]) this.slots.delete(id);
    this.ids[this.head] = "";
    this.head = (this.head + 1) % this.ids.length;
    this.count--;
  }

  /** Doubles the ring (up to maxEntries), laying its entries out from the start again. */
  private grow(): void {
    const [ids, sequences, times] = [this.ids, this.sequences, this.times];
    this.allocate(Math.min(this.options.maxEntries, ids.length * 2));
    for (let offset = 0; offset < this.count; offset++) {
      const index = (this.head + offset) % ids.length;
      this.ids[offset] = ids[index];
      this.sequences[offset] = sequences[index];
      this.times[offset] = times[index];
    }
    this.head = 0;
  }

  private allocate(capacity: number): void {
    this.ids = new Array<string>(capacity).fill("");
    this.sequences = new Array<number>(capacity).fill(-1);
    this.times = new Array<number>(capacity).fill(0);
  }
}
