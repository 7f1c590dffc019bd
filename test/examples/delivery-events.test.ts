// examples/delivery-events.json end to end: the SMS's delivery report comes back through the
// sandbox's Event Grid to the flow's webhook, matched to the send; a reply comes out as received.
import assert from "node:assert/strict";
import { exampleRuntime, type ExampleRuntime } from "./harness";

interface EventAcs {
  status: string;
  correlationId?: string;
  messageId: string;
  sent?: { contact?: Record<string, unknown>; to: string };
}

describe("example: delivery events", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  beforeEach(async () => {
    runtime = await exampleRuntime();
    await runtime.load("delivery-events");
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("routes the delivery report to delivered, with the correlation id and what was sent", async () => {
    await runtime.inject("send an SMS");
    const [delivered] = await runtime.waitForMessages("delivered");

    const [sms] = runtime.sandbox.control.sentSms();
    const acs = delivered.acs as EventAcs;
    assert.equal(acs.messageId, sms.messageId);
    assert.equal(acs.correlationId, "order-1001");
    assert.equal(sms.tag, "order-1001");
    assert.equal(acs.sent?.to, "+14255550123");
    assert.deepEqual(acs.sent?.contact, { email: "ada@contoso.test", phone: "+14255550123" });
    assert.deepEqual(runtime.receivedBy("failed: fall back to msg.contact.email"), []);
  });

  it("routes the report of an SMS that could not be delivered to failed", async () => {
    runtime.sandbox.control.setRules([{ match: "+14255550123", outcome: "failed", channel: "sms" }]);
    await runtime.inject("send an SMS");
    const [failed] = await runtime.waitForMessages("failed: fall back to msg.contact.email");

    assert.equal((failed.acs as EventAcs).status, "failed");
    assert.deepEqual(failed.contact, { email: "ada@contoso.test", phone: "+14255550123" });
    assert.deepEqual(runtime.receivedBy("delivered"), []);
  });

  it("routes a reply from the phone to inbound SMS", async () => {
    runtime.sandbox.control.receiveSms({ from: "+14255550123", to: "+18005550100", message: "Thanks!" });
    const [inbound] = await runtime.waitForMessages("inbound SMS");

    assert.equal((inbound.acs as EventAcs).status, "received");
    assert.equal((inbound.payload as { message: string }).message, "Thanks!");
  });
});
