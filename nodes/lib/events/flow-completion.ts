// Knows when a flow has finished with the messages a node sent, through Node-RED's message hooks:
// every delivery of a watched message (by _msgid) to a node counts one, the receiving node's done()
// takes it back; when nothing is outstanding the flow has finished with it. done(err) anywhere ends
// the watch with that error. A node whose input handler takes no done callback (written before
// Node-RED 1.0) never reports completion: it counts as finished once its handler has run.
// A node that is being stopped (a deploy or shutdown: it is no longer among the active nodes) and
// calls done() as it drops what it held (the delay node does) has not finished the message: that
// ends the watch with an error, so the event is delivered again rather than lost.
// Hooks are installed while something is watched, and removed after.
import { AcsError } from "../core/errors";
import { expectedDoneCount, type MessageHooks } from "../node-red/internals";

interface DeliveryEvent {
  msg?: { _msgid?: unknown };
  destination?: { id?: string; node?: unknown };
}

interface CompleteEvent {
  msg?: { _msgid?: unknown };
  node?: { id?: string };
  error?: unknown;
}

const LABEL = "acsEventsFlowCompletion";

export class FlowWatch {
  /** _msgid -> receiving node id -> deliveries not yet done. */
  private readonly outstanding = new Map<string, Map<string, number>>();
  private armed = false;
  private settled = false;
  private timer?: NodeJS.Timeout;
  private resolve: () => void = () => undefined;
  private reject: (err: Error) => void = () => undefined;
  readonly done: Promise<void>;

  constructor(readonly msgIds: readonly string[], private readonly release: (watch: FlowWatch) => void) {
    for (const id of msgIds) this.outstanding.set(id, new Map());
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.done.catch(() => undefined);
  }

  /** Call once every message was sent: from now on, nothing outstanding means finished. */
  finish(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.armed = true;
    this.timer = setTimeout(() => this.settle(new AcsError("acs-events.errors.flowTimeout", { seconds: Math.round(timeoutMs / 1000) })), timeoutMs);
    if (signal) {
      const onAbort = () => this.settle(new AcsError("acs-events.errors.closed"));
      signal.addEventListener("abort", onAbort, { once: true });
      this.done.then(
        () => signal.removeEventListener("abort", onAbort),
        () => signal.removeEventListener("abort", onAbort),
      );
      if (signal.aborted) onAbort();
    }
    // Let hooks that run asynchronously deliver before deciding that nothing was delivered.
    setImmediate(() => this.checkFinished());
    return this.done;
  }

  delivered(msgId: string, nodeId: string): void {
    const counts = this.outstanding.get(msgId);
    if (counts) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
  }

  completed(msgId: string, nodeId: string, error: unknown, stopping = false): void {
    const counts = this.outstanding.get(msgId);
    const count = counts?.get(nodeId) ?? 0;
    // Catch and complete nodes receive without a delivery: nothing to take back.
    if (!counts || count === 0) return;
    if (count === 1) counts.delete(nodeId);
    else counts.set(nodeId, count - 1);
    if (stopping) this.settle(new AcsError("acs-events.errors.flowStopped"));
    else if (error !== undefined && error !== null) {
      const reason = error instanceof Error ? error.message : String(error);
      this.settle(new AcsError("acs-events.errors.flowFailed", { reason }));
    } else this.checkFinished();
  }

  private checkFinished(): void {
    if (!this.armed || this.settled) return;
    for (const counts of this.outstanding.values()) if (counts.size > 0) return;
    this.settle();
  }

  private settle(error?: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.release(this);
    if (error) this.reject(error);
    else this.resolve();
  }
}

export class FlowCompletion {
  private readonly watches = new Map<string, FlowWatch>();
  private hooked = false;

  /** `isActive` tells whether a node is running (not being stopped); without it every done() counts. */
  constructor(
    private readonly hooks: MessageHooks,
    private readonly isActive?: (nodeId: string) => boolean,
  ) {}

  /** Starts watching these messages; send them after this, then call `finish` on the watch. */
  watch(msgIds: readonly string[]): FlowWatch {
    const watch = new FlowWatch(msgIds, (ended) => this.release(ended));
    for (const id of msgIds) this.watches.set(id, watch);
    this.hook();
    return watch;
  }

  get watching(): number {
    return this.watches.size;
  }

  private release(watch: FlowWatch): void {
    for (const id of watch.msgIds) if (this.watches.get(id) === watch) this.watches.delete(id);
    if (this.watches.size === 0 && this.hooked) {
      this.hooked = false;
      this.hooks.remove(`*.${LABEL}`);
    }
  }

  private hook(): void {
    if (this.hooked) return;
    this.hooked = true;
    this.hooks.add(`preDeliver.${LABEL}`, (event: DeliveryEvent) => {
      const id = event.msg?._msgid;
      if (typeof id === "string" && event.destination?.id) this.watches.get(id)?.delivered(id, event.destination.id);
    });
    this.hooks.add(`postReceive.${LABEL}`, (event: DeliveryEvent) => {
      const id = event.msg?._msgid;
      // The runtime counts the input handlers that take done; none means done() never comes.
      if (typeof id === "string" && event.destination?.id && expectedDoneCount(event.destination.node) === 0) {
        this.watches.get(id)?.completed(id, event.destination.id, undefined);
      }
    });
    this.hooks.add(`onComplete.${LABEL}`, (event: CompleteEvent) => {
      const id = event.msg?._msgid;
      const nodeId = event.node?.id;
      if (typeof id !== "string" || !nodeId) return;
      const watch = this.watches.get(id);
      watch?.completed(id, nodeId, event.error, this.isActive ? !this.isActive(nodeId) : false);
    });
  }
}

const perHooks = new WeakMap<object, FlowCompletion>();

/** The one FlowCompletion of a runtime (hook labels are global to it). */
export function flowCompletion(hooks: MessageHooks, isActive?: (nodeId: string) => boolean): FlowCompletion {
  let found = perHooks.get(hooks);
  if (!found) perHooks.set(hooks, (found = new FlowCompletion(hooks, isActive)));
  return found;
}
