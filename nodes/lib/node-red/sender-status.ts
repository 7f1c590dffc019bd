// The status of a sending node: "sending N, queued M" over the queues it sends on while busy
// (cleared when idle), and the outcomes it shows between.
import type { Node, NodeAPI } from "node-red";
import type { MessageParams } from "../core/i18n";
import { statusText } from "./input-handler";
import type { QueueCounts, SendQueue } from "../core/send-queue";

type NodeStatus = Parameters<Node["status"]>[0];

/** The queues' counts are drawn at most this often (a busy queue changes several times per msg). */
const QUEUE_REDRAW_MS = 250;

/** The queues a node sends on, followed from their first change; their counts summed make its status. */
export class QueueWatch {
  private readonly unsubscribers = new Map<SendQueue, () => void>();
  private readonly counts = new Map<SendQueue, QueueCounts>();

  constructor(private readonly changed: () => void) {}

  /** Follows this queue's counts from now on (idempotent). */
  watch(queue: SendQueue): void {
    if (this.unsubscribers.has(queue)) return;
    this.unsubscribers.set(queue, queue.onChange((counts) => {
      this.counts.set(queue, counts);
      this.changed();
    }));
  }

  /** "sending N, queued M" over every queue followed; empty (cleared) when they are idle. */
  status(RED: NodeAPI): NodeStatus {
    let inFlight = 0;
    let queued = 0;
    for (const counts of this.counts.values()) {
      inFlight += counts.inFlight;
      queued += counts.queued;
    }
    if (inFlight === 0 && queued === 0) return {};
    return { fill: "blue", shape: "dot", text: statusText(RED, "acs-config.status.sending", { inFlight, queued }) };
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers.values()) unsubscribe();
    this.unsubscribers.clear();
  }
}

/**
 * The status of a sending node, the one way its status is set: the queues' "sending N, queued M"
 * while busy (cleared when idle), and what the node shows in between (an outcome, a failure).
 * Nothing is shown once the node is closed.
 */
export class SenderStatus {
  protected readonly queues: QueueWatch;
  private closed = false;
  private redrawTimer: NodeJS.Timeout | undefined;
  /** The counts changed since they were last drawn. */
  private redrawPending = false;

  constructor(protected readonly RED: NodeAPI, private readonly node: Node) {
    this.queues = new QueueWatch(() => this.queuesChanged());
  }

  /** Shows this queue's counts in the node status from now on (idempotent). */
  watch(queue: SendQueue): void {
    this.queues.watch(queue);
  }

  /** Shows a status; it stays until the next one (counts that changed before it are not drawn over it). */
  show(status: NodeStatus): void {
    if (this.closed) return;
    this.redrawPending = false;
    this.node.status(status);
  }

  /** A status from an i18n key. */
  say(fill: "green" | "yellow" | "red", key: string, params?: MessageParams, shape: "dot" | "ring" = "dot"): void {
    this.show({ fill, shape, text: statusText(this.RED, key, params) });
  }

  close(): void {
    this.closed = true;
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.redrawTimer = undefined;
    this.queues.close();
  }

  /** A queue's counts changed: drawn at once, then at most once per QUEUE_REDRAW_MS, ending on the latest. */
  protected queuesChanged(): void {
    if (this.redrawTimer) {
      this.redrawPending = true;
      return;
    }
    this.show(this.queues.status(this.RED));
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      if (this.redrawPending) this.queuesChanged();
    }, QUEUE_REDRAW_MS);
  }
}
