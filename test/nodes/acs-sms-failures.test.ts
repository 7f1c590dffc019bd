// Recipients the service refuses inside an accepted request: the sandbox's "refused" rule fails
// their items (400 with the rule's details), as the service does, and sends to the others.
import assert from "node:assert/strict";
import { sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { calls, configNode, loadSmsFlow, numbers, outputs, send, tick } from "./acs-sms.fixture";

describe("acs-sms node: per-recipient failures", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));
  beforeEach(() => {
    sandbox.control.reset();
  });
  afterEach(() => {
    sandbox.control.setRules([]);
  });

  const refuse = (...refusals: [to: string, details: string][]) =>
    sandbox.control.setRules(refusals.map(([match, details]) => ({ match, outcome: "refused", details, channel: "sms" })));

  it("reports refused recipients as failed in msg.acs and the others as queued, without an error", async () => {
    const recipients = numbers(5);
    refuse([recipients[1], "Invalid To phone number format."], [recipients[3], "Recipient unreachable."]);
    const { sms, out } = await loadSmsFlow(sandbox);
    const errors = calls(sms, "error");
    const received = outputs(sms, out, 5);
    send(sms, { payload: "Hi", to: recipients, correlationId: "batch-1" });
    const messages = await received;
    assert.deepEqual(
      messages.map((m) => [m.acs.to, m.acs.status, m.acs.httpStatusCode, m.acs.error]),
      [
        [recipients[0], "queued", 202, undefined],
        [recipients[1], "failed", 400, "Invalid To phone number format."],
        [recipients[2], "queued", 202, undefined],
        [recipients[3], "failed", 400, "Recipient unreachable."],
        [recipients[4], "queued", 202, undefined],
      ],
    );
    assert.equal(messages[1].acs.messageId, undefined);
    assert.deepEqual(sandbox.control.sentSms().map((sent) => sent.to).sort(), [recipients[0], recipients[2], recipients[4]].sort());
    await tick(10);
    assert.equal(errors.length, 0, "per-recipient failures are not errors");
  });

  it("remembers only the accepted recipients for their delivery reports", async () => {
    const recipients = numbers(2);
    refuse([recipients[0], "Invalid To phone number format."]);
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 2);
    send(sms, { payload: "Hi", to: recipients, correlationId: "batch-2" });
    const [refused, accepted] = await received;
    assert.equal(refused.acs.status, "failed");
    assert.equal((await configNode().resource.correlation.find(String(accepted.acs.messageId)))?.correlationId, "batch-2");
    assert.equal(configNode().resource.correlation.size, 1);
  });

  it("says how many failed in the node status", async () => {
    const recipients = numbers(3);
    refuse([recipients[2], "Invalid To phone number format."]);
    const { sms, out } = await loadSmsFlow(sandbox);
    const statuses = calls<Record<string, unknown>>(sms, "status");
    const received = outputs(sms, out, 3);
    send(sms, { payload: "Hi", to: recipients });
    await received;
    await tick(10);
    assert.deepEqual(statuses.at(-1), { fill: "red", shape: "ring", text: "1 of 3 failed" });
  });

  it("marks the single result message failed and lists every recipient's result", async () => {
    const recipients = numbers(3);
    refuse([recipients[1], "Invalid To phone number format."]);
    const { sms, out } = await loadSmsFlow(sandbox, { sms: { outputMode: "single" } });
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: recipients });
    const [msg] = await received;
    assert.equal(msg.acs.status, "failed");
    assert.equal(msg.acs.failed, 1);
    assert.deepEqual(msg.acs.results?.map((r) => r.status), ["queued", "failed", "queued"]);
    assert.equal(msg.acs.results?.[1].error, "Invalid To phone number format.");
  });
});
