// sendEmail with the real EmailClient and SendQueue against the sandbox.
import assert from "node:assert/strict";
import { EmailClient, type EmailMessage } from "@azure/communication-email";
import { sendEmail, type EmailSendRequest } from "../../../nodes/lib/email/send";
import { SendQueue } from "../../../nodes/lib/core/send-queue";
import { startTestSandbox, type Sandbox } from "../../helpers/sandbox";

const SENDER = "DoNotReply@contoso.test";

function message(to = "ana@example.com"): EmailMessage {
  return { senderAddress: SENDER, content: { subject: "Your order", plainText: "It ships today." }, recipients: { to: [{ address: to }] } };
}

describe("sendEmail", function () {
  let sandbox: Sandbox;
  let client: EmailClient;
  let queue: SendQueue;

  before(async function () {
    sandbox = await startTestSandbox({
      timeScale: 600,
      customDomains: ["contoso.test"],
      quotas: { email: { custom: null } },
      rules: [{ match: "*@unreachable.test", outcome: "failed", channel: "email" }],
    });
    client = new EmailClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca }, retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 100 } });
  });
  after(async function () {
    await sandbox.close();
  });
  beforeEach(function () {
    sandbox.control.reset();
    sandbox.control.setFaults({});
    sandbox.control.setQuotas({ email: { custom: null } });
    queue = new SendQueue({ maxInFlight: 4, rates: [], maxQueuedUnits: 1000, defaultRetryAfterMs: 20 });
  });
  afterEach(async function () {
    await queue.close(100);
  });

  const request = (overrides: Partial<EmailSendRequest> = {}): EmailSendRequest => ({
    client,
    queue,
    owner: "test",
    message: message(),
    completion: "wait",
    pollIntervalMs: 20,
    ...overrides,
  });

  it("returns when accepted, under the Operation-Id it chose, and says so before returning", async function () {
    const accepted: string[] = [];
    const outcome = await sendEmail(request({ completion: "accepted", onAccepted: (id) => accepted.push(id) }));
    assert.equal(outcome.status, "queued");
    assert.match(outcome.messageId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(accepted, [outcome.messageId]);
    const [email] = sandbox.control.sentEmails();
    assert.equal(email.operationId, outcome.messageId);
  });

  it("waits for the operation to succeed", async function () {
    const outcome = await sendEmail(request());
    assert.deepEqual(outcome, { messageId: sandbox.control.sentEmails()[0].operationId, status: "sent" });
    assert.equal(sandbox.control.sentEmails()[0].status, "Succeeded");
  });

  it("reports a Failed operation as an outcome with the service's code and reason", async function () {
    const outcome = await sendEmail(request({ message: message("nobody@unreachable.test") }));
    assert.equal(outcome.status, "failed");
    assert.ok(outcome.status === "failed");
    assert.equal(outcome.error.code, "EmailDropped");
    assert.equal(outcome.error.message, `email ${outcome.messageId} failed: EmailDropped: Email was dropped after several attempts to deliver.`);
  });

  it("stops waiting when told to, leaving the email accepted", async function () {
    // In real time the operation takes seconds to finish, so it is still running when the wait stops.
    const slow = await startTestSandbox({ timeScale: 1, customDomains: ["contoso.test"] });
    try {
      const slowClient = new EmailClient(slow.connectionString, { tlsOptions: { ca: slow.ca } });
      const stop = new AbortController();
      const outcome = await sendEmail(request({ client: slowClient, stop: stop.signal, pollIntervalMs: 60_000, onAccepted: () => stop.abort() }));
      assert.deepEqual(outcome, { messageId: slow.control.sentEmails()[0].operationId, status: "queued", waitStopped: true });
    } finally {
      await slow.close();
    }
  });

  it("sends once when the connection drops after the service recorded the email", async function () {
    sandbox.control.setFaults({ dropConnections: { count: 1, channels: ["email"] } });
    const outcome = await sendEmail(request());
    assert.equal(outcome.status, "sent");
    assert.equal(sandbox.control.counters().droppedConnections, 1);
    assert.deepEqual(sandbox.control.sentEmails().map((email) => email.operationId), [outcome.messageId]);
  });

  it("waits out 429s and sends each email exactly once", async function () {
    sandbox.control.setQuotas({ email: { custom: { perMinute: 2 } } });
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => sendEmail(request({ completion: "accepted", message: message(`r${i}@example.com`) }))));
    assert.ok(sandbox.control.counters().throttled.email > 0, "the sandbox throttled some requests");
    const sent = sandbox.control.sentEmails();
    assert.equal(sent.length, 6);
    assert.deepEqual(new Set(sent.map((email) => email.operationId)), new Set(outcomes.map((outcome) => outcome.messageId)));
    assert.deepEqual(sent.map((email) => email.recipients.to[0].address).sort(), Array.from({ length: 6 }, (_, i) => `r${i}@example.com`).sort());
  });

  it("rejects when the service refuses the request", async function () {
    await assert.rejects(sendEmail(request({ message: { ...message(), senderAddress: "shop@unlinked.test" } })), (err: { statusCode?: number; code?: string }) => err.statusCode === 404 && err.code === "DomainNotLinked");
    assert.equal(sandbox.control.sentEmails().length, 0);
  });
});
