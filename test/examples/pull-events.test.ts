// examples/pull-events.json end to end: the SMS's delivery report is pulled from the sandbox's Event
// Grid namespace (no webhook subscription), matched to the send, and acknowledged after the flow.
import assert from "node:assert/strict";
import { exampleRuntime, type ExampleRuntime } from "./harness";

interface EventAcs {
  status: string;
  correlationId?: string;
  messageId: string;
}

describe("example: events by pull", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  beforeEach(async () => {
    runtime = await exampleRuntime();
    await runtime.load("pull-events");
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("pulls the delivery report of the SMS, matched to the send, with no webhook subscribed", async () => {
    assert.deepEqual(runtime.sandbox.control.subscriptions(), [], "no webhook subscription");
    await runtime.inject("send an SMS");
    const [delivered] = await runtime.waitForMessages("delivered");
    const [sms] = runtime.sandbox.control.sentSms();
    const acs = delivered.acs as EventAcs;
    assert.equal(acs.messageId, sms.messageId);
    assert.equal(acs.correlationId, "order-2002");
    assert.deepEqual(runtime.receivedBy("failed"), []);
    await waitUntil(() => {
      const namespace = runtime.sandbox.control.namespace();
      return namespace.depth === 0 && namespace.locked === 0;
    });
  });

  it("routes the report of an SMS that could not be delivered to failed", async () => {
    runtime.sandbox.control.setRules([{ match: "+14255550123", outcome: "failed", channel: "sms" }]);
    await runtime.inject("send an SMS");
    const [failed] = await runtime.waitForMessages("failed");
    assert.equal((failed.acs as EventAcs).status, "failed");
    assert.deepEqual(runtime.receivedBy("delivered"), []);
  });
});

async function waitUntil(condition: () => boolean, ms = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error("the namespace was not drained");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
