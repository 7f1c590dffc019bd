// examples/send-sms.json end to end: one click sends one request for two recipients.
import assert from "node:assert/strict";
import { exampleRuntime, type ExampleRuntime } from "./harness";

describe("example: send an SMS", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  before(async () => {
    runtime = await exampleRuntime();
    await runtime.load("send-sms");
  });

  it("deploys without warnings", () => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("sends the text to both numbers and outputs one result per recipient", async () => {
    await runtime.inject("two recipients");
    const results = await runtime.waitForMessages("result", 2);
    const sent = runtime.sandbox.control.sentSms();
    assert.deepEqual(sent.map((sms) => sms.to).sort(), ["+14255550123", "+14255550124"]);
    assert.ok(sent.every((sms) => sms.from === "+18005550100" && sms.message === "Your parcel arrives today between 2 and 4 pm."));
    assert.deepEqual(results.map((msg) => (msg.acs as { status: string }).status), ["queued", "queued"]);
    assert.deepEqual(runtime.problems(), []);
  });
});
