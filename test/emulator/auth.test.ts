// Authentication as the service does it: HMAC-SHA256 checked exactly (key, x-ms-date freshness,
// body hash) and chat Bearer tokens checked for signature, expiry, chat scope and revocation.
// Requests come from the real SDKs; a pipeline policy re-signs them to break one thing at a time.

import assert from "node:assert/strict";
import type { PipelinePolicy, PipelineRequest } from "@azure/core-rest-pipeline";
import { computeSignature, contentHash, signRequest } from "../../emulator/auth/hmac";
import {
  chatClient,
  chatUser,
  identityClient,
  rawRequest,
  restError,
  type Sandbox,
  serviceSandboxPerSuite,
  smsClient,
  wrongKeyConnectionString
} from "./service-fixture";

/** Runs after the SDK signed the request and signs it again, correctly, after `tamper`. */
function resign(accessKey: string, tamper: { date?: Date; body?: (body: string) => string; hashOf?: (body: string) => string }): PipelinePolicy {
  return {
    name: "resign",
    async sendRequest(request: PipelineRequest, next) {
      const url = new URL(request.url);
      let body = typeof request.body === "string" ? request.body : "";
      const signed = signRequest({ accessKey, method: request.method, url, body, date: tamper.date });
      if (tamper.hashOf) {
        // Sign a hash of some other body: the signature is right, the hash is not the body's.
        const otherHash = contentHash(tamper.hashOf(body));
        const stringToSign = `${request.method}\n${url.pathname}${url.search}\n${signed["x-ms-date"]};${url.host};${otherHash}`;
        const signature = computeSignature(accessKey, stringToSign);
        signed["x-ms-content-sha256"] = otherHash;
        signed.authorization = `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`;
      }
      if (tamper.body) {
        body = tamper.body(body);
        request.body = body;
      }
      for (const [name, value] of Object.entries(signed)) request.headers.set(name, value);
      return next(request);
    }
  };
}

describe("sandbox authentication", function () {
  let sandbox: Sandbox;

  serviceSandboxPerSuite((started) => (sandbox = started));

  describe("HMAC", function () {
    it("accepts a request the policy re-signs correctly (the tampering policy itself is sound)", async function () {
      const client = identityClient(sandbox, { policies: [resign(sandbox.accessKey, {})] });
      const user = await client.createUser();
      assert.ok(user.communicationUserId);
    });

    it("answers a wrong key with 401 in the common envelope", async function () {
      const error = await restError(identityClient(sandbox, {}, wrongKeyConnectionString(sandbox)).createUser());
      assert.equal(error.statusCode, 401);
      assert.equal(error.code, "Unauthorized");
      assert.equal(error.response?.headers.get("x-ms-error-code"), "Unauthorized");
    });

    it("refuses an x-ms-date more than 15 minutes old, even when correctly signed", async function () {
      const stale = new Date(Date.now() - 16 * 60_000);
      const error = await restError(identityClient(sandbox, { policies: [resign(sandbox.accessKey, { date: stale })] }).createUser());
      assert.equal(error.statusCode, 401);
      assert.match(error.message, /x-ms-date/);
    });

    it("accepts an x-ms-date 14 minutes old", async function () {
      const oldish = new Date(Date.now() - 14 * 60_000);
      const user = await identityClient(sandbox, { policies: [resign(sandbox.accessKey, { date: oldish })] }).createUser();
      assert.ok(user.communicationUserId);
    });

    it("refuses a body whose x-ms-content-sha256 does not match, even when correctly signed", async function () {
      const client = smsClient(sandbox, { policies: [resign(sandbox.accessKey, { hashOf: (body) => body.replace("Hello", "Bye") })] });
      const error = await restError(client.send({ from: "+18005550100", to: ["+14255550123"], message: "Hello" }));
      assert.equal(error.statusCode, 401);
      assert.equal(sandbox.control.sentSms().length, 0);
    });

    it("refuses a body changed after signing", async function () {
      const client = identityClient(sandbox, {
        policies: [
          {
            name: "changeBodyAfterSigning",
            async sendRequest(request, next) {
              request.body = JSON.stringify({ createTokenWithScopes: ["chat"] });
              return next(request);
            }
          }
        ]
      });
      const error = await restError(client.createUser());
      assert.equal(error.statusCode, 401);
      assert.match(error.message, /x-ms-content-sha256/);
    });

    it("refuses a request without Authorization", async function () {
      const url = new URL("/identities?api-version=2023-10-01", sandbox.endpoint);
      const response = await rawRequest(sandbox, "POST", url, "{}", { "content-type": "application/json" });
      assert.equal(response.status, 401);
      assert.deepEqual(Object.keys((response.json() as { error: object }).error).sort(), ["code", "message"]);
    });
  });

  describe("chat Bearer tokens", function () {
    it("refuses an expired token", async function () {
      const user = await chatUser(sandbox);
      const expired = sandbox.issueToken(user.id, { lifetimeMs: -60_000 });
      const error = await restError(chatClient(sandbox, expired.token).createChatThread({ topic: "late" }));
      assert.equal(error.statusCode, 401);
      assert.deepEqual(JSON.parse(error.response?.bodyAsText ?? "null"), {
        error: { code: "Unauthorized", message: "Request is not authorized." }
      });
    });

    it("refuses a token whose signature was tampered with", async function () {
      const user = await chatUser(sandbox);
      const [header, payload, signature] = user.token.split(".");
      const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`;
      const error = await restError(chatClient(sandbox, forged).createChatThread({ topic: "forged" }));
      assert.equal(error.statusCode, 401);
    });

    it("refuses a token without the chat scope", async function () {
      const { token } = await identityClient(sandbox).createUserAndToken(["voip"]);
      const error = await restError(chatClient(sandbox, token).createChatThread({ topic: "voip only" }));
      assert.equal(error.statusCode, 401);
    });

    it("accepts a valid chat token", async function () {
      const user = await chatUser(sandbox);
      const created = await chatClient(sandbox, user.token).createChatThread({ topic: "fine" });
      assert.ok(created.chatThread?.id.startsWith("19:"));
    });
  });
});
