import assert from "node:assert/strict";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { calls, events, loadSmsFlow, numbers, outputs, send, smsFlow, tick } from "./acs-sms.fixture";

// Quotas below are per simulated minute: at the sandbox's time scale of 60, one real second.
describe("acs-sms node: send queue, throttling and faults", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));
  beforeEach(() => {
    sandbox.control.reset();
    sandbox.control.setFaults({});
    sandbox.control.setQuotas({ sms: { tollFree: { perMinute: 200 } } });
  });

  it("waits out 429s (Retry-After) and sends every message once", async () => {
    // The node does not pace (a huge rate); the service allows 5 per second.
    sandbox.control.setQuotas({ sms: { tollFree: { perMinute: 5 } } });
    const { sms, out } = await loadSmsFlow(sandbox, { config: { smsPerMinute: "1000000", smsMaxInFlight: "8" } });
    const recipients = numbers(8);
    const received = outputs(sms, out, 8, 15_000);
    for (const to of recipients) send(sms, { payload: "Flash sale", to });
    const messages = await received;
    assert.ok(messages.every((m) => m.acs.status === "queued"), JSON.stringify(messages.map((m) => m.acs)));
    assert.ok((sandbox.control.counters().throttled.sms ?? 0) > 0, "the service did throttle");
    const sent = sandbox.control.sentSms();
    assert.equal(sent.length, 8, "no message lost, none sent twice");
    assert.deepEqual(sent.map((r) => r.to).sort(), [...recipients].sort());
    assert.deepEqual(new Set(messages.map((m) => m.acs.messageId)), new Set(sent.map((r) => r.messageId)));
  });

  it("retries a 429 that outlasted the SDK's own retries, in the queue", async () => {
    // Five refusals in a row: the SDK tries a request four times, so the fifth 429 reaches the queue,
    // which waits and runs the request again.
    sandbox.control.setFaults({ throttle: { count: 5, channels: ["sms"], retryAfterSeconds: 0 } });
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: "+14255550123" });
    const [msg] = await received;
    assert.equal(msg.acs.status, "queued");
    assert.equal(sandbox.control.counters().throttled.sms, 5, "every refusal was answered and retried");
    assert.equal(sandbox.control.sentSms().length, 1, "sent once");
  });

  it("retries a request whose answer was lost without sending it twice", async () => {
    sandbox.control.setFaults({ dropConnections: { count: 1, channels: ["sms"] } });
    const { sms, out } = await loadSmsFlow(sandbox);
    const recipients = numbers(3);
    const received = outputs(sms, out, 3);
    send(sms, { payload: "Your code is 1234", to: recipients });
    const messages = await received;
    assert.equal(sandbox.control.counters().droppedConnections, 1);
    const sent = sandbox.control.sentSms();
    assert.equal(sent.length, 3, "the retried request did not send again");
    assert.deepEqual(messages.map((m) => m.acs.status), ["queued", "queued", "queued"]);
    assert.deepEqual(messages.map((m) => m.acs.messageId), recipients.map((to) => sent.find((r) => r.to === to)?.messageId));
  });

  it("retries a request answered 503 without sending it twice", async () => {
    sandbox.control.setFaults({ serverErrors: { count: 1, channels: ["sms"], status: 503 } });
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: "+14255550123" });
    const [msg] = await received;
    assert.equal(msg.acs.status, "queued");
    assert.equal(sandbox.control.counters().serverErrors, 1);
    assert.equal(sandbox.control.sentSms().length, 1);
  });

  it("sends at the configured quota without a single 429", async () => {
    // Service: 20 per second. Node: 95% of it, one recipient per message, two requests in flight.
    sandbox.control.setQuotas({ sms: { tollFree: { perMinute: 20 } } });
    const { sms, out } = await loadSmsFlow(sandbox, { config: { smsPerMinute: String(19 * 60), smsMaxInFlight: "2" } });
    const received = outputs(sms, out, 30, 15_000);
    for (const to of numbers(30)) send(sms, { payload: "Reminder", to });
    const messages = await received;
    assert.ok(messages.every((m) => m.acs.status === "queued"));
    assert.equal(sandbox.control.sentSms().length, 30);
    assert.deepEqual(sandbox.control.counters().throttled, {}, "no 429 at all");
    // Paced, not bursted: no real second holds more than the quota.
    const times = sandbox.control.sentSms().map((r) => r.sentAt).sort((a, b) => a - b);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    assert.ok(busiest <= 20, `${busiest} messages within one second`);
  });

  it("fails new messages fast when the queue is full", async () => {
    const { sms, out } = await loadSmsFlow(sandbox, { config: { smsPerMinute: "60", smsMaxInFlight: "1", maxQueued: "3" } });
    const errors = calls<Error>(sms, "error");
    const sent = new Promise((resolve) => events(out).once("input", resolve));
    for (const to of numbers(6)) send(sms, { payload: "Hi", to });
    await sent;
    await tick(20);
    // One went at once and three wait: the last two are refused.
    assert.equal(errors.length, 2);
    assert.match(errors[0].message, /^send queue full: more than 3 messages waiting/);
  });

  it("ends every one of 1,000 queued messages in done or an error on redeploy", async () => {
    const { sms, out } = await loadSmsFlow(sandbox, { config: { smsPerMinute: "600", smsMaxInFlight: "2" } });
    let succeeded = 0;
    const failures: Error[] = [];
    events(sms).on("call:send", () => succeeded++);
    events(sms).on("call:error", (call: { args: Error[] }) => failures.push(call.args[0]));
    const firstFew = outputs(sms, out, 3);
    for (const to of numbers(1000)) send(sms, { payload: "Hi", to });
    await firstFew;

    const { flow, credentials } = smsFlow(sandbox, { config: { smsPerMinute: "600", smsMaxInFlight: "2" } });
    await helper.setFlows(flow, "full", credentials);
    await tick(50);

    assert.equal(succeeded + failures.length, 1000, `${succeeded} sent and ${failures.length} failed`);
    assert.ok(failures.length > 900, `${failures.length} failed`);
    assert.ok(failures.every((err) => /^not sent: the node was stopped or redeployed/.test(err.message)));
    assert.equal(sandbox.control.sentSms().length, succeeded, "every message the service took was reported");

    // The redeployed node sends again.
    const again = outputs(helper.getNode("sms"), helper.getNode("out"), 1);
    send(helper.getNode("sms"), { payload: "after redeploy", to: "+14255550999" });
    assert.equal((await again)[0].acs.status, "queued");
  });

  it("lets an in-flight request finish when the node closes", async () => {
    sandbox.control.setLatency({ latencyMs: 300 });
    try {
      const { sms } = await loadSmsFlow(sandbox);
      let succeeded = 0;
      events(sms).on("call:send", () => succeeded++);
      send(sms, { payload: "Hi", to: "+14255550123" });
      await tick(100);
      await helper.unload();
      await tick(10);
      assert.equal(succeeded, 1);
      assert.equal(sandbox.control.sentSms().length, 1);
    } finally {
      sandbox.control.setLatency({ latencyMs: 0 });
    }
  });
});
