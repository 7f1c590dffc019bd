// Hostile input, email: CR, LF and other control characters in every text that becomes a mail
// header (given directly or rendered by a batch template from recipient data), malformed base64
// attachments, and batch entries trying to replace the msg their templates see. Nothing of it may
// reach the service.
import assert from "node:assert/strict";
import { buildEmailMessage, type EmailDraft } from "../../nodes/lib/email/message";
import { attachmentsFrom } from "../../nodes/lib/email/attachments";
import { sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { caughtBy, loadEmailFlow, runBatch, startEmailSandbox, type EmailMsg } from "../nodes/acs-email.fixture";
import { emailDraft as draft } from "../helpers/email-draft";

const INJECTIONS = ["Hello\r\nBcc: victim@example.com", "Hello\nX-Spam: yes", "Hello\u0000", "Hello\rthere", "a\u2028b"];

const attachment = { name: "a.txt", contentType: "text/plain", contentInBase64: "aGk=" };

describe("hostile input: header injection in email", () => {
  it("refuses a control character in every header-like field, naming the field", () => {
    const cases: [string, (text: string) => Partial<EmailDraft>][] = [
      ["subject", (text) => ({ subject: text })],
      ["sender.displayName", (text) => ({ sender: { address: "DoNotReply@contoso.test", displayName: text } })],
      ["to\\[0\\].displayName", (text) => ({ to: [{ address: "ann@example.com", displayName: text }] })],
      ["cc\\[0\\].displayName", (text) => ({ cc: [{ address: "bob@example.com", displayName: text }] })],
      ["bcc\\[0\\].displayName", (text) => ({ bcc: [{ address: "bob@example.com", displayName: text }] })],
      ["replyTo\\[0\\].displayName", (text) => ({ replyTo: [{ address: "bob@example.com", displayName: text }] })],
      ["headers.X-Campaign", (text) => ({ headers: { "X-Campaign": text } })],
      ["attachments\\[0\\].name", (text) => ({ attachments: [{ ...attachment, name: text }] })],
      ["attachments\\[0\\].contentType", (text) => ({ attachments: [{ ...attachment, contentType: text }] })],
      ["attachments\\[0\\].contentId", (text) => ({ attachments: [{ ...attachment, contentId: text }], html: "<img src=\"cid:x\">" })],
    ];
    for (const [field, make] of cases) {
      for (const text of INJECTIONS) {
        assert.throws(() => buildEmailMessage(draft(make(text))), new RegExp(`^AcsError: ${field}: "[\\s\\S]*" holds a line break or another control character`), `${field} with ${JSON.stringify(text)}`);
      }
    }
  });

  it("keeps a tab, accents and emoji in a subject", () => {
    assert.equal(buildEmailMessage(draft({ subject: "Votre commande\t✓ été 🎉" })).content.subject, "Votre commande\t✓ été 🎉");
  });

  it("refuses malformed base64 content and accepts base64 broken over lines", () => {
    for (const content of ["not base64!", "aGk", "aG=k", "aGk=\u0000"]) {
      assert.throws(() => attachmentsFrom([{ filename: "a.txt", content, encoding: "base64" }]), /^AcsError: attachments\[0\] \("a\.txt"\): content is not valid base64/, content);
    }
    assert.equal(attachmentsFrom([{ filename: "a.txt", content: "aGVs\r\nbG8=", encoding: "base64" }])[0].contentInBase64, "aGVsbG8=");
  });
});

describe("hostile input: email through the node", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started), startEmailSandbox);
  beforeEach(() => {
    sandbox.control.reset();
    sandbox.control.setQuotas({ email: { custom: null } });
  });

  it("refuses a subject with CRLF before anything reaches the service", async () => {
    await loadEmailFlow(sandbox, { completion: "accepted" });
    const { text } = await caughtBy({ topic: "Hello\r\nBcc: victim@example.com", payload: "Hi", to: "ann@example.com" } as EmailMsg);
    assert.match(text, /^subject: "Hello\\r\\nBcc: victim@example\.com" holds a line break/);
    assert.equal(sandbox.control.sentEmails().length, 0);
  });

  it("fails the batch recipient whose data renders a line break into the subject, and sends the others", async () => {
    await loadEmailFlow(sandbox, { mode: "batch", subject: "Hello {{name}}", subjectType: "str", body: "Hi {{name}}", bodyType: "str", completion: "accepted" });
    const outputs = await runBatch({ payload: [{ address: "ann@example.com", name: "Ann" }, { address: "eve@example.com", name: "Eve\r\nBcc: victim@example.com" }] } as EmailMsg);
    const summary = outputs[outputs.length - 1].payload as { sent: number; failed: number; failures: { to: string; error: string }[] };
    assert.equal(summary.sent, 1);
    assert.equal(summary.failed, 1);
    assert.equal(summary.failures[0].to, "eve@example.com");
    assert.match(summary.failures[0].error, /^subject: "Hello Eve\\r\\nBcc: victim@example\.com" holds a line break/);
    assert.deepEqual(sandbox.control.sentEmails().map((email) => email.content.subject), ["Hello Ann"]);
  });

  it("lets batch templates see the incoming msg as msg, which an entry cannot replace", async () => {
    await loadEmailFlow(sandbox, { mode: "batch", subject: "{{msg.topic}} for {{name}}", subjectType: "str", body: "Hi", bodyType: "str", completion: "accepted" });
    await runBatch({ topic: "Spring sale", payload: [{ address: "ann@example.com", name: "Ann", msg: { topic: "Forged" } }] } as EmailMsg);
    assert.deepEqual(sandbox.control.sentEmails().map((email) => email.content.subject), ["Spring sale for Ann"]);
  });
});
