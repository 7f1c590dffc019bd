// Contract of the sandbox's Event Grid namespace data plane (api-version 2024-06-01), driven by the
// real @azure/eventgrid-namespaces clients and compared with the public spec examples: publish,
// the receive long poll, acknowledge / release / reject / renewLock with per-token results, lock
// expiry and the maximum delivery count, competing receivers, and authentication.
import assert from "node:assert/strict";
import { AzureKeyCredential } from "@azure/core-auth";
import type { CloudEvent, ReceiveDetails } from "@azure/eventgrid-namespaces";
import { startSandbox, type Sandbox } from "../../emulator";
import { suiteSandbox } from "../helpers/sandbox";
import { keyHeader, namespaceRequest, receiverClient, senderClient, subscriptionPath } from "./namespace-fixture";
import { specExample } from "../helpers/spec-examples";

type Received = ReceiveDetails<unknown>;

function testEvent(n: number): CloudEvent<unknown> {
  return { type: "Sandbox.Test", source: "/tests/namespace", id: `event-${n}`, data: { n } };
}

describe("Event Grid namespace data plane in the sandbox", function () {
  let sandbox: Sandbox;

  // 60 simulated seconds of lock or wait last one real second.
  suiteSandbox((started) => (sandbox = started), () => startSandbox({ timeScale: 60 }));

  afterEach(function () {
    sandbox.control.setNamespace({ lockDurationSeconds: 60, maxDeliveryCount: 10 });
    sandbox.control.reset();
  });

  describe("publish", function () {
    it("accepts one CloudEvent and a batch, and hands them out in order with their attributes", async function () {
      const sender = senderClient(sandbox);
      await sender.sendEvents({ ...testEvent(1), subject: "/things/1", time: new Date("2024-01-02T03:04:05Z") });
      await sender.sendEvents([testEvent(2), testEvent(3)]);

      const { details } = await receiverClient(sandbox).receiveEvents({ maxEvents: 10, maxWaitTime: 10 });
      assert.deepEqual(details.map((d) => d.event.id), ["event-1", "event-2", "event-3"]);
      const first = details[0];
      assert.equal(first.event.type, "Sandbox.Test");
      assert.equal(first.event.source, "/tests/namespace");
      assert.equal(first.event.subject, "/things/1");
      assert.equal(first.event.time?.toISOString(), "2024-01-02T03:04:05.000Z");
      assert.deepEqual(first.event.data, { n: 1 });
      assert.equal(first.brokerProperties.deliveryCount, 1);
      assert.match(first.brokerProperties.lockToken, /^[A-Za-z0-9+/]+=*$/);
      assert.equal(new Set(details.map((d) => d.brokerProperties.lockToken)).size, 3);
    });

    it("answers the spec example's publish with its 200 body", async function () {
      const example = specExample("eventgrid-namespaces", "publish.json");
      const answer = await namespaceRequest(
        sandbox,
        `/topics/${sandbox.namespace.topic}:publish?api-version=${String(example.parameters["api-version"])}`,
        { ...keyHeader(sandbox), "content-type": "application/cloudevents+json; charset=utf-8" },
        JSON.stringify(example.parameters.event),
      );
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, example.responses["200"].body);
      const { details } = await receiverClient(sandbox).receiveEvents({ maxWaitTime: 10 });
      assert.equal(details[0].event.id, (example.parameters.event as { id: string }).id);
      assert.deepEqual(details[0].event.data, { Property1: "Value1", Property2: "Value2" });
    });

    it("refuses an event without the CloudEvents attributes, a wrong content type and an unknown topic", async function () {
      const headers = { ...keyHeader(sandbox), "content-type": "application/cloudevents-batch+json" };
      const path = `/topics/${sandbox.namespace.topic}:publish?api-version=2024-06-01`;
      const missingType = await namespaceRequest(sandbox, path, headers, JSON.stringify([{ id: "1", source: "/s", specversion: "1.0" }]));
      assert.equal(missingType.status, 400);
      assert.equal(missingType.headers["x-ms-error-code"], "BadRequest");
      assert.match((missingType.body as { error: { message: string } }).error.message, /'type'/);

      const wrongType = await namespaceRequest(sandbox, path, { ...keyHeader(sandbox), "content-type": "application/json" }, "{}");
      assert.equal(wrongType.status, 415);

      const unknownTopic = await namespaceRequest(sandbox, "/topics/no-such-topic:publish?api-version=2024-06-01", headers, "[]");
      assert.equal(unknownTopic.status, 404);
      assert.equal((unknownTopic.body as { error: { code: string } }).error.code, "NotFound");
      assert.equal(sandbox.control.namespace().depth, 0);
    });
  });

  describe("receive", function () {
    it("answers with no events once maxWaitTime has passed", async function () {
      const started = sandbox.clock.now();
      const { details } = await receiverClient(sandbox).receiveEvents({ maxEvents: 1, maxWaitTime: 10 });
      assert.deepEqual(details, []);
      // Timers may fire a millisecond early; 60 simulated ms is one real.
      assert.ok(sandbox.clock.now() - started >= 9_000, "answered before maxWaitTime");
    });

    it("answers the spec example's receive with its body: the event as published, with its broker properties", async function () {
      const example = specExample("eventgrid-namespaces", "receive.json");
      const expected = (example.responses["200"].body as { value: { brokerProperties: object; event: Record<string, unknown> }[] }).value[0];
      const published = await namespaceRequest(
        sandbox,
        `/topics/${sandbox.namespace.topic}:publish?api-version=2024-06-01`,
        { ...keyHeader(sandbox), "content-type": "application/cloudevents+json; charset=utf-8" },
        JSON.stringify(expected.event),
      );
      assert.equal(published.status, 200);
      const { maxEvents, maxWaitTime } = example.parameters as { maxEvents: number; maxWaitTime: number };
      const answer = await namespaceRequest(sandbox, subscriptionPath(sandbox, "receive", `&maxEvents=${maxEvents}&maxWaitTime=${maxWaitTime}`), keyHeader(sandbox));
      assert.equal(answer.status, 200);
      const [received] = (answer.body as { value: { brokerProperties: { lockToken: string; deliveryCount: number }; event: unknown }[] }).value;
      assert.deepEqual(received, { ...expected, brokerProperties: { ...expected.brokerProperties, lockToken: received.brokerProperties.lockToken } });
    });

    it("gives at most maxEvents per receive", async function () {
      await senderClient(sandbox).sendEvents([1, 2, 3, 4, 5].map(testEvent));
      const receiver = receiverClient(sandbox);
      const first = await receiver.receiveEvents({ maxEvents: 2, maxWaitTime: 10 });
      const rest = await receiver.receiveEvents({ maxEvents: 100, maxWaitTime: 10 });
      assert.deepEqual(first.details.map((d) => d.event.id), ["event-1", "event-2"]);
      assert.deepEqual(rest.details.map((d) => d.event.id), ["event-3", "event-4", "event-5"]);
    });

    it("refuses maxEvents and maxWaitTime outside the service's ranges with 400 in the service's envelope", async function () {
      for (const query of ["&maxEvents=0", "&maxEvents=101", "&maxWaitTime=9", "&maxWaitTime=121"]) {
        const answer = await namespaceRequest(sandbox, subscriptionPath(sandbox, "receive", query), keyHeader(sandbox));
        assert.equal(answer.status, 400, query);
        assert.equal(answer.headers["x-ms-error-code"], "BadRequest", query);
        assert.equal((answer.body as { error: { code: string } }).error.code, "BadRequest", query);
      }
    });

    it("locks nothing for a receive whose client gave up", async function () {
      const controller = new AbortController();
      const receiving = receiverClient(sandbox).receiveEvents({ maxWaitTime: 120, abortSignal: controller.signal });
      await eventuallyWaiting(sandbox, 1);
      controller.abort();
      await assert.rejects(receiving);
      await eventuallyWaiting(sandbox, 0);
      await senderClient(sandbox).sendEvents(testEvent(1));
      const { details } = await receiverClient(sandbox).receiveEvents({ maxWaitTime: 10 });
      assert.equal(details[0].brokerProperties.deliveryCount, 1);
    });
  });

  describe("settlement", function () {
    async function receiveOne(): Promise<Received> {
      const { details } = await receiverClient(sandbox).receiveEvents({ maxWaitTime: 120 });
      assert.equal(details.length, 1);
      return details[0];
    }

    it("acknowledges: the event is gone, and a second acknowledge of the token fails per token", async function () {
      await senderClient(sandbox).sendEvents(testEvent(1));
      const { brokerProperties } = await receiveOne();
      const receiver = receiverClient(sandbox);
      const first = await receiver.acknowledgeEvents([brokerProperties.lockToken]);
      assert.deepEqual(first, { failedLockTokens: [], succeededLockTokens: [brokerProperties.lockToken] });
      const again = await receiver.acknowledgeEvents([brokerProperties.lockToken, "not a token!"]);
      assert.deepEqual(again.succeededLockTokens, []);
      assert.deepEqual(again.failedLockTokens.map((f) => [f.lockToken, f.error.code]), [
        [brokerProperties.lockToken, "TokenLost"],
        ["not a token!", "BadToken"],
      ]);
      assert.deepEqual(sandbox.control.namespace(), { ...sandbox.control.namespace(), depth: 0, locked: 0 });
    });

    it("releases with the spec example's body and answer, and delivers the event again with deliveryCount 2", async function () {
      const example = specExample("eventgrid-namespaces", "release.json");
      await senderClient(sandbox).sendEvents(testEvent(1));
      const { brokerProperties } = await receiveOne();
      const releaseOptions = { ...(example.parameters.releaseOptions as object), lockTokens: [brokerProperties.lockToken] };
      const answer = await namespaceRequest(
        sandbox,
        subscriptionPath(sandbox, "release", "&releaseDelayInSeconds=0"),
        { ...keyHeader(sandbox), "content-type": String(example.parameters["content-type"]) },
        JSON.stringify(releaseOptions),
      );
      assert.equal(answer.status, 200);
      const expected = example.responses["200"].body as { failedLockTokens: unknown[]; succeededLockTokens: string[] };
      assert.deepEqual(answer.body, { ...expected, succeededLockTokens: [brokerProperties.lockToken] });

      const again = await receiveOne();
      assert.equal(again.event.id, "event-1");
      assert.equal(again.brokerProperties.deliveryCount, 2);
      assert.notEqual(again.brokerProperties.lockToken, brokerProperties.lockToken);
    });

    it("releases with a delay: the event is not received before the delay has passed", async function () {
      await senderClient(sandbox).sendEvents(testEvent(1));
      const { brokerProperties } = await receiveOne();
      const receiver = receiverClient(sandbox);
      const releasedAt = sandbox.clock.now();
      const result = await receiver.releaseEvents([brokerProperties.lockToken], { releaseDelay: "60" });
      assert.deepEqual(result.succeededLockTokens, [brokerProperties.lockToken]);
      assert.equal(sandbox.control.namespace().depth, 1);

      const early = await receiver.receiveEvents({ maxWaitTime: 10 });
      assert.deepEqual(early.details, [], "a delayed release was received before its delay");
      const later = await receiveOne();
      assert.equal(later.event.id, "event-1");
      assert.equal(later.brokerProperties.deliveryCount, 2);
      assert.ok(sandbox.clock.now() - releasedAt >= 55_000, "received before the 60 s release delay");
    });

    it("refuses a release delay the service does not offer", async function () {
      const answer = await namespaceRequest(
        sandbox,
        subscriptionPath(sandbox, "release", "&releaseDelayInSeconds=5"),
        { ...keyHeader(sandbox), "content-type": "application/json" },
        JSON.stringify({ lockTokens: ["abc"] }),
      );
      assert.equal(answer.status, 400);
      assert.match((answer.body as { error: { message: string } }).error.message, /0, 10, 60, 600, 3600/);
    });

    it("rejects with the spec example's body and answer: the event is dead-lettered (Rejected) and never delivered again", async function () {
      const example = specExample("eventgrid-namespaces", "reject.json");
      await senderClient(sandbox).sendEvents(testEvent(1));
      const { brokerProperties } = await receiveOne();
      const answer = await namespaceRequest(
        sandbox,
        subscriptionPath(sandbox, "reject"),
        { ...keyHeader(sandbox), "content-type": String(example.parameters["content-type"]) },
        JSON.stringify({ ...(example.parameters.body as object), lockTokens: [brokerProperties.lockToken] }),
      );
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { ...(example.responses["200"].body as object), succeededLockTokens: [brokerProperties.lockToken] });
      const state = sandbox.control.namespace();
      assert.equal(state.depth, 0);
      assert.equal(state.locked, 0);
      assert.deepEqual(state.deadLetters.map((d) => [d.event.id, d.deadLetterReason, d.deliveryCount]), [["event-1", "Rejected", 1]]);
      const { details } = await receiverClient(sandbox).receiveEvents({ maxWaitTime: 10 });
      assert.deepEqual(details, []);
    });

    it("renews a lock with the spec example's body and answer, so the event outlives its first lock", async function () {
      const example = specExample("eventgrid-namespaces", "renewlock.json");
      sandbox.control.setNamespace({ lockDurationSeconds: 300 });
      await senderClient(sandbox).sendEvents(testEvent(1));
      const receivedAt = sandbox.clock.now();
      const { brokerProperties } = await receiveOne();
      // Renewed at 60% of the lock and settled at 120%: only the renewal kept it.
      await sandbox.clock.sleepReal(sandbox.clock.toReal(180_000));
      const answer = await namespaceRequest(
        sandbox,
        subscriptionPath(sandbox, "renewLock"),
        { ...keyHeader(sandbox), "content-type": String(example.parameters["content-type"]) },
        JSON.stringify({ ...(example.parameters.body as object), lockTokens: [brokerProperties.lockToken] }),
      );
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { ...(example.responses["200"].body as object), succeededLockTokens: [brokerProperties.lockToken] });
      await sandbox.clock.sleepReal(sandbox.clock.toReal(180_000));
      assert.ok(sandbox.clock.now() - receivedAt > 300_000);
      const result = await receiverClient(sandbox).acknowledgeEvents([brokerProperties.lockToken]);
      assert.deepEqual(result.succeededLockTokens, [brokerProperties.lockToken]);
    });
  });

  describe("lock expiry and the maximum delivery count", function () {
    it("delivers an event whose lock expired again, with a higher deliveryCount and a new token", async function () {
      sandbox.control.setNamespace({ lockDurationSeconds: 10 });
      await senderClient(sandbox).sendEvents(testEvent(1));
      const receiver = receiverClient(sandbox);
      const first = (await receiver.receiveEvents({ maxWaitTime: 10 })).details[0];
      const second = (await receiver.receiveEvents({ maxWaitTime: 120 })).details[0];
      assert.equal(second.event.id, "event-1");
      assert.equal(first.brokerProperties.deliveryCount, 1);
      assert.equal(second.brokerProperties.deliveryCount, 2);
      const late = await receiver.acknowledgeEvents([first.brokerProperties.lockToken]);
      assert.deepEqual(late.failedLockTokens.map((f) => f.error.code), ["TokenLost"]);
      const current = await receiver.acknowledgeEvents([second.brokerProperties.lockToken]);
      assert.deepEqual(current.succeededLockTokens, [second.brokerProperties.lockToken]);
    });

    it("dead-letters an event after the maximum delivery count, visible in the control API", async function () {
      sandbox.control.setNamespace({ lockDurationSeconds: 10, maxDeliveryCount: 3 });
      await senderClient(sandbox).sendEvents(testEvent(1));
      const receiver = receiverClient(sandbox);
      const counts: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const { details } = await receiver.receiveEvents({ maxWaitTime: 120 });
        counts.push(details[0].brokerProperties.deliveryCount);
      }
      assert.deepEqual(counts, [1, 2, 3]);
      const { details } = await receiver.receiveEvents({ maxWaitTime: 30 });
      assert.deepEqual(details, [], "delivered beyond the maximum delivery count");
      const state = sandbox.control.namespace();
      assert.deepEqual(state.deadLetters.map((d) => [d.event.id, d.deadLetterReason, d.deliveryCount]), [["event-1", "MaxDeliveryCountExceeded", 3]]);
      assert.equal(state.maxDeliveryCount, 3);
    });
  });

  describe("authentication", function () {
    it("answers a wrong key with 401 Unauthorized in the service's envelope", async function () {
      const wrong = receiverClient(sandbox, new AzureKeyCredential(Buffer.from("not the namespace key").toString("base64")));
      await assert.rejects(wrong.receiveEvents({ maxWaitTime: 10 }), (error: { statusCode?: number; code?: string }) => {
        assert.equal(error.statusCode, 401);
        assert.equal(error.code, "Unauthorized");
        return true;
      });
      const raw = await namespaceRequest(sandbox, subscriptionPath(sandbox, "receive"), { authorization: "SharedAccessKey wrong" });
      assert.equal(raw.status, 401);
      assert.equal(raw.headers["x-ms-error-code"], "Unauthorized");
      assert.deepEqual(Object.keys((raw.body as { error: object }).error).sort(), ["code", "message"]);
    });

    it("answers a request without credentials, or with a token it did not issue, with 401", async function () {
      const none = await namespaceRequest(sandbox, subscriptionPath(sandbox, "receive"), {});
      assert.equal(none.status, 401);
      const forged = await namespaceRequest(sandbox, subscriptionPath(sandbox, "receive"), { authorization: "Bearer a.b.c" });
      assert.equal(forged.status, 401);
    });

    it("refuses an unauthenticated publish before reading its body", async function () {
      // 13 MB is above what the sandbox reads at all: reading it first would answer 413, not 401.
      const body = Buffer.alloc(13 * 1024 * 1024, 0x20);
      const answer = await namespaceRequest(
        sandbox,
        `/topics/${sandbox.namespace.topic}:publish?api-version=2024-06-01`,
        { authorization: "SharedAccessKey wrong", "content-type": "application/cloudevents-batch+json" },
        body,
      );
      assert.equal(answer.status, 401);
      const withKey = await namespaceRequest(
        sandbox,
        `/topics/${sandbox.namespace.topic}:publish?api-version=2024-06-01`,
        { ...keyHeader(sandbox), "content-type": "application/cloudevents-batch+json" },
        body,
      );
      assert.equal(withKey.status, 413);
    });
  });
});

describe("Event Grid namespace receivers in real time", function () {
  let sandbox: Sandbox;

  // Real time and a 300 s lock: no lock can expire during the test, so any duplicate is a bug.
  suiteSandbox((started) => (sandbox = started), () => startSandbox({ namespace: { lockDurationSeconds: 300 } }));

  it("answers a waiting receive as soon as an event is published, not at the end of maxWaitTime", async function () {
    const started = Date.now();
    const receiving = receiverClient(sandbox).receiveEvents({ maxEvents: 5, maxWaitTime: 120 });
    await eventuallyWaiting(sandbox, 1);
    await senderClient(sandbox).sendEvents(testEvent(1));
    const { details } = await receiving;
    assert.deepEqual(details.map((d) => d.event.id), ["event-1"]);
    assert.ok(Date.now() - started < 60_000, "the receive waited for its maxWaitTime instead of answering");
    await receiverClient(sandbox).acknowledgeEvents([details[0].brokerProperties.lockToken]);
  });

  it("hands each event to exactly one of four receivers while it is locked", async function () {
    const total = 400;
    const seen = new Map<string, number>();
    const done = new AbortController();
    let received = 0;
    const consume = async (): Promise<void> => {
      const receiver = receiverClient(sandbox);
      while (!done.signal.aborted) {
        let details: Received[];
        try {
          ({ details } = await receiver.receiveEvents({ maxEvents: 7, maxWaitTime: 10, abortSignal: done.signal }));
        } catch (error) {
          if (done.signal.aborted) return;
          throw error;
        }
        for (const detail of details) seen.set(detail.event.id, (seen.get(detail.event.id) ?? 0) + 1);
        received += details.length;
        if (details.length > 0) await receiver.acknowledgeEvents(details.map((d) => d.brokerProperties.lockToken));
        if (received >= total) done.abort();
      }
    };
    const consumers = [consume(), consume(), consume(), consume()];
    const sender = senderClient(sandbox);
    for (let start = 0; start < total; start += 50) {
      await sender.sendEvents(Array.from({ length: 50 }, (_, index) => testEvent(start + index)));
    }
    await Promise.all(consumers);
    assert.equal(seen.size, total);
    assert.deepEqual([...seen.values()].filter((count) => count !== 1), [], "an event was handed to two receivers");
    assert.equal(sandbox.control.namespace().locked, 0);
  });
});

async function eventuallyWaiting(sandbox: Sandbox, receivers: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (sandbox.control.namespace().waitingReceivers !== receivers) {
    if (Date.now() > deadline) throw new Error(`expected ${receivers} waiting receive(s)`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
