// examples/sms-failed-then-email.json end to end: the sandbox plays a phone that is off (its
// delivery report says failed) and one that receives the SMS; the email goes only for the first.
import assert from "node:assert/strict";
import { SmsClient } from "@azure/communication-sms";
import { exampleRuntime, type ExampleRuntime } from "./harness";

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
    assert.deepEqual(runtime.receivedBy("delivered: no email"), []);
  });

  it("sends no email when the SMS is delivered", async () => {
    await runtime.inject("text a phone that receives it");
    const [report] = await runtime.waitForMessages("delivered: no email");

    assert.equal((report.acs as { status: string }).status, "delivered");
    assert.deepEqual(runtime.sandbox.control.sentSms().map((sms) => sms.to), ["+14255550123"]);
    assert.deepEqual(runtime.sandbox.control.sentEmails(), []);
    assert.deepEqual(runtime.receivedBy("email it instead"), []);
  });

  it("sends no email when a failed SMS was not sent with an address to fall back to", async () => {
    // Another application sends on the same resource: its delivery reports reach this webhook too.
    const sandbox = runtime.sandbox;
    const client = new SmsClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
    await client.send({ from: "+18005550100", to: ["+14255550199"], message: TEXT }, { enableDeliveryReport: true });
    const [report] = await runtime.waitForMessages("no address to fall back to");

    assert.equal((report.acs as { status: string }).status, "failed");
    assert.equal(runtime.sandbox.control.sentSms().length, 1);
    assert.deepEqual(runtime.sandbox.control.sentEmails(), []);
    assert.deepEqual(runtime.receivedBy("email it instead"), []);
  });
});
