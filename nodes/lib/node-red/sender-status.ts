// What every sending node does around its queue: show "sending N, queued M" while busy (cleared when
// idle), and on close settle its own messages: waiting ones fail with a clear error (reaching Catch
// nodes through their done(err)), in-flight ones finish or fail within the close timeout.
import type { Node, NodeAPI } from "node-red";
import type { AcsResource } from "../connection/resource";
import { statusText } from "./input-handler";
import type { QueueCounts, SendQueue } from "../core/send-queue";

type NodeStatus = Parameters<Node["status"]>[0];

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

export class SenderStatus {
  private readonly queues: QueueWatch;

  constructor(RED: NodeAPI, private readonly node: Node) {
    this.queues = new QueueWatch(() => node.status(this.queues.status(RED)));
  }

  /** Shows this queue's counts in the node status from now on (idempotent). */
  watch(queue: SendQueue): void {
    this.queues.watch(queue);
  }

  /** Stops watching; on close, the node's own jobs are cancelled and awaited. */
  async close(resource: AcsResource | undefined): Promise<void> {
    this.queues.close();
    await resource?.releaseOwner(this.node);
  }
}
