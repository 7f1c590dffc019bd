// One lifecycle for the nodes that send (acs-sms, acs-email, acs-chat): the connection checked at
// deploy, as acs-events does (a missing or unknown one is logged and shown, not only found at the
// first msg); input through handleInput, each msg tracked until done; and one close sequence.
import { setMaxListeners } from "node:events";
import type { Node, NodeAPI } from "node-red";
import { CLOSE_GRACE_MS, type AcsResource } from "../connection/resource";
import { AcsError } from "../core/errors";
import { configuredResource } from "./config-node";
import { handleCallbackInput, handleInput, statusText, withoutHint, type CallbackInputHandler, type InputHandler, type InputTracker } from "./input-handler";
import type { SenderStatus } from "./sender-status";

/** After the grace, how long aborted requests get to settle their msgs (done(err)) before the node closes. */
const SETTLE_AFTER_ABORT_MS = 1000;

export class SendNode<S extends SenderStatus = SenderStatus> {
  private readonly stop = new AbortController();
  private readonly abandon = new AbortController();
  /** Msgs being handled, and what waits for there to be none (the close). */
  private inputs = 0;
  private readonly whenIdle: (() => void)[] = [];
  private readonly tracker: InputTracker = {
    started: () => void this.inputs++,
    ended: () => {
      if (--this.inputs === 0) for (const wake of this.whenIdle.splice(0)) wake();
    },
  };
  /** Per queue signal, the signal that also fires when this node gives up (made once, not per request). */
  private readonly combined = new WeakMap<AbortSignal, AbortSignal>();
  /** The resource the node sent through, whose queues hold its jobs. */
  private used?: AcsResource;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly configId: string | undefined,
    readonly status: S,
  ) {
    // Every request in flight and every status poll of the node listens on these.
    setMaxListeners(0, this.stop.signal, this.abandon.signal);
    this.checkConnection();
    node.on("close", (_removed: boolean, done: () => void) => {
      this.close().then(done, done);
    });
  }

  /** Aborted when the node starts closing: start nothing new (batch recipients, status polls). */
  get stopping(): AbortSignal {
    return this.stop.signal;
  }

  /** Aborted when the close grace ends: requests still in flight are given up. */
  get abandoned(): AbortSignal {
    return this.abandon.signal;
  }

  /**
   * Aborted when `signal` (a queue's) is, or when the node gives up its requests in flight: one signal
   * per queue, made once and shared by every request (AbortSignal.any per request would leave a
   * reference behind in both sources on Node.js 20).
   */
  abandonedOr(signal: AbortSignal): AbortSignal {
    let combined = this.combined.get(signal);
    if (!combined) {
      combined = AbortSignal.any([signal, this.abandon.signal]);
      // Every request in flight listens on it.
      setMaxListeners(0, combined);
      this.combined.set(signal, combined);
    }
    return combined;
  }

  /** The connection's resource, read for each msg (throws the same clear error as at deploy). */
  resource(): AcsResource {
    this.used = configuredResource(this.RED, this.configId);
    return this.used;
  }

  /** Handles each msg through handleInput, and counts it until it is done so that close can wait for it. */
  onInput(operation: string, handler: InputHandler): void {
    handleInput(this.RED, this.node, operation, handler, this.tracker);
  }

  /** As onInput, for a handler that ends each msg itself (see CallbackInputHandler). */
  onCallbackInput(operation: string, handler: CallbackInputHandler): void {
    handleCallbackInput(this.RED, this.node, operation, handler, this.tracker);
  }

  /** Resolves once no msg is being handled. */
  private idle(): Promise<void> {
    return this.inputs === 0 ? Promise.resolve() : new Promise((resolve) => this.whenIdle.push(resolve));
  }

  private checkConnection(): void {
    try {
      configuredResource(this.RED, this.configId);
    } catch (err) {
      const error = err as AcsError;
      const text = statusText(this.RED, error.key, error.params);
      this.node.error(text);
      this.status.show({ fill: "red", shape: "ring", text: withoutHint(text) });
    }
  }

  /**
   * Start nothing new; the node's waiting messages fail at once (Catch nodes get them), requests in
   * flight get CLOSE_GRACE_MS to finish and are then aborted, so the node closes within Node-RED's
   * close timeout even when the service is slow; then every msg still being handled is done.
   */
  private async close(): Promise<void> {
    this.stop.abort();
    const grace = setTimeout(() => this.abandon.abort(), CLOSE_GRACE_MS);
    const settled = (async () => {
      await this.used?.releaseOwner(this.node);
      await this.idle();
    })();
    // A msg waiting on what no signal reaches (the shared chat identity being created) is not waited
    // for past the grace: the node closes, and that msg is done when the wait ends.
    const givenUp = new Promise<void>((resolve) => {
      this.abandon.signal.addEventListener("abort", () => setTimeout(resolve, SETTLE_AFTER_ABORT_MS), { once: true });
    });
    try {
      await Promise.race([settled, givenUp]);
    } finally {
      clearTimeout(grace);
      this.status.close();
    }
  }
}
