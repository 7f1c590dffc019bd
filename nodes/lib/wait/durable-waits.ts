// Msgs held until their time, kept in a context store so that they survive a deploy, a restart and a
// crash: each wait is written to the store before its msg is taken, and removed from the store
// before its msg goes on, so it goes on once (a crash between the removal and the next nodes loses
// that one msg, as it would lose any msg in flight). A store shared by several instances (Redis)
// holds the waits of all of them; each wait is fired by its owner, the instance that stored it.
// Owners renew a lease; when an owner's lease has run out, another instance claims its waits (see
// claim()). Nothing here imports Node-RED: the node gives it a store and a way to send.
import { AcsError } from "../core/errors";
import type { KeyedStore } from "./keyed-store";
import { decodeMsg, encodeMsg } from "./msg-codec";
import { earlyKey, isEarlyEvent, isEarlyKey, isLease, isLeaseKey, isStoredWait, isWaitKey, leaseKey, newWaitKey, waitKeyPrefix, type EarlyEvent, type Lease, type StoredWait } from "./records";

export type FireReason = "deadline" | "event";

export interface Fired {
  reason: FireReason;
  /** The status of the event that sent it early. */
  status?: string;
  correlationId?: string;
  createdAt: number;
  dueAt: number;
}

export interface DurableWaitsOptions {
  store: KeyedStore;
  /** This runtime's id: the same after a restart of the same installation, different per instance. */
  instanceId: string;
  maxWaiting: number;
  maxBytes: number;
  /** The lease each owner renews; its waits are taken over this long after it stopped renewing. */
  leaseMs: number;
  /** How long a claim must stand unchanged before the claimer fires the wait (see claim()). */
  settleMs: number;
  fire(msg: Record<string, unknown>, fired: Fired): void;
  /** The number of waits this instance knows of changed. */
  changed(count: number): void;
  /** A store operation failed outside any input (a scan, a renewal, a timer): report it. */
  failed(err: unknown): void;
  now?: () => number;
}

type Cause = Pick<Fired, "reason" | "status">;

/** What is known of a wait without reading it again. */
interface Known {
  owner: string;
  dueAt: number;
  bytes: number;
}

/** How long an event that matched no wait is kept for a msg of its correlation id still on its way. */
export const EARLY_EVENT_MS = 10 * 60_000;

/** What add() did with the msg. */
export type Added = { outcome: "waiting" | "cancelled" | "sent"; dropped: string[] };

/** setTimeout's longest delay; longer waits are timed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class DurableWaits {
  private readonly known = new Map<string, Known>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly leases = new Map<string, number>();
  /** Waits being fired now: neither a timer nor a scan starts them again meanwhile. */
  private readonly firing = new Map<string, Promise<boolean>>();
  private leaseExpiresAt = 0;
  private scanTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private scanning: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: DurableWaitsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Reads the store: this instance's waits are timed again (overdue ones fire now), others watched. */
  async start(): Promise<void> {
    await this.scan();
    this.scheduleScan();
  }

  get count(): number {
    return this.known.size;
  }

  get bytes(): number {
    let total = 0;
    for (const wait of this.known.values()) total += wait.bytes;
    return total;
  }

  /**
   * Stores the msg to go on after `delayMs`. Throws (nothing stored) when it cannot be written as
   * JSON or would pass the node's bounds. Resolves once the store has it.
   */
  async add(msg: Record<string, unknown>, delayMs: number, correlationId: string | undefined): Promise<Added> {
    const encoded = encodeMsg(msg);
    const early = correlationId === undefined ? undefined : await this.takeEarlyEvent(correlationId);
    if (early?.action === "cancel") return { outcome: "cancelled", dropped: encoded.dropped };
    if (early?.action === "sendNow") {
      const now = this.now();
      this.options.fire(decodeMsg(encoded.json), { reason: "event", ...(early.status === undefined ? {} : { status: early.status }), correlationId, createdAt: now, dueAt: now + delayMs });
      return { outcome: "sent", dropped: encoded.dropped };
    }
    if (encoded.bytes > this.options.maxBytes) throw new AcsError("acs-wait.errors.msgTooLarge", { bytes: encoded.bytes, max: this.options.maxBytes });
    if (this.known.size >= this.options.maxWaiting) throw new AcsError("acs-wait.errors.tooMany", { count: this.known.size, max: this.options.maxWaiting });
    const used = this.bytes;
    if (used + encoded.bytes > this.options.maxBytes) throw new AcsError("acs-wait.errors.full", { bytes: encoded.bytes, used, max: this.options.maxBytes });
    await this.renewLease();
    const createdAt = this.now();
    const { key, id } = newWaitKey(correlationId);
    const wait: StoredWait = { v: 1, id, ...(correlationId === undefined ? {} : { correlationId }), createdAt, dueAt: createdAt + delayMs, owner: this.options.instanceId, bytes: encoded.bytes, msg: encoded.json };
    await this.options.store.set(key, wait);
    this.remember(key, wait);
    this.schedule(key, wait.dueAt);
    return { outcome: "waiting", dropped: encoded.dropped };
  }

  /** Ends the waits of this correlation id without sending them; resolves with how many there were. */
  async cancel(correlationId: string, status?: string): Promise<number> {
    const keys = await this.keysOf(correlationId);
    for (const key of keys) {
      await this.options.store.set(key, undefined);
      this.forget(key);
    }
    if (keys.length === 0) await this.keepEarlyEvent(correlationId, { action: "cancel", ...(status === undefined ? {} : { status }), at: this.now() });
    return keys.length;
  }

  /** Sends the waits of this correlation id now, whoever owns them; resolves with how many went. */
  async sendNow(correlationId: string, status?: string): Promise<number> {
    let sent = 0;
    for (const key of await this.keysOf(correlationId)) if (await this.fireKey(key, { reason: "event", status }, false)) sent++;
    if (sent === 0) await this.keepEarlyEvent(correlationId, { action: "sendNow", ...(status === undefined ? {} : { status }), at: this.now() });
    return sent;
  }

  /**
   * An event that matched no wait is kept for EARLY_EVENT_MS: a delivery report can reach the flow
   * before the send's own output reaches this node, and then it decides that msg as soon as it comes.
   */
  private keepEarlyEvent(correlationId: string, early: EarlyEvent): Promise<void> {
    return this.options.store.set(earlyKey(correlationId), early);
  }

  private async takeEarlyEvent(correlationId: string): Promise<EarlyEvent | undefined> {
    const key = earlyKey(correlationId);
    const early = await this.options.store.get(key);
    if (early === undefined) return undefined;
    await this.options.store.set(key, undefined);
    return isEarlyEvent(early) && this.now() - early.at < EARLY_EVENT_MS ? early : undefined;
  }

  /** Stops every timer and lets a firing in progress end; the waits stay in the store for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.scanTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.firing.values()]);
  }

  private async keysOf(correlationId: string): Promise<string[]> {
    const prefix = waitKeyPrefix(correlationId);
    return (await this.options.store.keys()).filter((key) => key.startsWith(prefix));
  }

  private remember(key: string, wait: StoredWait): void {
    this.known.set(key, { owner: wait.owner, dueAt: wait.dueAt, bytes: wait.bytes });
    this.options.changed(this.known.size);
  }

  private forget(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (this.known.delete(key)) this.options.changed(this.known.size);
  }

  private schedule(key: string, dueAt: number): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(key));
    const delay = Math.max(0, dueAt - this.now());
    const timer = setTimeout(() => {
      if (delay === MAX_TIMER_MS && dueAt > this.now()) return this.schedule(key, dueAt);
      this.timers.delete(key);
      this.fireKey(key, { reason: "deadline" }, true).catch((err: unknown) => this.options.failed(err));
    }, Math.min(delay, MAX_TIMER_MS));
    this.timers.set(key, timer);
  }

  /**
   * Reads the wait again, removes it from the store, then sends its msg. `ownOnly`: only when this
   * instance still owns it (another may have taken it over, or it was cancelled).
   */
  private fireKey(key: string, cause: Cause, ownOnly: boolean): Promise<boolean> {
    if (this.firing.has(key)) return Promise.resolve(false);
    const firing = this.fireOnce(key, cause, ownOnly).finally(() => this.firing.delete(key));
    this.firing.set(key, firing);
    return firing;
  }

  private async fireOnce(key: string, cause: Cause, ownOnly: boolean): Promise<boolean> {
    const wait = await this.options.store.get(key);
    // Closed (a deploy or stop): the wait stays stored for the node that starts next.
    if (this.closed) return false;
    if (!isStoredWait(wait)) {
      this.forget(key);
      return false;
    }
    if (ownOnly && wait.owner !== this.options.instanceId) {
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
      this.remember(key, wait);
      return false;
    }
    await this.options.store.set(key, undefined);
    this.forget(key);
    const msg = decodeMsg(wait.msg);
    this.options.fire(msg, { reason: cause.reason, ...(cause.status === undefined ? {} : { status: cause.status }), ...(wait.correlationId === undefined ? {} : { correlationId: wait.correlationId }), createdAt: wait.createdAt, dueAt: wait.dueAt });
    return true;
  }

  /** Writes this instance's lease when less than two thirds of it is left. */
  private async renewLease(force = false): Promise<void> {
    const now = this.now();
    if (!force && this.leaseExpiresAt - now > (this.options.leaseMs * 2) / 3) return;
    const lease: Lease = { owner: this.options.instanceId, expiresAt: now + this.options.leaseMs };
    await this.options.store.set(leaseKey(this.options.instanceId), lease);
    this.leaseExpiresAt = lease.expiresAt;
  }

  private scheduleScan(): void {
    if (this.closed) return;
    this.scanTimer = setTimeout(() => {
      this.scan()
        .catch((err: unknown) => this.options.failed(err))
        .finally(() => this.scheduleScan());
    }, this.options.leaseMs / 3);
  }

  /** One look at the store (never two at once). */
  private scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  /**
   * Renews this instance's lease while it owns waits, follows waits added, cancelled or fired by
   * other instances, times this instance's own waits, and claims those whose owner's lease ran out.
   */
  private async scanOnce(): Promise<void> {
    const me = this.options.instanceId;
    const keys = await this.options.store.keys();
    const present = new Set(keys);
    for (const key of [...this.known.keys()]) if (!present.has(key)) this.forget(key);
    for (const key of keys.filter(isEarlyKey)) {
      const early = await this.options.store.get(key);
      if (!isEarlyEvent(early) || this.now() - early.at >= EARLY_EVENT_MS) await this.options.store.set(key, undefined);
    }
    for (const key of keys.filter(isLeaseKey)) {
      const lease = await this.options.store.get(key);
      if (isLease(lease)) this.leases.set(lease.owner, lease.expiresAt);
    }
    const now = this.now();
    const orphans: string[] = [];
    const mine: [string, number][] = [];
    for (const key of keys.filter(isWaitKey)) {
      let known = this.known.get(key);
      // Read again only what is new, or what looks orphaned (its owner may have changed since).
      if (!known || (known.owner !== me && !this.alive(known.owner, now))) {
        const wait = await this.options.store.get(key);
        if (!isStoredWait(wait)) continue;
        this.remember(key, wait);
        known = this.known.get(key) as Known;
      }
      if (known.owner === me) {
        if (!this.timers.has(key) && !this.firing.has(key)) mine.push([key, known.dueAt]);
      } else if (!this.alive(known.owner, now)) {
        orphans.push(key);
      }
    }
    if (mine.length > 0 || orphans.length > 0 || [...this.known.values()].some((wait) => wait.owner === me)) await this.renewLease();
    // Overdue waits go in the order they were due.
    for (const [key, dueAt] of mine.sort((a, b) => a[1] - b[1])) this.schedule(key, dueAt);
    if (orphans.length > 0) await this.claim(orphans);
  }

  private alive(owner: string, now: number): boolean {
    return (this.leases.get(owner) ?? 0) > now;
  }

  /**
   * Takes over waits whose owner's lease ran out. The store has no compare-and-set, so a claim is
   * write, wait `settleMs`, read again: of several instances claiming the same wait at about the
   * same time, the last write stands and only its writer still sees itself as the owner. Two would
   * both fire only if one's read-then-write took longer than `settleMs` (a store that slow, or a
   * process paused between the two); the owner check at firing time narrows that further.
   */
  private async claim(keys: string[]): Promise<void> {
    const me = this.options.instanceId;
    await this.renewLease(true);
    const claimed: string[] = [];
    for (const key of keys) {
      const wait = await this.options.store.get(key);
      if (!isStoredWait(wait) || this.alive(wait.owner, this.now())) continue;
      const mine: StoredWait = { ...wait, owner: me };
      await this.options.store.set(key, mine);
      this.remember(key, mine);
      claimed.push(key);
    }
    if (claimed.length === 0 || this.closed) return;
    await new Promise((resolve) => setTimeout(resolve, this.options.settleMs));
    for (const key of claimed) {
      if (this.closed) return;
      const wait = await this.options.store.get(key);
      if (!isStoredWait(wait)) {
        this.forget(key);
        continue;
      }
      this.remember(key, wait);
      if (wait.owner === me) this.schedule(key, wait.dueAt);
    }
  }
}
