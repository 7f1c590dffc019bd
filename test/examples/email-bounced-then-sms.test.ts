// examples/email-bounced-then-sms.json end to end: the sandbox plays a mail server that bounces
// (or suppresses) one address and delivers to another; the SMS goes only when the email did not arrive.
import assert from "node:assert/strict";
import { DELAY_SCALE, exampleRuntime, waitFor, type ExampleRuntime } from "./harness";

const SMS_TEXT = "Contoso: our email to you bounced. Please check the email address in your account.";

describe("example: email bounced, then SMS", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  beforeEach(async () => {
    runtime = await exampleRuntime();
    // A fresh deployment per case: each case's email is the first of its sender's queue.
    await runtime.load("email-bounced-then-sms");
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  for (const outcome of ["bounced", "suppressed"]) {
    it(`texts the number given with the email when the email is ${outcome}`, async () => {
      runtime.sandbox.control.setRules([{ match: "kim@mailbox-gone.example", outcome, channel: "email" }]);
      await runtime.inject("email an address that bounces");
      const [texted] = await runtime.waitForMessages("SMS sent");
      // The delivery report can come before the email node has seen its operation succeed.
      const [accepted] = await runtime.waitForMessages("email accepted");

      const control = runtime.sandbox.control;
      const emails = control.sentEmails();
      assert.deepEqual(emails.map((email) => [email.recipients.to[0].address, email.content.subject]), [["kim@mailbox-gone.example", "Your order 1042 has shipped"]]);
      const sms = control.sentSms();
      assert.deepEqual(sms.map((sent) => [sent.from, sent.to, sent.message]), [["+18005550100", "+14255550124", SMS_TEXT]]);
      assert.ok(sms[0].sentAt >= emails[0].sentAt, "the SMS goes after the email");
      const [report] = runtime.receivedBy("delivered or bounced?");
      assert.equal((report.acs as { status: string }).status, outcome);
      assert.equal((texted.acs as { status: string }).status, "queued");
      assert.equal((accepted.acs as { status: string }).status, "sent");
      assert.deepEqual(runtime.receivedBy("delivered: no SMS"), []);
      // The wait ended with the report: nothing more goes at its deadline.
      const texted1 = Date.now();
      await waitFor("the deadline to pass", () => (Date.now() > texted1 + 30 * 60_000 * DELAY_SCALE ? true : undefined));
      assert.equal(control.sentSms().length, 1);
    });
  }

  it("texts when no delivery report comes within the wait, once", async () => {
    runtime.sandbox.control.setRules([{ match: "kim@mailbox-gone.example", outcome: "delivered", delayMs: 60 * 60_000, channel: "email" }]);
    await runtime.inject("email an address that bounces");
    const [texted] = await runtime.waitForMessages("SMS sent");

    const control = runtime.sandbox.control;
    const [email] = control.sentEmails();
    assert.deepEqual(control.sentSms().map((sent) => [sent.to, sent.message]), [["+14255550124", SMS_TEXT]]);
    assert.equal((texted.waited as { reason: string }).reason, "deadline");
    assert.ok(control.sentSms()[0].sentAt >= email.sentAt + 30 * 60_000 * DELAY_SCALE, "the SMS goes after the deadline");
  });

  it("sends no SMS when the email is delivered, even after the deadline", async () => {
    runtime.sandbox.control.setRules([{ match: "kim@mailbox-gone.example", outcome: "bounced", channel: "email" }]);
    await runtime.inject("email an address that works");
    const [report] = await runtime.waitForMessages("delivered: no SMS");
    await runtime.waitForMessages("email accepted");
    const reported = Date.now();
    await waitFor("the deadline to pass", () => (Date.now() > reported + 2 * 30 * 60_000 * DELAY_SCALE ? true : undefined));

    assert.equal((report.acs as { status: string }).status, "delivered");
    assert.deepEqual(runtime.sandbox.control.sentEmails().map((email) => email.recipients.to[0].address), ["alex@example.com"]);
    assert.deepEqual(runtime.sandbox.control.sentSms(), []);
    assert.deepEqual(runtime.receivedBy("text them instead"), []);
  });
});
