import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import { helper } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { caughtBy, emailSandboxPerSuite, FAST_LIMITS, loadEmailFlow, runBatch, type EmailMsg } from "./acs-email.fixture";

const DROPPED = "EmailDropped: Email was dropped after several attempts to deliver.";

interface Spied {
  on(event: "call:status", listener: (call: { args: [{ text?: string }] }) => void): void;
  on(event: "call:error" | "call:send", listener: (call: { args: [unknown] }) => void): void;
}

function spied(): Spied {
  return helper.getNode("email") as unknown as Spied;
}

describe("acs-email node, batch mode", function () {
  let sandbox: Sandbox;

  emailSandboxPerSuite((started) => (sandbox = started));

  const batchProps = { mode: "batch", subject: "Hello {{name}}", subjectType: "str", body: "Your plan: {{plan}}", bodyType: "str" };

  it("sends 2,000 personalised emails at the configured quota with no 429, no duplicate and a correct summary", async function () {
    this.timeout(60_000);
    // The node paces at 800 a second; the service allows 1,200 a second (120 per simulated minute at
    // time scale 600). Both scaled down from the ACS quotas so that the batch takes seconds.
    sandbox.control.setQuotas({ email: { custom: { perMinute: 120 } } });
    await loadEmailFlow(sandbox, { ...batchProps, completion: "accepted" }, { emailPerMinute: "48000", emailPerHour: "10000000", emailMaxInFlight: "32" });
    const statuses: string[] = [];
    spied().on("call:status", (call) => statuses.push(call.args[0].text ?? ""));
    const recipients = Array.from({ length: 2000 }, (_, i) => ({ address: `user${i}@example.com`, name: `User ${i}`, plan: i % 2 ? "gold" : "basic" }));

    const outputs = await runBatch({ payload: recipients, correlationId: "spring-campaign" });

    assert.equal(outputs.length, 1, "only the summary without per-recipient output");
    const [summary] = outputs;
    assert.deepEqual(summary.payload, { sent: 2000, failed: 0, total: 2000, failures: [] });
    assert.deepEqual(summary.acs, { channel: "email", operation: "batch", status: "sent", from: "DoNotReply@contoso.test", correlationId: "spring-campaign" });
    const counters = sandbox.control.counters();
    assert.equal(counters.throttled.email ?? 0, 0, "no 429");
    const sent = sandbox.control.sentEmails();
    assert.equal(sent.length, 2000);
    assert.equal(new Set(sent.map((email) => email.operationId)).size, 2000);
    assert.equal(new Set(sent.map((email) => email.recipients.to[0].address)).size, 2000, "each recipient once");
    for (const email of sent) {
      const i = Number(/^user(\d+)@/.exec(email.recipients.to[0].address)?.[1]);
      assert.equal(email.content.subject, `Hello User ${i}`);
      assert.equal(email.content.plainText, `Your plan: ${i % 2 ? "gold" : "basic"}`);
      assert.deepEqual(email.recipients.to[0], { address: `user${i}@example.com`, displayName: `User ${i}` });
    }
    await new Promise((resolve) => setImmediate(resolve));
    const progress = statuses.map((text) => /^([\d,]+) \/ 2,000$/.exec(text)?.[1]).filter((count) => count !== undefined).map((count) => Number(count.replace(/,/g, "")));
    assert.equal(progress[0], 0, "the status starts at 0 / 2,000");
    assert.ok(progress.some((count) => count > 0 && count < 2000), `progress shown while sending, got ${statuses.slice(0, 5).join(" | ")}`);
    assert.deepEqual([...progress].sort((a, b) => a - b), progress, "progress only goes up");
    assert.equal(statuses[statuses.length - 1], "2,000 sent, 0 failed");
  });

  it("sends a msg per recipient when asked, then the summary listing a bad address and a Failed operation", async function () {
    await loadEmailFlow(sandbox, { ...batchProps, outputEach: true });
    const outputs = await runBatch({
      payload: [{ address: "ana@example.com", name: "Ana", plan: "gold" }, { address: "bo@unreachable.test", name: "Bo" }, { name: "No address" }, "cy@example.com"],
      topic: "campaign",
    });
    const summary = outputs.pop() as EmailMsg;
    const byEntry = new Map(outputs.map((output) => [JSON.stringify(output.payload), output]));
    assert.equal(outputs.length, 4);
    const ana = byEntry.get('{"address":"ana@example.com","name":"Ana","plan":"gold"}');
    assert.equal(ana?.acs?.status, "sent");
    assert.equal(ana?.acs?.to, "ana@example.com");
    assert.equal(ana?.topic, "campaign", "each recipient's msg keeps the incoming msg's properties");
    assert.equal(ana?.acs?.messageId, sandbox.control.sentEmails().find((email) => email.recipients.to[0].address === "ana@example.com")?.operationId);
    const bo = byEntry.get('{"address":"bo@unreachable.test","name":"Bo"}');
    assert.equal(bo?.acs?.status, "failed");
    assert.equal(bo?.acs?.error, `email ${String(bo?.acs?.messageId)} failed: ${DROPPED}`);
    assert.equal(byEntry.get('{"name":"No address"}')?.acs?.status, "failed");
    assert.equal(byEntry.get('"cy@example.com"')?.acs?.status, "sent");

    assert.deepEqual(summary.acs?.status, "failed");
    const payload = summary.payload as { sent: number; failed: number; total: number; failures: { to: string; error: string }[] };
    assert.deepEqual({ sent: payload.sent, failed: payload.failed, total: payload.total }, { sent: 2, failed: 2, total: 4 });
    assert.deepEqual(
      [...payload.failures].sort((a, b) => a.to.localeCompare(b.to)),
      [
        { to: '{"name":"No address"}', error: 'recipients[2]: {"name":"No address"} is not an address (expected a text such as name@example.com, or {address, displayName})' },
        { to: "bo@unreachable.test", error: `email ${String(bo?.acs?.messageId)} failed: ${DROPPED}` },
      ],
    );
  });

  it("renders subject, text and html per recipient, escaping html values, and gives every email the cc and attachments", async function () {
    await loadEmailFlow(sandbox, {
      mode: "batch",
      bodyFormat: "both",
      subject: "Order {{code}} for {{name}}",
      subjectType: "template",
      body: "Hi {{name}}, order {{code}} ({{msg.topic}})",
      bodyType: "template",
      html: '<p>Hi {{name}}</p><img src="cid:logo">',
      htmlType: "template",
      completion: "accepted",
    });
    const logo = Buffer.from("logo");
    await runBatch({
      payload: [{ email: "ana@example.com", name: "Ana & Bo", code: "A1" }, { address: "cy@example.com", name: "<Cy>", code: "C3" }],
      topic: "spring",
      cc: "archive@contoso.test",
      attachments: [{ filename: "logo.png", content: logo, cid: "logo" }],
    });
    const sent = sandbox.control.sentEmails().sort((a, b) => a.recipients.to[0].address.localeCompare(b.recipients.to[0].address));
    assert.deepEqual(
      sent.map((email) => email.content),
      [
        { subject: "Order A1 for Ana & Bo", plainText: "Hi Ana & Bo, order A1 (spring)", html: '<p>Hi Ana &amp; Bo</p><img src="cid:logo">' },
        { subject: "Order C3 for <Cy>", plainText: "Hi <Cy>, order C3 (spring)", html: '<p>Hi &lt;Cy&gt;</p><img src="cid:logo">' },
      ],
    );
    for (const email of sent) {
      assert.deepEqual(email.recipients.cc, [{ address: "archive@contoso.test" }]);
      assert.deepEqual(email.attachments, [{ name: "logo.png", contentType: "image/png", contentInBase64: logo.toString("base64"), contentId: "logo" }]);
    }
  });

  it("refuses a batch whose recipients are not a list", async function () {
    await loadEmailFlow(sandbox, batchProps);
    const { text } = await caughtBy({ payload: "ana@example.com" });
    assert.match(text, /^recipients: "ana@example.com" is not a list/);
    assert.equal(sandbox.control.counters().emails, 0);
  });

  it("refuses a batch whose template does not parse, before sending anything", async function () {
    await loadEmailFlow(sandbox, { ...batchProps, body: "Hi {{#name}}" });
    const { text } = await caughtBy({ payload: ["ana@example.com"] });
    assert.match(text, /^body: the template does not parse \(Unclosed section "name"/);
    assert.equal(sandbox.control.counters().emails, 0);
  });

  it("refuses a batch whose body is the recipient list itself", async function () {
    await loadEmailFlow(sandbox, { mode: "batch", subject: "Hi", subjectType: "str" });
    const { text } = await caughtBy({ payload: ["ana@example.com"] });
    assert.match(text, /^body: \["ana@example.com"\] is not text/);
  });

  it("waits out 429s and dropped connections during a batch without sending anyone twice", async function () {
    sandbox.control.setQuotas({ email: { custom: { perMinute: 4 } } });
    sandbox.control.setFaults({ dropConnections: { count: 3, channels: ["email"] } });
    await loadEmailFlow(sandbox, { ...batchProps, completion: "accepted" });
    const recipients = Array.from({ length: 60 }, (_, i) => `r${i}@example.com`);
    const [summary] = await runBatch({ payload: recipients });
    assert.deepEqual(summary.payload, { sent: 60, failed: 0, total: 60, failures: [] });
    const counters = sandbox.control.counters();
    assert.ok(counters.throttled.email > 0, "the service throttled some sends");
    assert.equal(counters.droppedConnections, 3);
    const sent = sandbox.control.sentEmails();
    assert.deepEqual(sent.map((email) => email.recipients.to[0].address).sort(), [...recipients].sort());
  });

  it("keeps 20 requests in flight, each listening on the node's close signals, without a listener-leak warning", async function () {
    await loadEmailFlow(sandbox, { ...batchProps, completion: "accepted" }, { ...FAST_LIMITS, emailMaxInFlight: "20" });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    // Slow answers, so that all 20 requests are in flight together.
    sandbox.control.setLatency({ latencyMs: 300 });
    try {
      const [summary] = await runBatch({ payload: Array.from({ length: 40 }, (_, i) => `r${i}@example.com`) });
      assert.deepEqual(summary.payload, { sent: 40, failed: 0, total: 40, failures: [] });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      sandbox.control.setLatency({ latencyMs: 0 });
      process.off("warning", onWarning);
    }
    assert.deepEqual(warnings.filter((name) => name === "MaxListenersExceededWarning"), []);
  });

  it("ends a batch stopped by a redeploy once, in an error whose msg holds the summary with the unsent recipients", async function () {
    // Ten a second: the redeploy comes while most recipients still wait.
    await loadEmailFlow(sandbox, { ...batchProps, completion: "accepted" }, { ...FAST_LIMITS, emailPerMinute: "600" });
    const errors: string[] = [];
    const sentMsgs: NodeMessage[] = [];
    const caught: EmailMsg[] = [];
    spied().on("call:error", (call) => {
      errors.push((call.args[0] as Error).message);
      caught.push((call as unknown as { args: [Error, EmailMsg] }).args[1]);
    });
    spied().on("call:send", (call) => sentMsgs.push(call.args[0] as NodeMessage));
    helper.getNode("email").receive({ payload: Array.from({ length: 100 }, (_, i) => `r${i}@example.com`) });
    while (sandbox.control.counters().emails < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    await helper.setFlows([], "full");
    await new Promise((resolve) => setImmediate(resolve));

    const accepted = sandbox.control.sentEmails().length;
    assert.ok(accepted < 100);
    assert.equal(sentMsgs.length, 0, "no summary output besides the error");
    assert.equal(caught.length, 1);
    const summary = caught[0];
    assert.equal(summary.acs?.status, "failed");
    const payload = summary.payload as { sent: number; failed: number; total: number; failures: { to: string; error: string }[] };
    assert.equal(payload.total, 100);
    assert.equal(payload.sent, accepted);
    assert.equal(payload.failed, 100 - accepted);
    assert.ok(payload.failures.every((failure) => failure.error === "not sent: the node was stopped or redeployed before the message left the queue"));
    assert.deepEqual(errors, [`batch stopped: the node was stopped or redeployed after ${accepted} of 100 emails were sent`]);
  });
});
