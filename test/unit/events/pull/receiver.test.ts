import assert from "node:assert/strict";
import { Backoff } from "../../../../nodes/lib/events/pull/backoff";
import type { Fault } from "../../../../nodes/lib/events/pull/faults";
import { PullReceiver, type ReceivedEvent, type Verdict } from "../../../../nodes/lib/events/pull/receiver";
import { RecordingClient, httpError, networkError, smsReport, until } from "./fake-client";

interface Held {
  received: ReceivedEvent;
  closing: AbortSignal;
  decide(verdict: Verdict): void;
}

/** A receiver whose handler keeps every event until the test decides its verdict. */
function holdingReceiver(client: RecordingClient, options: { maxEvents?: number; maxInFlight?: number; lockRenewalMs?: number } = {}) {
  const held: Held[] = [];
  const faults: Fault[] = [];
  const reports: string[] = [];
  const receiver = new PullReceiver({
    client,
    maxEvents: options.maxEvents ?? 10,
    maxWaitTimeSeconds: 10,
    maxInFlight: options.maxInFlight ?? 50,
    lockRenewalMs: options.lockRenewalMs ?? 60_000,
    backoff: new Backoff({ initialMs: 5, maxMs: 10 }),
    handle: (received, closing) =>
      new Promise((decide) => {
        held.push({ received, closing, decide });
        // What the handover does: what is still in the flow when the close grace ends is released.
        closing.addEventListener("abort", () => decide({ action: "release", delaySeconds: 0 }));
      }),
    report: {
      connecting: () => reports.push("connecting"),
      received: (count) => reports.push(`received ${count}`),
      fault: (fault) => faults.push(fault),
      settleFault: () => undefined,
    },
  });
  return { receiver, held, faults, reports };
}

describe("PullReceiver", () => {
  it("never asks for more events than it has free slots, and asks again as slots free", async () => {
    const client = new RecordingClient();
    for (let index = 0; index < 12; index++) client.push(smsReport(`e${index}`));
    const { receiver, held } = holdingReceiver(client, { maxEvents: 10, maxInFlight: 4 });
    receiver.start();
    await until(() => held.length === 4);
    assert.deepEqual(client.asked, [4]);
    assert.equal(receiver.held, 4);
    held[0].decide({ action: "acknowledge" });
    await until(() => held.length === 5);
    assert.deepEqual(client.asked, [4, 1], "one slot freed, one event asked for");
    assert.ok(receiver.held <= 4);
    for (const entry of held.slice(1)) entry.decide({ action: "acknowledge" });
    await until(() => held.length === 9);
    await receiver.close(0);
    assert.ok(Math.max(...client.asked) <= 4);
  });

  it("sends each verdict: acknowledge, release with its delay, reject", async () => {
    const client = new RecordingClient();
    const tokens = ["a", "b", "c"].map((id) => client.push(smsReport(id)));
    const { receiver, held } = holdingReceiver(client);
    receiver.start();
    await until(() => held.length === 3);
    held[0].decide({ action: "acknowledge" });
    held[1].decide({ action: "release", delaySeconds: 10 });
    held[2].decide({ action: "reject" });
    await until(() => client.calls.length === 3);
    await receiver.close(0);
    assert.deepEqual(client.tokensOf("acknowledge"), [tokens[0]]);
    assert.deepEqual(client.calls.find((call) => call.op === "release"), { op: "release", tokens: [tokens[1]], delay: "10" });
    assert.deepEqual(client.tokensOf("reject"), [tokens[2]]);
  });

  it("renews the lock of an event the flow holds, and stops once it is settled", async () => {
    const client = new RecordingClient();
    const token = client.push(smsReport("slow"));
    const { receiver, held } = holdingReceiver(client, { lockRenewalMs: 20 });
    receiver.start();
    await until(() => client.tokensOf("renew").length >= 2);
    held[0].decide({ action: "acknowledge" });
    await until(() => client.tokensOf("acknowledge").length === 1);
    const renewals = client.tokensOf("renew").length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await receiver.close(0);
    assert.ok(client.tokensOf("renew").every((renewed) => renewed === token));
    assert.equal(client.tokensOf("renew").length, renewals, "no renewal after the acknowledgement");
  });

  it("keeps trying after faults, reports each, and receives once the namespace answers again", async () => {
    const client = new RecordingClient();
    client.failNext.set("receive", [networkError(), httpError(503), httpError(401, "Unauthorized"), httpError(429, "TooManyRequests")]);
    client.push(smsReport("after"));
    const { receiver, held, faults, reports } = holdingReceiver(client);
    receiver.start();
    await until(() => held.length === 1);
    await receiver.close(0);
    assert.deepEqual(faults.map((fault) => fault.kind), ["unreachable", "service", "unauthorized", "throttled"]);
    assert.equal(faults[2].status, 401);
    assert.ok(reports.includes("received 1"));
  });

  it("on close, gives the flow its grace and then releases what is still held at once", async () => {
    const client = new RecordingClient();
    const [quick, slow] = ["quick", "slow"].map((id) => client.push(smsReport(id)));
    const held: Held[] = [];
    const receiver = new PullReceiver({
      client,
      maxEvents: 10,
      maxWaitTimeSeconds: 10,
      maxInFlight: 10,
      lockRenewalMs: 60_000,
      handle: (received, closing) =>
        new Promise((decide) => {
          held.push({ received, closing, decide });
          // What the handover does: a flow still running when the grace ends is released.
          closing.addEventListener("abort", () => decide({ action: "release", delaySeconds: 0 }));
        }),
      report: { connecting: () => undefined, received: () => undefined, fault: () => undefined, settleFault: () => undefined },
    });
    receiver.start();
    await until(() => held.length === 2);
    const closed = receiver.close(200);
    setTimeout(() => held[0].decide({ action: "acknowledge" }), 20);
    await closed;
    assert.deepEqual(client.tokensOf("acknowledge"), [quick], "the flow that finished within the grace is acknowledged");
    assert.deepEqual(client.calls.find((call) => call.op === "release"), { op: "release", tokens: [slow], delay: "0" });
    assert.equal(receiver.held, 0);
  });

  it("does not receive after close", async () => {
    const client = new RecordingClient();
    const { receiver } = holdingReceiver(client);
    receiver.start();
    await until(() => client.asked.length === 1);
    await receiver.close(0);
    client.push(smsReport("late"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(client.asked.length, 1);
    assert.equal(client.queued.length, 1, "the late event stays with the namespace");
  });
});
