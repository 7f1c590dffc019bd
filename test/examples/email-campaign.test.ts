// examples/email-campaign.json end to end: one personalised email per valid recipient, one result
// msg per recipient as it finishes, and a summary naming the recipient that could not be sent.
import assert from "node:assert/strict";
import { exampleRuntime, type ExampleRuntime } from "./harness";

interface Recipient {
  address: string;
  name: string;
  discount: string;
  code: string;
}

interface Summary {
  sent: number;
  failed: number;
  total: number;
  failures: { to: string; error: string }[];
}

describe("example: email campaign", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;
  let recipients: Recipient[];
  let summary: Summary;

  before(async () => {
    runtime = await exampleRuntime();
    await runtime.load("email-campaign");
    recipients = JSON.parse(String(runtime.node("send the campaign", "inject").payload)) as Recipient[];
    await runtime.inject("send the campaign");
    const [done] = await runtime.waitForMessages("summary");
    summary = done.payload as Summary;
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("sends each valid recipient one email with their own subject and body", () => {
    const valid = recipients.filter((recipient) => recipient.address.includes("@"));
    const emails = runtime.sandbox.control.sentEmails();
    assert.equal(emails.length, valid.length);
    for (const recipient of valid) {
      const mine = emails.filter((email) => email.recipients.to.some((to) => to.address === recipient.address));
      assert.equal(mine.length, 1, `${recipient.address} got ${mine.length} emails`);
      assert.equal(mine[0].content.subject, `${recipient.name}, your ${recipient.discount} discount is waiting`);
      assert.match(mine[0].content.plainText ?? "", new RegExp(`^Hello ${recipient.name},\\n\\n.*Your code ${recipient.code} takes ${recipient.discount} off`, "s"));
      assert.equal(mine[0].senderAddress, "DoNotReply@sandbox.azurecomm.net");
    }
  });

  it("reports every recipient once as it finishes, before the summary", () => {
    const progress = runtime.receivedBy("progress").map((msg) => msg.acs as { operation: string; status: string; to: string });
    assert.deepEqual(progress.map((acs) => acs.to).sort(), recipients.map((recipient) => recipient.address).sort());
    assert.ok(progress.every((acs) => acs.operation === "send"));
    assert.deepEqual(progress.filter((acs) => acs.status === "failed").map((acs) => acs.to), ["not-an-address"]);
    const order = runtime.received.map((entry) => entry.nodeId);
    const lastProgress = order.lastIndexOf(runtime.node("progress").id);
    assert.ok(lastProgress < order.indexOf(runtime.node("summary").id));
  });

  it("ends with a summary of sent and failed, naming the failure", () => {
    assert.deepEqual({ sent: summary.sent, failed: summary.failed, total: summary.total }, { sent: 5, failed: 1, total: 6 });
    assert.equal(summary.failures.length, 1);
    assert.equal(summary.failures[0].to, "not-an-address");
    assert.match(summary.failures[0].error, /not-an-address/);
  });
});
