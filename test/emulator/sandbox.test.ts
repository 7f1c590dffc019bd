// The sandbox as a whole: what startSandbox returns, its certificate (fresh or reused from a state
// directory), routing and the error envelope of unknown paths, the control API without auth,
// added latency, deterministic faults, and close() leaving nothing behind.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmailClient } from "@azure/communication-email";
import { SANDBOX_ACCESS_KEY, start, startSandbox } from "../../emulator";
import { suiteSandbox } from "../helpers/sandbox";
import { chatClient, identityClient, rawRequest, type Sandbox, serviceSandboxPerSuite, signedRequest, smsClient, startServiceSandbox } from "./service-fixture";

describe("sandbox server", function () {
  describe("startSandbox", function () {
    let sandbox: Sandbox;

    suiteSandbox((started) => (sandbox = started), () => startSandbox());

    it("listens on 127.0.0.1 and returns the endpoint, connection string, key and CA", function () {
      assert.match(sandbox.endpoint, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      assert.equal(sandbox.accessKey, SANDBOX_ACCESS_KEY);
      assert.equal(sandbox.connectionString, `endpoint=${sandbox.endpoint};accesskey=${SANDBOX_ACCESS_KEY}`);
      assert.match(sandbox.ca, /^-----BEGIN CERTIFICATE-----/);
    });

    it("serves a certificate for 127.0.0.1, localhost and ::1 issued by the returned CA", async function () {
      const user = await identityClient(sandbox).createUser();
      assert.ok(user.communicationUserId, "the SDK trusted the server through tlsOptions.ca");
      const ca = new X509Certificate(sandbox.ca);
      assert.equal(ca.ca, true);
    });

    it("answers an unknown path with 404 in the service's error envelope", async function () {
      const response = await signedRequest(sandbox, "GET", "/nothing/here?api-version=1");
      assert.equal(response.status, 404);
      assert.equal(response.headers["x-ms-error-code"], "NotFound");
      assert.equal((response.json() as { error: { code: string } }).error.code, "NotFound");
    });

    it("answers a known path with the wrong method with 405", async function () {
      const response = await signedRequest(sandbox, "GET", "/sms?api-version=2021-03-07");
      assert.equal(response.status, 405);
    });

    it("serves the control API under /_sandbox/ without authentication", async function () {
      await smsClient(sandbox).send({ from: "+18005550100", to: ["+14255550123"], message: "listed" });
      const response = await rawRequest(sandbox, "GET", new URL("/_sandbox/sms", sandbox.endpoint), "", {});
      assert.equal(response.status, 200);
      const { value } = response.json() as { value: { message: string }[] };
      assert.deepEqual(value.map((v) => v.message), ["listed"]);
    });

    it("exposes start() as an alias of startSandbox()", async function () {
      assert.equal(start, startSandbox);
    });
  });

  describe("certificates in a state directory", function () {
    let stateDir: string;

    before(async function () {
      stateDir = await mkdtemp(join(tmpdir(), "acs-sandbox-"));
    });
    after(async function () {
      await rm(stateDir, { recursive: true, force: true });
    });

    it("writes the CA to the state directory and reuses it on the next start", async function () {
      const first = await startSandbox({ stateDir });
      await first.close();
      const saved = await readFile(join(stateDir, "ca.pem"), "utf8");
      assert.equal(saved, first.ca);
      const second = await startSandbox({ stateDir });
      try {
        assert.equal(second.ca, first.ca);
        const user = await identityClient(second).createUser();
        assert.ok(user.communicationUserId);
      } finally {
        await second.close();
      }
    });

    it("makes a fresh pair when the saved one is unusable", async function () {
      const other = await mkdtemp(join(tmpdir(), "acs-sandbox-"));
      try {
        for (const name of ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"]) await writeFile(join(other, name), "not a pem");
        const sandbox = await startSandbox({ stateDir: other });
        try {
          assert.match(sandbox.ca, /BEGIN CERTIFICATE/);
          assert.equal(await readFile(join(other, "ca.pem"), "utf8"), sandbox.ca);
        } finally {
          await sandbox.close();
        }
      } finally {
        await rm(other, { recursive: true, force: true });
      }
    });
  });

  describe("latency and faults", function () {
    let sandbox: Sandbox;

    serviceSandboxPerSuite((started) => (sandbox = started), { quotas: { sms: { tollFree: null } } });
    afterEach(function () {
      sandbox.control.setFaults({});
      sandbox.control.setLatency(0);
    });

    it("adds the configured latency to every answer", async function () {
      sandbox.control.setLatency({ latencyMs: 150 });
      const started = Date.now();
      await signedRequest(sandbox, "POST", "/identities?api-version=2023-10-01", {});
      const elapsed = Date.now() - started;
      sandbox.control.setLatency(0);
      assert.ok(elapsed >= 140, `answered after ${elapsed} ms`);
    });

    it("picks the same requests for a seeded fault rate on every run", async function () {
      const run = async (): Promise<number[]> => {
        sandbox.control.setFaults({ serverErrors: { rate: 0.5, seed: 7, channels: ["identity"] } });
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) statuses.push((await signedRequest(sandbox, "POST", "/identities?api-version=2023-10-01", {})).status);
        return statuses;
      };
      const first = await run();
      const second = await run();
      assert.deepEqual(second, first);
      assert.ok(first.includes(503) && first.includes(201), `statuses ${first.join(",")}`);
    });

    it("answers the next `count` requests with 503 in the service's envelope and counts them", async function () {
      const before = sandbox.control.counters().serverErrors;
      sandbox.control.setFaults({ serverErrors: { count: 2, channels: ["identity"] } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push(await signedRequest(sandbox, "POST", "/identities?api-version=2023-10-01", {}));
      assert.deepEqual(statuses.map((s) => s.status), [503, 503, 201]);
      assert.equal(statuses[0].headers["x-ms-error-code"], "ServiceUnavailable");
      assert.equal(sandbox.control.counters().serverErrors - before, 2);
    });

    it("only affects the channels it names", async function () {
      sandbox.control.setFaults({ serverErrors: { count: 1, channels: ["email"] } });
      const response = await signedRequest(sandbox, "POST", "/identities?api-version=2023-10-01", {});
      assert.equal(response.status, 201);
    });
  });

  describe("reset", function () {
    let sandbox: Sandbox;

    serviceSandboxPerSuite((started) => (sandbox = started), { timeScale: 1, quotas: { sms: { tollFree: { perMinute: 1 } } } });

    it("forgets what was sent and the quota windows, and keeps identities", async function () {
      const client = smsClient(sandbox, { retryOptions: { maxRetries: 0 } });
      const { user, token } = await identityClient(sandbox).createUserAndToken(["chat"]);
      await client.send({ from: "+18005550100", to: ["+14255550123"], message: "fills the minute" });
      assert.equal((await signedRequest(sandbox, "POST", "/sms?api-version=2021-03-07", {
        from: "+18005550100",
        smsRecipients: [{ to: "+14255550124" }],
        message: "over quota"
      })).status, 429);
      sandbox.control.reset();
      assert.equal(sandbox.control.sentSms().length, 0);
      const again = await client.send({ from: "+18005550100", to: ["+14255550124"], message: "room again" });
      assert.equal(again[0].successful, true);
      assert.ok(user.communicationUserId);
      const created = await chatClient(sandbox, token).createChatThread({ topic: "after reset" });
      assert.ok(created.chatThread?.id);
    });
  });

  describe("close()", function () {
    it("releases the port and every timer, even with work scheduled", async function () {
      const sandbox = await startServiceSandbox({ timeScale: 1 });
      await smsClient(sandbox).send({ from: "+18005550100", to: ["+14255550123"], message: "report later" }, { enableDeliveryReport: true });
      const email = new EmailClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
      await email.beginSend({ senderAddress: "a@x.azurecomm.net", content: { subject: "s", plainText: "p" }, recipients: { to: [{ address: "b@example.com" }] } });
      assert.ok(sandbox.clock.pendingTimers > 0, "work was scheduled");
      await sandbox.close();
      assert.equal(sandbox.clock.pendingTimers, 0);
      await assert.rejects(signedRequest(sandbox, "POST", "/identities?api-version=2023-10-01", {}), /ECONNREFUSED/);
    });
  });
});
