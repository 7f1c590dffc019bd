// The acs-email node's status: batch progress ("1,204 / 10,000") while a batch runs, otherwise the
// queue's "sending N, queued M" (cleared when idle). Progress is drawn at most a few times a second
// so that a fast batch does not flood the editor with status events.
import type { Node, NodeAPI } from "node-red";
import { statusText } from "../node-red/input-handler";
import { QueueWatch } from "../node-red/sender-status";
import type { SendQueue } from "../core/send-queue";

const REDRAW_MS = 250;
const numberFormat = new Intl.NumberFormat("en-US");

/** 1204 -> "1,204". */
export function formatCount(value: number): string {
  return numberFormat.format(value);
}

export interface BatchProgress {
  /** Records how many recipients have finished. */
  update(finished: number): void;
  /** The batch is over: shows its result until the node's status changes again. */
  end(sent: number, failed: number): void;
}

export class EmailStatus {
  private readonly queues = new QueueWatch(() => {
    if (this.batches.size === 0) this.draw(this.queues.status(this.RED));
  });
  private readonly batches = new Set<{ finished: number; total: number }>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly RED: NodeAPI, private readonly node: Node) {}

  /** Follows a queue's counts from now on (idempotent). */
  watch(queue: SendQueue): void {
    this.queues.watch(queue);
  }

  startBatch(total: number): BatchProgress {
    const batch = { finished: 0, total };
    this.batches.add(batch);
    this.showProgress();
    return {
      update: (finished) => {
        batch.finished = finished;
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          if (this.batches.size > 0) this.showProgress();
        }, REDRAW_MS);
      },
      end: (sent, failed) => {
        this.batches.delete(batch);
        if (this.batches.size > 0) return this.showProgress();
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.draw({
          fill: failed > 0 ? "yellow" : "green",
          shape: "dot",
          text: statusText(this.RED, "acs-email.status.batchDone", { sent: formatCount(sent), failed: formatCount(failed) }),
        });
      },
    };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queues.close();
  }

  private showProgress(): void {
    let finished = 0;
    let total = 0;
    for (const batch of this.batches) {
      finished += batch.finished;
      total += batch.total;
    }
    this.draw({ fill: "blue", shape: "dot", text: statusText(this.RED, "acs-email.status.progress", { finished: formatCount(finished), total: formatCount(total) }) });
  }

  private draw(status: Parameters<Node["status"]>[0]): void {
    if (!this.closed) this.node.status(status);
  }
}
