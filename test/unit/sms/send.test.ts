import assert from "node:assert/strict";
import { AcsError } from "../../../nodes/lib/core/errors";
import { SendQueue } from "../../../nodes/lib/core/send-queue";
import type { RecipientItem } from "../../../nodes/lib/connection/mms-client";
import { inBatches, mergeBatch, outcomeOf, sendBatched } from "../../../nodes/lib/sms/send";

const numbers = (count: number) => Array.from({ length: count }, (_, i) => `+1425555${String(i).padStart(4, "0")}`);
const accepted = (to: string): RecipientItem => ({ to, messageId: `id-${to}`, httpStatusCode: 202, successful: true });

describe("sms send batching", () => {
  let queue: SendQueue;
  beforeEach(() => {
    queue = new SendQueue({ maxInFlight: 4, rates: [], maxQueuedUnits: 10_000 });
  });
  afterEach(() => queue.close());

  it("cuts recipients into requests of at most 100", () => {
    assert.deepEqual(inBatches(numbers(250)).map((batch) => batch.length), [100, 100, 50]);
    assert.deepEqual(inBatches(numbers(100)).map((batch) => batch.length), [100]);
    assert.deepEqual(inBatches([]), []);
  });

  it("reports an accepted recipient as queued with its messageId", () => {
    assert.deepEqual(outcomeOf("+14255550000", accepted("+14255550000")), { to: "+14255550000", status: "queued", messageId: "id-+14255550000", httpStatusCode: 202 });
  });

  it("reports a repeated request (repeatabilityResult rejected) as queued, not failed", () => {
    const item: RecipientItem = { to: "+14255550000", messageId: "first", httpStatusCode: 400, successful: false, repeatabilityResult: "rejected", errorMessage: "already accepted" };
    assert.equal(outcomeOf(item.to, item).status, "queued");
    assert.equal(outcomeOf(item.to, item).messageId, "first");
  });

  it("reports a refused recipient as failed with the service's reason", () => {
    const item: RecipientItem = { to: "+14255550000", httpStatusCode: 400, successful: false, errorMessage: "Invalid To phone number format." };
    assert.deepEqual(outcomeOf(item.to, item), { to: item.to, status: "failed", httpStatusCode: 400, error: "Invalid To phone number format." });
  });

  it("matches results to recipients by number even when the answer is in another order", () => {
    const batch = numbers(3);
    const outcomes = mergeBatch(batch, [accepted(batch[2]), accepted(batch[0]), accepted(batch[1])]);
    assert.deepEqual(outcomes.map((o) => o.messageId), batch.map((to) => `id-${to}`));
  });

  it("marks a recipient the answer left out as failed", () => {
    const batch = numbers(2);
    const outcomes = mergeBatch(batch, [accepted(batch[0])]);
    assert.equal(outcomes[1].status, "failed");
    assert.match(outcomes[1].error ?? "", /no result/);
  });

  it("merges the results of several requests back in input order, whichever answers first", async () => {
    const recipients = numbers(250);
    const outcomes = await sendBatched({
      queue,
      owner: "node",
      recipients,
      operation: "send SMS",
      // The first request answers last.
      send: async (batch) => {
        await new Promise((resolve) => setTimeout(resolve, batch[0] === recipients[0] ? 30 : 1));
        return batch.map(accepted).reverse();
      },
    });
    assert.deepEqual(outcomes.map((o) => o.to), recipients);
    assert.ok(outcomes.every((o) => o.status === "queued" && o.messageId === `id-${o.to}`));
  });

  it("calls onBatch as each request is answered", async () => {
    const seen: number[] = [];
    await sendBatched({ queue, owner: "node", recipients: numbers(150), operation: "send SMS", send: async (batch) => batch.map(accepted), onBatch: (o) => seen.push(o.length) });
    assert.deepEqual(seen.sort(), [100, 50].sort());
  });

  it("rejects when every request was refused as a whole", async () => {
    const refusal = Object.assign(new Error("Unauthorized"), { statusCode: 401 });
    await assert.rejects(
      sendBatched({ queue, owner: "node", recipients: numbers(150), operation: "send MMS", send: async () => Promise.reject(refusal) }),
      (err) => err instanceof AcsError && err.statusCode === 401 && /^send MMS failed: the service answered HTTP 401 \(Unauthorized\)/.test(err.message),
    );
  });

  it("reports the recipients of a refused request as failed when other requests went", async () => {
    const recipients = numbers(150);
    const outcomes = await sendBatched({
      queue,
      owner: "node",
      recipients,
      operation: "send SMS",
      send: async (batch) => (batch.length === 50 ? Promise.reject(Object.assign(new Error("Bad Request"), { statusCode: 400 })) : batch.map(accepted)),
    });
    assert.equal(outcomes.filter((o) => o.status === "queued").length, 100);
    const failed = outcomes.slice(100);
    assert.ok(failed.every((o) => o.status === "failed" && o.httpStatusCode === 400));
    assert.match(failed[0].error ?? "", /send SMS failed: the service answered HTTP 400 \(Bad Request\)/);
  });

  it("aborts its requests in flight when the sender's own signal fires (its node is closing)", async () => {
    const closing = new AbortController();
    const sending = sendBatched({
      queue,
      owner: "node",
      recipients: numbers(1),
      operation: "send SMS",
      signal: (queueSignal) => AbortSignal.any([queueSignal, closing.signal]),
      send: (_batch, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => reject(Object.assign(new Error("The operation was aborted."), { name: "AbortError" })));
        }),
    });
    setTimeout(() => closing.abort(), 5);
    await assert.rejects(sending, /^AcsError: send SMS failed: The operation was aborted\./);
  });

  it("hands no further request to the queue once its node stops, and fails the rest as not sent", async () => {
    const stop = new AbortController();
    const sent: string[][] = [];
    const outcomes = await sendBatched({
      queue,
      owner: "node",
      recipients: numbers(2_000),
      operation: "send SMS",
      stop: stop.signal,
      send: async (batch) => {
        sent.push(batch);
        if (sent.length === 3) stop.abort();
        return batch.map(accepted);
      },
    });
    // The queue runs 4 at once and is fed 8 ahead: what was handed over before the stop still runs.
    assert.ok(sent.length < 20, `${sent.length} requests sent`);
    assert.equal(outcomes.length, 2_000);
    assert.equal(outcomes.filter((o) => o.status === "queued").length, sent.length * 100);
    assert.ok(outcomes.slice(sent.length * 100).every((o) => o.status === "failed" && /^not sent: the node was stopped/.test(o.error ?? "")));
  });

  it("keeps at most twice the queue's requests in flight waiting for one msg", async () => {
    let highest = 0;
    const watching = queue.onChange((counts) => (highest = Math.max(highest, counts.inFlight + counts.queued / 100)));
    await sendBatched({ queue, owner: "node", recipients: numbers(5_000), operation: "send SMS", send: async (batch) => batch.map(accepted) });
    watching();
    assert.ok(highest <= queue.maxInFlight * 2, `${highest} requests at once`);
  });

  it("fails fast when the queue has no room", async () => {
    const small = new SendQueue({ maxInFlight: 1, rates: [{ units: 1, periodMs: 60_000 }], maxQueuedUnits: 100 });
    const first = sendBatched({ queue: small, owner: "node", recipients: numbers(100), operation: "send SMS", send: async (batch) => batch.map(accepted) });
    const second = sendBatched({ queue: small, owner: "node", recipients: numbers(100), operation: "send SMS", send: async (batch) => batch.map(accepted) });
    const third = sendBatched({ queue: small, owner: "node", recipients: numbers(1), operation: "send SMS", send: async (batch) => batch.map(accepted) });
    await first;
    await assert.rejects(third, (err) => err instanceof AcsError && err.key === "acs-config.errors.queueFull");
    await small.close(0);
    await assert.rejects(second, (err) => err instanceof AcsError && err.key === "acs-config.errors.queueClosed");
  });
});
