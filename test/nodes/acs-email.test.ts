import assert from "node:assert/strict";
import { helper } from "../helpers/node-red";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { caughtBy, configNode, emailSandboxPerSuite, loadEmailFlow, run, SENDER } from "./acs-email.fixture";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

describe("acs-email node", function () {
  let sandbox: Sandbox;

  emailSandboxPerSuite((started) => (sandbox = started));

  describe("content and recipients", function () {
    it("sends msg.payload as plain text with msg.topic as subject to msg.to, waits until it was sent, and passes the msg on", async function () {
      await loadEmailFlow(sandbox);
      const output = await run({ payload: "It ships today.", topic: "Your order", to: "Ana Lima <ana@example.com>", order: 42 });
      const [email] = sandbox.control.sentEmails();
      assert.equal(output.order, 42, "the incoming msg travels on");
      assert.equal(output.payload, "It ships today.");
      assert.deepEqual(output.acs, {
        channel: "email",
        operation: "send",
        status: "sent",
        to: "ana@example.com",
        from: SENDER,
        correlationId: output.acs?.correlationId,
        messageId: email.operationId,
      });
      assert.match(String(output.acs?.correlationId), /^[0-9a-f-]{36}$/);
      assert.equal(email.status, "Succeeded");
      assert.equal(email.senderAddress, SENDER);
      assert.deepEqual(email.content, { subject: "Your order", plainText: "It ships today." });
      assert.deepEqual(email.recipients, { to: [{ address: "ana@example.com", displayName: "Ana Lima" }], cc: [], bcc: [] });
    });

    it("sends msg.payload as html when the body is HTML", async function () {
      await loadEmailFlow(sandbox, { bodyFormat: "html" });
      await run({ payload: "<h1>Shipped</h1>", topic: "Your order", to: "ana@example.com" });
      assert.deepEqual(sandbox.control.sentEmails()[0].content, { subject: "Your order", html: "<h1>Shipped</h1>" });
    });

    it("sends plain text from msg.payload and html from msg.html together", async function () {
      await loadEmailFlow(sandbox, { bodyFormat: "both" });
      await run({ payload: "Shipped", html: "<b>Shipped</b>", topic: "Your order", to: "ana@example.com" });
      assert.deepEqual(sandbox.control.sentEmails()[0].content, { subject: "Your order", plainText: "Shipped", html: "<b>Shipped</b>" });
    });

    it("sends to cc and bcc, with reply-to, custom headers, importance and tracking off", async function () {
      await loadEmailFlow(sandbox, { headers: '{"X-Campaign":"spring"}', importance: "high", disableTracking: true, replyTo: "Help <help@contoso.test>", replyToType: "str" });
      const output = await run({
        payload: "Hello",
        topic: "Team news",
        to: ["ana@example.com", { address: "bo@example.com", displayName: "Bo" }],
        cc: "cy@example.com; Dee <dee@example.org>",
        bcc: [{ address: "archive@contoso.test" }],
      });
      const [email] = sandbox.control.sentEmails();
      assert.deepEqual(email.recipients, {
        to: [{ address: "ana@example.com" }, { address: "bo@example.com", displayName: "Bo" }],
        cc: [{ address: "cy@example.com" }, { address: "dee@example.org", displayName: "Dee" }],
        bcc: [{ address: "archive@contoso.test" }],
      });
      assert.deepEqual(email.replyTo, [{ address: "help@contoso.test", displayName: "Help" }]);
      assert.deepEqual(email.headers, { "X-Campaign": "spring", Importance: "high", "X-Priority": "1" });
      assert.equal(email.userEngagementTrackingDisabled, true);
      assert.equal(output.acs?.to, "ana@example.com, bo@example.com");
    });

    it("attaches msg.attachments and inline images: the service receives their base64 and contentId", async function () {
      await loadEmailFlow(sandbox, { bodyFormat: "html" });
      await run({
        payload: '<p>Your invoice</p><img src="cid:logo">',
        topic: "Invoice",
        to: "ana@example.com",
        attachments: [
          { filename: "invoice.txt", content: "Total: 42 EUR" },
          { filename: "logo.png", content: PNG, contentType: "image/png", cid: "logo" },
        ],
      });
      assert.deepEqual(sandbox.control.sentEmails()[0].attachments, [
        { name: "invoice.txt", contentType: "text/plain", contentInBase64: Buffer.from("Total: 42 EUR").toString("base64") },
        { name: "logo.png", contentType: "image/png", contentInBase64: PNG.toString("base64"), contentId: "logo" },
      ]);
    });

    it("renders a subject and body typed as template with the msg", async function () {
      await loadEmailFlow(sandbox, { subject: "Order {{payload.id}}", subjectType: "template", body: "Hi {{payload.name}},\nyour order {{payload.id}} ships today.", bodyType: "template" });
      await run({ payload: { id: 42, name: "Ana & Bo" }, to: "ana@example.com" });
      assert.deepEqual(sandbox.control.sentEmails()[0].content, { subject: "Order 42", plainText: "Hi Ana & Bo,\nyour order 42 ships today." });
    });
  });

  describe("completion and correlation", function () {
    it("returns as soon as the service accepted the email when set to 'accepted'", async function () {
      await loadEmailFlow(sandbox, { completion: "accepted", pollInterval: "60" });
      const output = await run({ payload: "Hello", topic: "Hi", to: "ana@example.com" });
      assert.equal(output.acs?.status, "queued");
      assert.equal(output.acs?.messageId, sandbox.control.sentEmails()[0].operationId);
    });

    it("remembers the operation id with the correlation id and msg.contact for the delivery events", async function () {
      await loadEmailFlow(sandbox);
      const output = await run({ payload: "Hello", topic: "Hi", to: "ana@example.com", correlationId: "order-42", contact: { phone: "+14255550123" } });
      assert.equal(output.acs?.correlationId, "order-42");
      const record = await configNode().resource.correlation.find(String(output.acs?.messageId));
      assert.equal(record?.channel, "email");
      assert.equal(record?.correlationId, "order-42");
      assert.equal(record?.to, "ana@example.com");
      assert.equal(record?.from, SENDER);
      assert.deepEqual(record?.contact, { phone: "+14255550123" });
    });

    it("sends a Failed operation to a Catch node with the service's reason and the msg's acs status", async function () {
      await loadEmailFlow(sandbox);
      const { text, msg } = await caughtBy({ payload: "Hello", topic: "Hi", to: "nobody@unreachable.test" });
      const [email] = sandbox.control.sentEmails();
      assert.equal(text, `email ${email.operationId} failed: EmailDropped: Email was dropped after several attempts to deliver.`);
      assert.equal(msg.acs?.status, "failed");
      assert.equal(msg.acs?.messageId, email.operationId);
    });
  });

  describe("requests the service refuses", function () {
    it("sends them to a Catch node with the service's status and reason, and marks msg.acs failed", async function () {
      await loadEmailFlow(sandbox, { sender: "shop@unlinked.test" });
      const { text, msg } = await caughtBy({ payload: "Hello", topic: "Hi", to: "ana@example.com" });
      assert.equal(text, "email send failed: the service answered HTTP 404 (The specified sender domain has not been linked.)");
      assert.equal(msg.acs?.status, "failed");
      assert.equal(msg.acs?.error, text);
      assert.equal(sandbox.control.counters().emails, 0);
    });
  });

  describe("validation before sending", function () {
    const base = { payload: "Hello", topic: "Hi", to: "ana@example.com" };

    async function refused(props: Record<string, unknown>, msg: Record<string, unknown>): Promise<string> {
      await loadEmailFlow(sandbox, props);
      const { text } = await caughtBy({ ...base, ...msg });
      assert.equal(sandbox.control.counters().emails, 0, "nothing reached the service");
      return text;
    }

    it("refuses an address with bad syntax, naming the field and the value", async function () {
      assert.equal(await refused({}, { cc: ["ok@example.com", "bob@example"] }), 'cc[1]: "bob@example" is not an email address (expected name@example.com or Name <name@example.com>)');
    });

    it("refuses more than 50 recipients in one email", async function () {
      const to = Array.from({ length: 30 }, (_, i) => `to${i}@example.com`);
      const bcc = Array.from({ length: 21 }, (_, i) => `bcc${i}@example.com`);
      assert.match(await refused({}, { to, bcc }), /^to, cc, bcc: 51 recipients, more than the 50 one email may have/);
    });

    it("refuses an email over 10 MB after base64 encoding and names the largest attachment", async function () {
      const attachments = [
        { filename: "small.pdf", content: Buffer.alloc(1024 * 1024) },
        { filename: "video.mp4", content: Buffer.alloc(7 * 1024 * 1024) },
      ];
      assert.equal(await refused({}, { attachments }), 'attachments: the email is 10.7 MB after base64 encoding, over the 10 MB one request may carry (largest attachment: "video.mp4", 9.3 MB)');
    });

    it("refuses an email without a subject", async function () {
      assert.match(await refused({}, { topic: "" }), /^subject: required but empty/);
    });

    it("refuses an email without a body", async function () {
      assert.match(await refused({}, { payload: "" }), /^body: required but empty/);
    });

    it("refuses an email without a sender", async function () {
      assert.match(await refused({ sender: "" }, {}), /^sender: required but empty/);
    });

    it("refuses a sender that is not an address", async function () {
      assert.equal(await refused({ sender: "shop", senderType: "str" }, {}), 'sender: "shop" is not an email address (expected name@example.com or Name <name@example.com>)');
    });
  });

  describe("throttling, lost answers and redeploys", function () {
    it("waits out the service's 429s and sends each email exactly once", async function () {
      sandbox.control.setQuotas({ email: { custom: { perMinute: 3 } } });
      await loadEmailFlow(sandbox, { completion: "accepted" });
      const outputs = await Promise.all(Array.from({ length: 8 }, (_, i) => run({ payload: "Hello", topic: "Hi", to: `r${i}@example.com` })));
      assert.ok(sandbox.control.counters().throttled.email > 0, "the service throttled some sends");
      const sent = sandbox.control.sentEmails();
      assert.equal(sent.length, 8);
      assert.deepEqual(new Set(sent.map((email) => email.operationId)), new Set(outputs.map((output) => output.acs?.messageId)));
    });

    it("sends once when connections drop after the service recorded the email", async function () {
      sandbox.control.setFaults({ dropConnections: { count: 2, channels: ["email"] } });
      await loadEmailFlow(sandbox);
      const outputs = await Promise.all([run({ payload: "A", topic: "Hi", to: "a@example.com" }), run({ payload: "B", topic: "Hi", to: "b@example.com" })]);
      assert.equal(sandbox.control.counters().droppedConnections, 2);
      assert.deepEqual(outputs.map((output) => output.acs?.status), ["sent", "sent"]);
      assert.deepEqual(sandbox.control.sentEmails().map((email) => email.recipients.to[0].address).sort(), ["a@example.com", "b@example.com"]);
    });

    it("ends an email whose result it is waiting for with an error naming the operation when the node is redeployed", async function () {
      // In real time the operation takes seconds to finish: the redeploy comes while the node waits.
      const slow = await startTestSandbox({ timeScale: 1, customDomains: ["contoso.test"], quotas: { email: { custom: null } } });
      try {
        await loadEmailFlow(slow, { pollInterval: "60" });
        const emailNode = helper.getNode("email");
        const errors: string[] = [];
        const events = emailNode as unknown as { on(event: "call:error", listener: (call: { args: [Error] }) => void): void };
        events.on("call:error", (call) => errors.push(call.args[0].message));
        emailNode.receive({ payload: "A", topic: "Hi", to: "a@example.com" });
        while (slow.control.counters().emails < 1) await new Promise((resolve) => setTimeout(resolve, 10));
        await helper.setFlows([], "full");
        await new Promise((resolve) => setImmediate(resolve));
        const [email] = slow.control.sentEmails();
        assert.deepEqual(errors, [`email ${email.operationId} was accepted, but the node stopped before the service reported whether it was sent`]);
      } finally {
        await slow.close();
      }
    });

    it("ends every email still queued with an error when the node is redeployed", async function () {
      // One email a minute: the first goes, the other two wait in the queue.
      await loadEmailFlow(sandbox, { completion: "accepted" }, { emailPerMinute: "1" });
      const emailNode = helper.getNode("email");
      const errors: string[] = [];
      const events = emailNode as unknown as { on(event: "call:error", listener: (call: { args: [Error] }) => void): void };
      events.on("call:error", (call) => errors.push(call.args[0].message));
      const first = run({ payload: "A", topic: "Hi", to: "a@example.com" });
      emailNode.receive({ payload: "B", topic: "Hi", to: "b@example.com" });
      emailNode.receive({ payload: "C", topic: "Hi", to: "c@example.com" });
      assert.equal((await first).acs?.status, "queued");
      await helper.setFlows([], "full");
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(errors, [
        "not sent: the node was stopped or redeployed before the message left the queue",
        "not sent: the node was stopped or redeployed before the message left the queue",
      ]);
      assert.equal(sandbox.control.sentEmails().length, 1);
    });
  });
});
