import assert from "node:assert/strict";
import { AcsError } from "../../../nodes/lib/core/errors";
import { SendQueue, throttledFor, type QueuedJob } from "../../../nodes/lib/core/send-queue";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function throttle(retryAfterMs: number): Error {
  return Object.assign(new Error("Too many requests"), {
    statusCode: 429,
    response: { headers: { get: (name: string) => (name === "retry-after-ms" ? String(retryAfterMs) : undefined) } },
  });
}

describe("send queue", () => {
  it("never runs more jobs at once than maxInFlight", async () => {
    const queue = new SendQueue({ maxInFlight: 3, rates: [], maxQueuedUnits: 100 });
    let running = 0;
    let peak = 0;
    const jobs = Array.from({ length: 12 }, (_, i) =>
      queue.submit(1, "owner", async () => {
        running++;
        peak = Math.max(peak, running);
        await tick(5);
        running--;
        return i;
      }),
    );
    assert.deepEqual(await Promise.all(jobs), Array.from({ length: 12 }, (_, i) => i));
    assert.equal(peak, 3);
    await queue.close();
  });

  it("paces units evenly at the configured rate", async () => {
    // 600 units per second: 30 units take about 50 ms, not zero.
    const queue = new SendQueue({ maxInFlight: 100, rates: [{ units: 600, periodMs: 1000 }], maxQueuedUnits: 1000 });
    const started: number[] = [];
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 30 }, () => queue.submit(1, "owner", async () => void started.push(Date.now() - t0))));
    const span = Math.max(...started) - Math.min(...started);
    assert.ok(span >= 40, `30 units at 600/s were spread over ${span} ms, expected about 50`);
    await queue.close();
  });

  it("fails fast with queueFull past its bound instead of growing", async () => {
    const queue = new SendQueue({ maxInFlight: 1, rates: [], maxQueuedUnits: 2 });
    let release: () => void = () => undefined;
    const blocker = queue.submit(1, "owner", () => new Promise<void>((resolve) => (release = resolve)));
    const waiting = [queue.submit(1, "owner", async () => "a"), queue.submit(1, "owner", async () => "b")];
    await assert.rejects(queue.submit(1, "owner", async () => "c"), (err: AcsError) => err.key === "acs-config.errors.queueFull" && /more than 2 messages/.test(err.message));
    release();
    await blocker;
    assert.deepEqual(await Promise.all(waiting), ["a", "b"]);
    await queue.close();
  });

  it("waits out a 429 and runs the same job again", async () => {
    const queue = new SendQueue({ maxInFlight: 2, rates: [], maxQueuedUnits: 10 });
    let attempts = 0;
    const t0 = Date.now();
    const result = await queue.submit(1, "owner", async () => {
      attempts++;
      if (attempts === 1) throw throttle(60);
      return "sent";
    });
    assert.equal(result, "sent");
    assert.equal(attempts, 2);
    assert.ok(Date.now() - t0 >= 55, "the retry waited for Retry-After");
    await queue.close();
  });

  it("gives up after the throttle retries and rejects with the 429", async () => {
    const queue = new SendQueue({ maxInFlight: 1, rates: [], maxQueuedUnits: 10, maxThrottleRetries: 2 });
    let attempts = 0;
    await assert.rejects(queue.submit(1, "owner", async () => {
      attempts++;
      throw throttle(1);
    }), (err: { statusCode?: number }) => err.statusCode === 429);
    assert.equal(attempts, 3);
    await queue.close();
  });

  it("rejects the waiting jobs of a cancelled owner and keeps the others", async () => {
    const queue = new SendQueue({ maxInFlight: 1, rates: [], maxQueuedUnits: 10 });
    let release: () => void = () => undefined;
    const running = queue.submit(1, "a", () => new Promise<string>((resolve) => (release = () => resolve("ran"))));
    const mine = queue.submit(1, "a", async () => "never");
    const theirs = queue.submit(1, "b", async () => "theirs");
    queue.cancelOwner("a");
    await assert.rejects(mine, (err: AcsError) => err.key === "acs-config.errors.queueClosed");
    release();
    assert.equal(await running, "ran");
    assert.equal(await theirs, "theirs");
    await queue.close();
  });

  it("settles every job on close: waiting ones rejected, running ones finished", async () => {
    const queue = new SendQueue({ maxInFlight: 2, rates: [], maxQueuedUnits: 2000 });
    const outcomes = Array.from({ length: 1000 }, () =>
      queue.submit(1, "owner", () => tick(20).then(() => "sent")).then(
        (value) => value,
        (err: AcsError) => err.key,
      ),
    );
    await tick(5);
    await queue.close();
    const results = await Promise.all(outcomes);
    assert.equal(results.filter((r) => r === "sent").length, 2);
    assert.equal(results.filter((r) => r === "acs-config.errors.queueClosed").length, 998);
    await assert.rejects(queue.submit(1, "owner", async () => "late"), (err: AcsError) => err.key === "acs-config.errors.queueClosed");
  });

  it("aborts a job still running when the close grace time is over", async () => {
    const queue = new SendQueue({ maxInFlight: 1, rates: [], maxQueuedUnits: 10 });
    const job = queue.submit(1, "owner", (signal) => new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))));
    await tick(1);
    await queue.close(20);
    await assert.rejects(job, /aborted/);
  });

  it("runs a job record and settles it through its own resolve or reject, after the counts show it ended", async () => {
    const queue = new SendQueue({ maxInFlight: 1, rates: [], maxQueuedUnits: 1 });
    const events: string[] = [];
    queue.onChange((counts) => events.push(`counts ${counts.inFlight}/${counts.queued}`));
    const record = (name: string, run: () => Promise<string>): QueuedJob<string> => ({
      units: 1,
      owner: "owner",
      run,
      resolve: (value) => events.push(`${name} resolved ${value}`),
      reject: (err) => events.push(`${name} rejected ${(err as AcsError).key ?? (err as Error).message}`),
    });
    let release: () => void = () => undefined;
    queue.enqueue(record("first", () => new Promise((resolve) => (release = () => resolve("sent")))));
    queue.enqueue(record("second", async () => "sent too"));
    // Full: refused at once, without waiting.
    queue.enqueue(record("third", async () => "never"));
    assert.equal(events.at(-1), "third rejected acs-config.errors.queueFull");
    await tick();
    const released = events.length;
    release();
    await tick(10);
    // Each job ended (its counts shown, the next one started) before it heard its outcome.
    assert.deepEqual(events.slice(released), ["counts 0/1", "counts 1/0", "first resolved sent", "counts 0/0", "second resolved sent too"]);
    queue.enqueue(record("late", async () => "never"));
    queue.enqueue(record("failing", async () => Promise.reject(new Error("refused"))));
    await tick(10);
    assert.ok(events.includes("late resolved never") && events.includes("failing rejected refused"), events.join(", "));
    await queue.close();
    queue.enqueue(record("closed", async () => "never"));
    assert.equal(events.at(-1), "closed rejected acs-config.errors.queueClosed");
  });

  it("reports counts to listeners and ends idle", async () => {
    const queue = new SendQueue({ maxInFlight: 1, rates: [], maxQueuedUnits: 10 });
    const seen: string[] = [];
    queue.onChange((counts) => seen.push(`${counts.inFlight}/${counts.queued}`));
    await Promise.all([queue.submit(1, "o", async () => 1), queue.submit(1, "o", async () => 2)]);
    assert.ok(seen.includes("1/1"), `counts seen: ${seen.join(", ")}`);
    assert.equal(seen.at(-1), "0/0");
    await queue.close();
  });
});

describe("throttledFor", () => {
  it("reads retry-after-ms, then Retry-After seconds, else the fallback; undefined for other errors", () => {
    const withHeaders = (headers: Record<string, string>) => ({ statusCode: 429, response: { headers: { get: (name: string) => headers[name] } } });
    assert.equal(throttledFor(withHeaders({ "retry-after-ms": "250" }), 1000), 250);
    assert.equal(throttledFor(withHeaders({ "retry-after": "3" }), 1000), 3000);
    assert.equal(throttledFor(withHeaders({}), 1000), 1000);
    assert.equal(throttledFor({ statusCode: 500 }, 1000), undefined);
    assert.equal(throttledFor(new Error("x"), 1000), undefined);
  });
});
