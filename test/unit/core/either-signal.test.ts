import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { withEitherSignal } from "../../../nodes/lib/core/either-signal";

/** A task that waits until its signal aborts and resolves with the reason. */
const untilAborted = (signal: AbortSignal) => new Promise<unknown>((resolve) => signal.addEventListener("abort", () => resolve(signal.reason), { once: true }));

describe("either signal", () => {
  it("aborts the task's signal with the reason of whichever source aborts", async () => {
    const queue = new AbortController();
    const node = new AbortController();
    const first = withEitherSignal(queue.signal, node.signal, untilAborted);
    queue.abort("queue closed");
    assert.equal(await first, "queue closed");
    const other = new AbortController();
    const second = withEitherSignal(other.signal, node.signal, untilAborted);
    node.abort("grace over");
    assert.equal(await second, "grace over");
  });

  it("starts the task with an aborted signal when a source has aborted already", async () => {
    const live = new AbortController();
    const gone = new AbortController();
    gone.abort("closed");
    const seen = await withEitherSignal(live.signal, gone.signal, async (signal) => [signal.aborted, signal.reason]);
    assert.deepEqual(seen, [true, "closed"]);
  });

  it("hands over the first signal itself when there is no second", async () => {
    const queue = new AbortController();
    assert.equal(await withEitherSignal(queue.signal, undefined, async (signal) => signal), queue.signal);
  });

  it("leaves nothing attached to the sources once the task settles, whether it resolved or threw", async () => {
    const queue = new AbortController();
    const node = new AbortController();
    let during = -1;
    for (let i = 0; i < 100; i++) {
      await withEitherSignal(queue.signal, node.signal, async () => {
        during = getEventListeners(queue.signal, "abort").length;
        return i;
      });
      await assert.rejects(withEitherSignal(queue.signal, node.signal, () => Promise.reject(new Error("refused"))), /refused/);
    }
    assert.equal(during, 1);
    assert.equal(getEventListeners(queue.signal, "abort").length, 0);
    assert.equal(getEventListeners(node.signal, "abort").length, 0);
  });
});
