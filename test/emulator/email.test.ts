// Email through the real EmailClient against the sandbox: the long-running operation to Succeeded
// and to Failed, Operation-Id idempotency, validation, sender domains, quotas and faults, and the
// answers compared with the spec examples.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { EmailMessage } from "@azure/communication-email";
import { emailClient, restError, type Sandbox, serviceSandboxPerSuite, signedRequest, startServiceSandbox, wrongKeyConnectionString } from "./service-fixture";
import { specExample } from "../helpers/spec-examples";

const SENDER = "DoNotReply@0f1e2d3c.azurecomm.net";
const pollFast = { updateIntervalInMs: 20 };

type EmailExample = { responses: Record<string, { headers?: Record<string, string>; body: Record<string, unknown> }> };

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    senderAddress: SENDER,
    content: { subject: "Your order", plainText: "It ships today." },
    recipients: { to: [{ address: "ana@example.com", displayName: "Ana" }] },
    ...overrides
  };
}

describe("sandbox email", function () {
  let sandbox: Sandbox;

  serviceSandboxPerSuite((started) => (sandbox = started), {
      timeScale: 200,
      customDomains: ["contoso.test"],
      quotas: { email: { managed: null, custom: null } },
      rules: [{ match: "*@unreachable.test", outcome: "failed", channel: "email" }]
    });
  beforeEach(function () {
    sandbox.control.reset();
    sandbox.control.setFaults({});
  });

  it("runs the send operation to Succeeded and records the email once", async function () {
    const poller = await emailClient(sandbox).beginSend(message(), pollFast);
    const result = await poller.pollUntilDone();
    assert.equal(result.status, "Succeeded");
    const sent = sandbox.control.sentEmails();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].operationId, result.id);
    assert.equal(sent[0].status, "Succeeded");
    assert.deepEqual(sent[0].recipients.to, [{ address: "ana@example.com", displayName: "Ana" }]);
  });

  it("ends Failed with EmailDropped when every recipient's outcome is failed, and the SDK throws it", async function () {
    // beginSend polls once itself: on a slow machine the operation may already have failed by then.
    const send = async () => {
      const poller = await emailClient(sandbox).beginSend(
        message({ recipients: { to: [{ address: "a@unreachable.test" }], cc: [{ address: "b@unreachable.test" }] } }),
        pollFast
      );
      return poller.pollUntilDone();
    };
    await assert.rejects(send(), /EmailDropped/);
    const [email] = sandbox.control.sentEmails();
    assert.equal(email.status, "Failed");
    assert.deepEqual(email.error, { code: "EmailDropped", message: "Email was dropped after several attempts to deliver." });
  });

  it("succeeds when only some recipients fail", async function () {
    const poller = await emailClient(sandbox).beginSend(
      message({ recipients: { to: [{ address: "a@unreachable.test" }, { address: "ok@example.com" }] } }),
      pollFast
    );
    assert.equal((await poller.pollUntilDone()).status, "Succeeded");
  });

  it("treats a repeated Operation-Id as the same operation: one record", async function () {
    const operationId = randomUUID();
    const client = emailClient(sandbox);
    const first = await (await client.beginSend(message(), { ...pollFast, operationId })).pollUntilDone();
    const second = await (await client.beginSend(message(), { ...pollFast, operationId })).pollUntilDone();
    assert.equal(first.id, operationId);
    assert.equal(second.id, operationId);
    assert.equal(sandbox.control.sentEmails().length, 1);
  });

  it("records once when the connection drops after the accept and the SDK retries with its Operation-Id", async function () {
    sandbox.control.setFaults({ dropConnections: { count: 1, channels: ["email"] } });
    const operationId = randomUUID();
    const result = await (await emailClient(sandbox).beginSend(message(), { ...pollFast, operationId })).pollUntilDone();
    assert.equal(result.status, "Succeeded");
    assert.equal(sandbox.control.counters().droppedConnections, 1);
    assert.equal(sandbox.control.sentEmails().length, 1);
  });

  it("accepts 50 recipients across to, cc and bcc and refuses 51", async function () {
    const addresses = (n: number, prefix: string): { address: string }[] =>
      Array.from({ length: n }, (_, i) => ({ address: `${prefix}${i}@example.com` }));
    const ok = await emailClient(sandbox).beginSend(
      message({ recipients: { to: addresses(20, "to"), cc: addresses(20, "cc"), bcc: addresses(10, "bcc") } }),
      pollFast
    );
    assert.equal((await ok.pollUntilDone()).status, "Succeeded");
    const error = await restError(
      emailClient(sandbox).beginSend(message({ recipients: { to: addresses(20, "to"), cc: addresses(20, "cc"), bcc: addresses(11, "bcc") } }))
    );
    assert.equal(error.statusCode, 400);
    assert.equal(error.response?.headers.get("x-ms-error-code"), "BadRequest");
    assert.match(error.message, /50/);
    assert.equal(sandbox.control.sentEmails().length, 1);
  });

  it("refuses a request above 10 MB with 413", async function () {
    const big = Buffer.alloc(8 * 1024 * 1024, 7).toString("base64");
    const error = await restError(
      emailClient(sandbox, { retryOptions: { maxRetries: 0 } }).beginSend(
        message({ attachments: [{ name: "big.bin", contentType: "application/octet-stream", contentInBase64: big }] })
      )
    );
    assert.equal(error.statusCode, 413);
    assert.equal(sandbox.control.sentEmails().length, 0);
  });

  it("refuses a sender domain that is not linked, and accepts a configured custom domain", async function () {
    const error = await restError(emailClient(sandbox).beginSend(message({ senderAddress: "news@fabrikam.example" })));
    assert.equal(error.statusCode, 404);
    assert.equal(error.code, "DomainNotLinked");
    const ok = await emailClient(sandbox).beginSend(message({ senderAddress: "news@contoso.test" }), pollFast);
    assert.equal((await ok.pollUntilDone()).status, "Succeeded");
  });

  it("answers a wrong key with 401 in the common error envelope", async function () {
    const error = await restError(emailClient(sandbox, {}, wrongKeyConnectionString(sandbox)).beginSend(message()));
    assert.equal(error.statusCode, 401);
    assert.equal(error.response?.headers.get("x-ms-error-code"), "Unauthorized");
    const body = JSON.parse(error.response?.bodyAsText ?? "{}") as { error?: { code?: string; message?: string } };
    assert.equal(body.error?.code, "Unauthorized");
    assert.equal(sandbox.control.sentEmails().length, 0);
  });

  it("answers the send as SendEmail.json does: 202, absolute Operation-Location, Retry-After, {id, status}", async function () {
    const spec = specExample<EmailExample>("email", "SendEmail.json").responses["202"];
    const response = await signedRequest(sandbox, "POST", "/emails:send?api-version=2025-09-01", message());
    assert.equal(response.status, 202);
    const location = String(response.headers["operation-location"]);
    const expectedLocation = new URL(spec.headers?.["Operation-Location"] ?? "");
    const actualLocation = new URL(location);
    assert.equal(actualLocation.origin, new URL(sandbox.endpoint).origin);
    assert.match(actualLocation.pathname, /^\/emails\/operations\/[0-9a-f-]{36}$/);
    assert.equal(actualLocation.search, expectedLocation.search);
    assert.match(String(response.headers["retry-after"]), /^\d+$/);
    assert.deepEqual(Object.keys(response.json() as object).sort(), Object.keys(spec.body).sort());
    assert.equal((response.json() as { id: string }).id, actualLocation.pathname.split("/").pop());
  });

  it("answers an unknown operation with 404 in the common envelope", async function () {
    const response = await signedRequest(sandbox, "GET", `/emails/operations/${randomUUID()}?api-version=2025-09-01`);
    assert.equal(response.status, 404);
    assert.equal(response.headers["x-ms-error-code"], "NotFound");
  });
});

describe("sandbox email operation status", function () {
  let sandbox: Sandbox;

  // Running after 100 real ms, final after 500: slow enough to see each status.
  serviceSandboxPerSuite((started) => (sandbox = started), { timeScale: 10 });

  it("moves NotStarted -> Running -> Succeeded over simulated time", async function () {
    const accepted = await signedRequest(sandbox, "POST", "/emails:send?api-version=2025-09-01", message());
    const seen = [(accepted.json() as { status: string }).status];
    const location = new URL(String(accepted.headers["operation-location"]));
    while (seen[seen.length - 1] !== "Succeeded") {
      await sleep(20);
      const poll = await signedRequest(sandbox, "GET", `${location.pathname}${location.search}`);
      const status = (poll.json() as { status: string }).status;
      if (status !== seen[seen.length - 1]) seen.push(status);
    }
    assert.deepEqual(seen, ["NotStarted", "Running", "Succeeded"]);
  });

  it("answers the status poll as the GetOperationStatus examples do", async function () {
    const accepted = await signedRequest(sandbox, "POST", "/emails:send?api-version=2025-09-01", message());
    const location = new URL(String(accepted.headers["operation-location"]));
    const poll = () => signedRequest(sandbox, "GET", `${location.pathname}${location.search}`);
    const running = await poll();
    assert.equal(running.status, 200);
    assert.ok(running.headers["retry-after"] !== undefined, "Retry-After while not terminal");
    assert.deepEqual(Object.keys(running.json() as object).sort(), Object.keys(specExample<EmailExample>("email", "GetOperationStatusReturnsNonTerminalStatus.json").responses["200"].body).sort());
    let done = running;
    while ((done.json() as { status: string }).status !== "Succeeded") {
      await sleep(20);
      done = await poll();
    }
    assert.deepEqual(done.json(), { ...specExample<EmailExample>("email", "GetOperationStatusReturnsSuccessTerminalStatus.json").responses["200"].body, id: (done.json() as { id: string }).id });
    assert.equal(done.headers["retry-after"], undefined, "no Retry-After once terminal");
  });

  it("tells the SDK's poller to wait with Retry-After in real seconds", async function () {
    const slow = await startServiceSandbox({ timeScale: 1 });
    try {
      const accepted = await signedRequest(slow, "POST", "/emails:send?api-version=2025-09-01", message());
      assert.equal(accepted.headers["retry-after"], "1");
    } finally {
      await slow.close();
    }
  });
});

describe("sandbox email quotas", function () {
  let sandbox: Sandbox;

  // One email a simulated minute from a managed domain; at timeScale 60 the minute is one real
  // second: long enough that the second send lands inside it on a busy machine, short for the retry.
  serviceSandboxPerSuite((started) => (sandbox = started), { timeScale: 60, quotas: { email: { managed: { perMinute: 1, perHour: null } } } });

  it("answers 429 above the managed-domain quota and the SDK's retry then succeeds without a duplicate", async function () {
    const client = emailClient(sandbox);
    const first = await client.beginSend(message(), pollFast);
    const second = await (await client.beginSend(message(), pollFast)).pollUntilDone();
    assert.equal((await first.pollUntilDone()).status, "Succeeded");
    assert.equal(second.status, "Succeeded");
    assert.equal(sandbox.control.counters().throttled.email, 1);
    assert.equal(sandbox.control.sentEmails().length, 2);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
