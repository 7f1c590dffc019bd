// What every sending node does around its queue: show "sending N, queued M" while busy (cleared when
// idle), and on close settle its own messages: waiting ones fail with a clear error (reaching Catch
// nodes through their done(err)), in-flight ones finish or fail within the close timeout.
import type { Node, NodeAPI } from "node-red";
import type { AcsResource } from "./acs-resource";
import { statusText } from "./input-handler";
import type { QueueCounts, SendQueue } from "./send-queue";

export class SenderStatus {
  private readonly watched = new Map<SendQueue, () => void>();
  private readonly counts = new Map<SendQueue, QueueCounts>();

  constructor(private readonly RED: NodeAPI, private readonly node: Node) {}

  /** Shows this queue's counts in the node status from now on (idempotent). */
  watch(queue: SendQueue): void {
    if (this.watched.has(queue)) return;
    this.watched.set(queue, queue.onChange((counts) => {
      this.counts.set(queue, counts);
      this.show();
    }));
  }

  /** Stops watching; on close, the node's own jobs are cancelled and awaited. */
  async close(resource: AcsResource | undefined): Promise<void> {
    for (const unsubscribe of this.watched.values()) unsubscribe();
    this.watched.clear();
    if (!resource) return;
    resource.cancelOwner(this.node);
    await resource.settled(this.node);
  }

  private show(): void {
    let inFlight = 0;
    let queued = 0;
    for (const counts of this.counts.values()) {
      inFlight += counts.inFlight;
      queued += counts.queued;
    }
    if (inFlight === 0 && queued === 0) this.node.status({});
    else this.node.status({ fill: "blue", shape: "dot", text: statusText(this.RED, "acs-config.status.sending", { inFlight, queued }) });
  }
}
