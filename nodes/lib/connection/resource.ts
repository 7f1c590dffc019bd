// Everything the acs-config node owns for one ACS resource: the SDK clients, the chat service
// identity, one send queue per channel and sender, and the correlation store. Send nodes reach it
// through the config node; closing it settles every queued message.
import { AcsClients } from "./clients";
import type { AcsChannel } from "../core/acs-message";
import { limitsFor, ratesOf, type LimitOverrides } from "./channel-limits";
import { ChatServiceIdentity, type ChatIdentity } from "./chat-identity";
import { resolveConnectionSettings, type AcsConfigCredentials, type AcsConfigProperties } from "./settings";
import { CorrelationStore, type ContextLike } from "../core/correlation-store";
import { AcsError } from "../core/errors";
import { SendQueue } from "../core/send-queue";

/** Time requests in flight get to finish when a node closes: below Node-RED's 15 s close timeout. */
export const CLOSE_GRACE_MS = 10_000;
/**
 * How long a send is remembered for its events: 8 days. A delivery report comes at most 12 hours after
 * the send (the service's longest delivery-report timeout), and Event Grid keeps an undelivered
 * event up to 24 hours (push) or up to 7 days (a namespace subscription read by pull).
 */
export const DEFAULT_RECORD_TTL_HOURS = 192;
/** Records kept at most per connection, the oldest dropped first. */
export const MAX_RECORDS = 100_000;
/** How often expired records are swept from the context store (and once shortly after start). */
export const RECORD_SWEEP_INTERVAL_MS = 3_600_000;
const FIRST_SWEEP_DELAY_MS = 60_000;

export interface AcsResourceOptions {
  props: AcsConfigProperties;
  credentials: AcsConfigCredentials;
  /** Node-RED context of the config node, bound to its context store: keeps the chat identity and correlation records. */
  context: ContextLike;
  /** The context store's name as Node-RED knows it (undefined: the runtime's default store). */
  contextStore?: string;
  /** A fixed chat service user id; empty to create one on first use. */
  chatUserId?: string;
  limits: Partial<Record<AcsChannel, LimitOverrides>>;
  correlation: { maxEntries: number; ttlMs: number };
  /** Milliseconds before the first sweep of expired records (default a minute, so start-up is not slowed). */
  firstSweepMs?: number;
}

export class AcsResource {
  readonly correlation: CorrelationStore;
  private readonly queues = new Map<string, SendQueue>();
  private resolvedClients?: AcsClients;
  private identity?: ChatServiceIdentity;
  private closed = false;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(private readonly options: AcsResourceOptions) {
    this.correlation = new CorrelationStore(options.correlation, options.context);
    this.scheduleSweep(options.firstSweepMs ?? FIRST_SWEEP_DELAY_MS);
  }

  /** The context store the records (and durable state of other nodes) live in; undefined for the default. */
  get contextStore(): string | undefined {
    return this.options.contextStore;
  }

  /** Node-RED context of the config node in its context store. */
  get context(): ContextLike {
    return this.options.context;
  }

  /** The SDK clients; throws an AcsError naming the config field when the settings are invalid. */
  clients(): AcsClients {
    this.resolvedClients ??= new AcsClients(resolveConnectionSettings(this.options.props, this.options.credentials));
    return this.resolvedClients;
  }

  /** The chat service identity (user id, refreshing credential, chat client). */
  chatIdentity(): Promise<ChatIdentity> {
    if (this.closed) return Promise.reject(new AcsError("acs-config.errors.queueClosed"));
    this.identity ??= new ChatServiceIdentity(this.clients(), this.options.context, this.options.chatUserId?.trim() || undefined);
    return this.identity.get();
  }

  /** The queue shared by every node sending on `channel` from `sender` (number, address or thread). */
  sendQueue(channel: AcsChannel, sender: string): SendQueue {
    if (this.closed) throw new AcsError("acs-config.errors.queueClosed");
    const key = `${channel}:${sender}`;
    let queue = this.queues.get(key);
    if (!queue) {
      const limits = limitsFor(channel, sender, this.options.limits[channel]);
      queue = new SendQueue({ maxInFlight: limits.maxInFlight, rates: ratesOf(limits), maxQueuedUnits: limits.maxQueued });
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** A send node is closing: rejects its waiting jobs in every queue, resolves when none of its jobs is in flight. */
  async releaseOwner(owner: unknown): Promise<void> {
    for (const queue of this.queues.values()) queue.cancelOwner(owner);
    await Promise.all([...this.queues.values()].map((queue) => queue.settled(owner)));
  }

  async close(graceMs: number): Promise<void> {
    this.closed = true;
    clearTimeout(this.sweepTimer);
    await Promise.all([...this.queues.values()].map((queue) => queue.close(graceMs)).concat(this.sweeping ?? []));
    this.queues.clear();
    await this.identity?.dispose();
    this.resolvedClients?.release();
  }

  private scheduleSweep(delayMs: number): void {
    this.sweepTimer = setTimeout(() => {
      this.sweeping = this.correlation.sweep(() => this.closed).then(
        () => undefined,
        () => undefined,
      );
      void this.sweeping.then(() => {
        if (!this.closed) this.scheduleSweep(RECORD_SWEEP_INTERVAL_MS);
      });
    }, delayMs);
    // The sweep never keeps the process alive on its own.
    this.sweepTimer.unref();
  }
}
