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

export interface AcsResourceOptions {
  props: AcsConfigProperties;
  credentials: AcsConfigCredentials;
  /** Node-RED context of the config node: keeps the chat identity and correlation records. */
  context: ContextLike;
  /** A fixed chat service user id; empty to create one on first use. */
  chatUserId?: string;
  limits: Partial<Record<AcsChannel, LimitOverrides>>;
  correlation: { maxEntries: number; ttlMs: number };
}

export class AcsResource {
  readonly correlation: CorrelationStore;
  private readonly queues = new Map<string, SendQueue>();
  private resolvedClients?: AcsClients;
  private identity?: ChatServiceIdentity;
  private closed = false;

  constructor(private readonly options: AcsResourceOptions) {
    this.correlation = new CorrelationStore(options.correlation, options.context);
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
    await Promise.all([...this.queues.values()].map((queue) => queue.close(graceMs)));
    this.queues.clear();
    await this.identity?.dispose();
    this.resolvedClients?.release();
  }
}
