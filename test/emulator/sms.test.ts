// SMS through the real SmsClient against the sandbox: per-recipient results, validation, the SMS
// API's own error bodies, repeatability, quotas, faults and the opt-out endpoints.

import assert from "node:assert/strict";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import {
  restError,
  type Sandbox,
  serviceSandboxPerSuite,
  signedRequest,
  smsClient,
  wrongKeyConnectionString
} from "./service-fixture";
import { specExample } from "../helpers/spec-examples";

const FROM = "+18005550100";

describe("sandbox SMS", function () {
  let sandbox: Sandbox;

  serviceSandboxPerSuite((started) => (sandbox = started), { quotas: { sms: { tollFree: null } } });
  beforeEach(function () {
    sandbox.control.reset();
    sandbox.control.setFaults({});
  });

  it("sends to two numbers and records each message with its tag", async function () {
    const results = await smsClient(sandbox).send(
      { from: FROM, to: ["+14255550123", "+14255550124"], message: "Hello" },
      { enableDeliveryReport: true, tag: "order-42" }
    );
    assert.equal(results.length, 2);
    for (const result of results) {
      assert.equal(result.successful, true);
      assert.equal(result.httpStatusCode, 202);
      assert.match(result.messageId ?? "", /^Outgoing_\d{14}[0-9a-f-]{36}$/);
    }
    const sent = sandbox.control.sentSms();
    assert.deepEqual(sent.map((s) => s.to), ["+14255550123", "+14255550124"]);
    assert.equal(sent[0].tag, "order-42");
    assert.equal(sent[0].enableDeliveryReport, true);
    assert.equal(sent[0].messageId, results[0].messageId);
  });

  it("mixes accepted and failed recipients in one answer", async function () {
    const results = await smsClient(sandbox).send({ from: FROM, to: ["+14255550123", "+112345678901", "12"], message: "Hi" });
    assert.deepEqual(
      results.map((r) => [r.to, r.httpStatusCode, r.successful]),
      [
        ["+14255550123", 202, true],
        ["+112345678901", 400, false],
        ["12", 400, false]
      ]
    );
    assert.equal(results[1].errorMessage, "Invalid To phone number format.");
    assert.equal(sandbox.control.sentSms().length, 1);
  });

  it("refuses a recipient a rule scripts as refused, and sends to the others", async function () {
    sandbox.control.setRules([{ match: "+1425555099*", outcome: "refused", details: "Recipient unreachable." }]);
    try {
      const results = await smsClient(sandbox).send({ from: FROM, to: ["+14255550123", "+14255550991"], message: "Hi" });
      assert.deepEqual(
        results.map((r) => [r.to, r.httpStatusCode, r.successful, r.errorMessage]),
        [
          ["+14255550123", 202, true, undefined],
          ["+14255550991", 400, false, "Recipient unreachable."]
        ]
      );
      assert.deepEqual(sandbox.control.sentSms().map((sms) => sms.to), ["+14255550123"]);
    } finally {
      sandbox.control.setRules([]);
    }
  });

  it("refuses a bad sender with the SMS API's model-state body", async function () {
    const error = await restError(smsClient(sandbox).send({ from: "+1 800 555", to: ["+14255550123"], message: "Hi" }));
    assert.equal(error.statusCode, 400);
    assert.deepEqual(JSON.parse(error.response?.bodyAsText ?? "null"), { From: ["Invalid from phone number format."] });
  });

  it("accepts 100 recipients and refuses 101", async function () {
    const numbers = Array.from({ length: 101 }, (_, i) => `+1425555${String(1000 + i).padStart(4, "0")}`);
    const ok = await smsClient(sandbox).send({ from: FROM, to: numbers.slice(0, 100), message: "Hi" });
    assert.equal(ok.filter((r) => r.successful).length, 100);
    const error = await restError(smsClient(sandbox).send({ from: FROM, to: numbers, message: "Hi" }));
    assert.equal(error.statusCode, 400);
    assert.match(error.response?.bodyAsText ?? "", /SmsRecipients/);
    assert.equal(sandbox.control.sentSms().length, 100);
  });

  it("accepts 2048 characters and refuses 2049", async function () {
    const ok = await smsClient(sandbox).send({ from: FROM, to: ["+14255550123"], message: "x".repeat(2048) });
    assert.equal(ok[0].successful, true);
    const error = await restError(smsClient(sandbox).send({ from: FROM, to: ["+14255550123"], message: "x".repeat(2049) }));
    assert.equal(error.statusCode, 400);
    assert.match(error.response?.bodyAsText ?? "", /"Message"/);
  });

  it("answers a wrong key with 401 and the SMS API's Unauthorized body", async function () {
    const error = await restError(
      smsClient(sandbox, {}, wrongKeyConnectionString(sandbox)).send({ from: FROM, to: ["+14255550123"], message: "Hi" })
    );
    assert.equal(error.statusCode, 401);
    assert.deepEqual(JSON.parse(error.response?.bodyAsText ?? "null"), { error: { code: "Unauthorized", message: "" } });
    assert.equal(sandbox.control.sentSms().length, 0);
  });

  it("never sends a repeated repeatabilityRequestId twice: the repeat is rejected and names the first message", async function () {
    const pinnedId = "5b4a7c1e-2f0d-4a3e-9c1b-8d7e6f5a4b3c";
    const pinRepeatabilityId: PipelinePolicy = {
      name: "pinRepeatabilityId",
      async sendRequest(request, next) {
        const body = JSON.parse(String(request.body)) as { smsRecipients: { repeatabilityRequestId: string }[] };
        body.smsRecipients[0].repeatabilityRequestId = pinnedId;
        request.body = JSON.stringify(body);
        return next(request);
      }
    };
    // The policy runs before signing, so the signature covers the pinned id.
    const client = smsClient(sandbox);
    (client as unknown as { api: { pipeline: { addPolicy(p: PipelinePolicy, o: object): void } } }).api.pipeline.addPolicy(
      pinRepeatabilityId,
      { beforePolicies: ["CommunicationAccessKeyCredentialPolicy"] }
    );
    const first = await client.send({ from: FROM, to: ["+14255550123"], message: "Once" });
    const second = await client.send({ from: FROM, to: ["+14255550123"], message: "Once" });
    assert.equal(first[0].successful, true);
    assert.equal(second[0].successful, false);
    assert.equal((second[0] as { repeatabilityResult?: string }).repeatabilityResult, "rejected");
    assert.equal(second[0].messageId, first[0].messageId);
    assert.equal(sandbox.control.sentSms().length, 1);
  });

  it("records once when the connection drops after the send and the SDK retries with the same ids", async function () {
    sandbox.control.setFaults({ dropConnections: { count: 1, channels: ["sms"] } });
    const results = await smsClient(sandbox).send({ from: FROM, to: ["+14255550123"], message: "Exactly once" });
    assert.equal(sandbox.control.counters().droppedConnections, 1);
    assert.equal(sandbox.control.sentSms().length, 1);
    assert.equal((results[0] as { repeatabilityResult?: string }).repeatabilityResult, "rejected");
    assert.equal(results[0].messageId, sandbox.control.sentSms()[0].messageId);
  });

  it("answers injected 5xx faults and the SDK's retry then succeeds", async function () {
    sandbox.control.setFaults({ serverErrors: { count: 2, channels: ["sms"] } });
    const results = await smsClient(sandbox).send({ from: FROM, to: ["+14255550123"], message: "After two 503s" });
    assert.equal(results[0].successful, true);
    assert.equal(sandbox.control.counters().serverErrors, 2);
    assert.equal(sandbox.control.sentSms().length, 1);
  });

  it("answers injected 429s with Retry-After, counted as throttles, and the SDK's retry then succeeds", async function () {
    sandbox.control.setFaults({ throttle: { count: 2, channels: ["sms"], retryAfterSeconds: 0 } });
    const first = await signedRequest(sandbox, "POST", "/sms?api-version=2021-03-07", { from: FROM, smsRecipients: [{ to: "+14255550124" }], message: "Refused" });
    assert.equal(first.status, 429);
    assert.deepEqual([first.headers["retry-after"], first.headers["retry-after-ms"]], ["1", "1"], "Retry-After in whole seconds, retry-after-ms in real time");
    const results = await smsClient(sandbox).send({ from: FROM, to: ["+14255550123"], message: "After one 429" });
    assert.equal(results[0].successful, true);
    assert.equal(sandbox.control.counters().throttled.sms, 2);
    assert.equal(sandbox.control.sentSms().length, 1, "a refused request sends nothing");
  });

  it("matches the spec example send.json item by item (bar its 503, a service outage)", async function () {
    const example = specExample<{
      parameters: { SendMessageRequest: { smsRecipients: { repeatabilityFirstSent?: string }[] } };
      responses: { "202": { body: { value: { to: string; httpStatusCode: number; successful: boolean; repeatabilityResult?: string; messageId?: string }[] } } };
    }>("sms", "send.json");
    const request = example.parameters.SendMessageRequest;
    const response = await signedRequest(sandbox, "POST", "/sms?api-version=2021-03-07", request);
    assert.equal(response.status, 202);
    const actual = (response.json() as { value: typeof example.responses["202"]["body"]["value"] }).value;
    const expected = example.responses["202"].body.value;
    assert.equal(actual.length, expected.length);
    for (const [index, item] of expected.entries()) {
      if (item.httpStatusCode === 503) continue;
      assert.equal(actual[index].to, item.to);
      assert.equal(actual[index].httpStatusCode, item.httpStatusCode, `item ${index}`);
      assert.equal(actual[index].successful, item.successful, `item ${index}`);
      assert.equal(actual[index].repeatabilityResult, item.repeatabilityResult, `item ${index}`);
      if (item.successful) assert.ok(actual[index].messageId, `item ${index} names its message`);
    }
  });

  it("adds, checks and removes opt-outs through /sms/optouts", async function () {
    const body = { from: FROM, recipients: [{ to: "+14255550123" }] };
    const added = await signedRequest(sandbox, "POST", "/sms/optouts:add?api-version=2026-01-23", body);
    assert.equal(added.status, 200);
    assert.deepEqual(added.json(), { value: [{ to: "+14255550123", httpStatusCode: 200, isOptedOut: true }] });
    assert.deepEqual(sandbox.control.optedOut(FROM), [{ from: FROM, to: "+14255550123" }]);
    await signedRequest(sandbox, "POST", "/sms/optouts:remove?api-version=2026-01-23", body);
    const checked = await signedRequest(sandbox, "POST", "/sms/optouts:check?api-version=2026-01-23", body);
    assert.deepEqual(checked.json(), { value: [{ to: "+14255550123", httpStatusCode: 200, isOptedOut: false }] });
  });
});

describe("sandbox SMS quotas", function () {
  let sandbox: Sandbox;

  // Two messages a simulated minute; at timeScale 600 the minute lasts 100 real ms.
  serviceSandboxPerSuite((started) => (sandbox = started), { timeScale: 600, quotas: { sms: { tollFree: { perMinute: 2 } } } });

  it("answers 429 with Retry-After above the sender's quota, and the SDK's retry then succeeds without a duplicate", async function () {
    const client = smsClient(sandbox);
    await client.send({ from: FROM, to: ["+14255550123", "+14255550124"], message: "fills the minute" });
    const results = await client.send({ from: FROM, to: ["+14255550125"], message: "waits for room" });
    assert.equal(results[0].successful, true);
    assert.equal(sandbox.control.counters().throttled.sms, 1);
    assert.deepEqual(
      sandbox.control.sentSms().map((s) => s.to),
      ["+14255550123", "+14255550124", "+14255550125"]
    );
  });

  it("says how long to wait: Retry-After in seconds and retry-after-ms scaled to real time", async function () {
    const client = smsClient(sandbox, { retryOptions: { maxRetries: 0 } });
    const otherSender = "+18885550100";
    await client.send({ from: otherSender, to: ["+14255550126", "+14255550127"], message: "fills the minute" });
    const error = await restError(client.send({ from: otherSender, to: ["+14255550128"], message: "too many" }));
    assert.equal(error.statusCode, 429);
    const retryAfter = Number(error.response?.headers.get("retry-after"));
    const retryAfterMs = Number(error.response?.headers.get("retry-after-ms"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.ok(retryAfterMs >= 1 && retryAfterMs <= 100, `retry-after-ms ${retryAfterMs}`);
    assert.equal(error.code, "TooManyRequests");
  });
});
