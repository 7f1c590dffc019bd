// examples/send-email.json end to end: one html email with a text attachment and an inline image.
import assert from "node:assert/strict";
import { exampleRuntime, type ExampleRuntime } from "./harness";

describe("example: send an email", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  before(async () => {
    runtime = await exampleRuntime();
    await runtime.load("send-email");
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("sends the html email with the attachment and the inline logo, and reports it sent", async () => {
    await runtime.inject("order shipped");
    const [result] = await runtime.waitForMessages("result");

    const emails = runtime.sandbox.control.sentEmails();
    assert.equal(emails.length, 1);
    const [email] = emails;
    assert.deepEqual(email.recipients.to, [{ address: "ana@example.com", displayName: "Ana Lima" }]);
    assert.equal(email.content.subject, "Your order 1042 is on its way");
    assert.match(email.content.html ?? "", /<img src="cid:logo"/);
    const attachments = email.attachments.map((attachment) => [attachment.name, attachment.contentType, attachment.contentId]);
    assert.deepEqual(attachments, [
      ["order-1042.txt", "text/plain", undefined],
      ["logo.png", "image/png", "logo"],
    ]);
    assert.match(Buffer.from(email.attachments[0].contentInBase64, "base64").toString("utf8"), /^Order 1042\n1 x Garden chair/);
    assert.equal(Buffer.from(email.attachments[1].contentInBase64, "base64").subarray(1, 4).toString("latin1"), "PNG");
    const acs = result.acs as { status: string; messageId: string };
    assert.equal(acs.status, "sent");
    assert.equal(acs.messageId, email.operationId);
  });
});
