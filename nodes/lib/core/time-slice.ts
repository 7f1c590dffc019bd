// Long loops over msg data (100,000 recipients, 10,000 result messages) share the event loop with
// the rest of Node-RED: they run in slices of a few milliseconds and let every other callback run
// between two slices, so the editor, HTTP endpoints and other flows keep answering.
import { setImmediate as nextTurn } from "node:timers/promises";
import { performance } from "node:perf_hooks";

/** Work per slice: far below the 50 ms a user or a health check notices, yet large enough to amortise the hops. */
export const SLICE_MS = 5;

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

  /** True once this slice has used its budget: the caller should `await pause()`. */
  get spent(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /**
   * Lets the event loop run (I/O, timers, other msgs), then starts a new slice. Two turns: in the
   * first run the callbacks the slice scheduled with setImmediate (Node-RED delivers each msg sent
   * that way), so the next slice does not add its own work to theirs in one turn.
   */
  async pause(): Promise<void> {
    await nextTurn();
    await nextTurn();
    this.started = performance.now();
  }

  /** Pauses only when the slice is spent. */
  async maybePause(): Promise<void> {
    if (this.spent) await this.pause();
  }
}

/** Maps `items` in time slices, in order. */
export async function mapInSlices<T, R>(items: readonly T[], map: (item: T, index: number) => R, slice = new TimeSlice()): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    results[i] = map(items[i], i);
    // Checking the clock costs little, but not nothing: look every 64 items.
    if ((i & 63) === 63) await slice.maybePause();
  }
  return results;
}
