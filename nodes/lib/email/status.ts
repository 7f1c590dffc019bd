// The acs-email node's status: batch progress ("1,204 / 10,000") while a batch runs, otherwise the
// queue's "sending N, queued M" (cleared when idle). Progress is drawn at most a few times a second
// so that a fast batch does not flood the editor with status events.
import { statusText } from "../node-red/input-handler";
import { SenderStatus } from "../node-red/sender-status";

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

export class EmailStatus extends SenderStatus {
  private readonly batches = new Set<{ finished: number; total: number }>();
  private timer: NodeJS.Timeout | undefined;

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
        this.show({
          fill: failed > 0 ? "yellow" : "green",
          shape: "dot",
          text: statusText(this.RED, "acs-email.status.batchDone", { sent: formatCount(sent), failed: formatCount(failed) }),
        });
      },
    };
  }

  override close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    super.close();
  }

  /** While a batch runs its progress is the status, not the queue's counts. */
  protected override queuesChanged(): void {
    if (this.batches.size === 0) super.queuesChanged();
  }

  private showProgress(): void {
    let finished = 0;
    let total = 0;
    for (const batch of this.batches) {
      finished += batch.finished;
      total += batch.total;
    }
    this.show({ fill: "blue", shape: "dot", text: statusText(this.RED, "acs-email.status.progress", { finished: formatCount(finished), total: formatCount(total) }) });
  }
}
