// examples/sms-failed-then-email.json end to end: the sandbox plays a phone that is off (its
// delivery report says failed, or none comes) and one that receives the SMS; the email goes only
// for the first, once.
import assert from "node:assert/strict";
import { SmsClient } from "@azure/communication-sms";
import { DELAY_SCALE, exampleRuntime, waitFor, type ExampleRuntime } from "./harness";

const TEXT = "Contoso: your appointment is tomorrow at 10:00. Reply C to confirm.";

describe("example: SMS failed, then email", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  beforeEach(async () => {
    runtime = await exampleRuntime();
    await runtime.load("sms-failed-then-email");
    runtime.sandbox.control.setRules([{ match: "+14255550199", outcome: "failed", channel: "sms" }]);
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("emails the address given with the SMS when its delivery report says failed", async () => {
    await runtime.inject("text a phone that is off");
    const [emailed] = await runtime.waitForMessages("email sent");

    const control = runtime.sandbox.control;
    const [sms] = control.sentSms();
    assert.deepEqual([sms.to, sms.message, control.sentSms().length], ["+14255550199", TEXT, 1]);
    const emails = control.sentEmails();
    assert.equal(emails.length, 1);
    assert.deepEqual(emails[0].recipients.to.map((to) => to.address), ["sam@example.com"]);
    assert.equal(emails[0].content.subject, "Your appointment tomorrow");
    assert.match(emails[0].content.plainText ?? "", /^Hello Sam,\n\nWe could not reach you by text message/);
    assert.ok(emails[0].sentAt >= sms.sentAt, "the email goes after the SMS");
    const [report] = runtime.receivedBy("delivered or failed?");
    assert.equal((report.acs as { status: string }).status, "failed");
    assert.equal((emailed.acs as { status: string }).status, "sent");
    assert.deepEqual(emailed.waited && (emailed.waited as { reason: string }).reason, "event", "the report sent it before the deadline");
    assert.deepEqual(runtime.receivedBy("delivered: no email"), []);
  });

  it("emails when no delivery report comes within the wait, once", async () => {
    runtime.sandbox.control.setRules([{ match: "+14255550199", outcome: "late", delayMs: 60 * 60_000, channel: "sms" }]);
    await runtime.inject("text a phone that is off");
    const [emailed] = await runtime.waitForMessages("email sent");

    const control = runtime.sandbox.control;
    const [sms] = control.sentSms();
    assert.deepEqual(control.sentEmails().map((email) => email.recipients.to[0].address), ["sam@example.com"]);
    assert.equal((emailed.waited as { reason: string }).reason, "deadline");
    const waitMs = 10 * 60_000 * DELAY_SCALE;
    assert.ok(control.sentEmails()[0].sentAt >= sms.sentAt + waitMs, "the email goes after the deadline");
    assert.deepEqual(runtime.receivedBy("delivered or failed?"), [], "no report came");
  });

  it("sends no email when the SMS is delivered, even after the deadline", async () => {
    await runtime.inject("text a phone that receives it");
    const [report] = await runtime.waitForMessages("delivered: no email");
    // Well past the deadline of the wait the report ended.
    const reported = Date.now();
    await waitFor("the deadline to pass", () => (Date.now() > reported + 2 * 10 * 60_000 * DELAY_SCALE ? true : undefined));

    assert.equal((report.acs as { status: string }).status, "delivered");
    assert.deepEqual(runtime.sandbox.control.sentSms().map((sms) => sms.to), ["+14255550123"]);
    assert.deepEqual(runtime.sandbox.control.sentEmails(), []);
    assert.deepEqual(runtime.receivedBy("email it instead"), []);
  });

  it("sends no email for a failed SMS this flow did not send (no wait holds it)", async () => {
    // Another application sends on the same resource: its delivery reports reach this webhook too.
    const sandbox = runtime.sandbox;
    const client = new SmsClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
    await client.send({ from: "+18005550100", to: ["+14255550199"], message: TEXT }, { enableDeliveryReport: true });
    const [report] = await runtime.waitForMessages("wait up to 10 minutes for delivery");
    const reported = Date.now();
    await waitFor("the wait's time to pass", () => (Date.now() > reported + 2 * 10 * 60_000 * DELAY_SCALE ? true : undefined));

    assert.equal((report.acs as { status: string }).status, "failed");
    assert.deepEqual(runtime.receivedBy("no address to fall back to"), []);
    assert.equal(runtime.sandbox.control.sentSms().length, 1);
    assert.deepEqual(runtime.sandbox.control.sentEmails(), []);
    assert.deepEqual(runtime.receivedBy("email it instead"), []);
  });
});
