import assert from "node:assert/strict";
import { AcsError, fieldError, serviceError } from "../../../nodes/lib/core/errors";

describe("errors", () => {
  it("names the field, the value and the problem in en-US text", () => {
    const err = fieldError("acs-config.errors.badEndpoint", "endpoint", "ftp://x");
    assert.ok(err instanceof AcsError);
    assert.equal(err.message, 'endpoint: "ftp://x" is not an endpoint URL (expected https://<resource>.communication.azure.com)');
  });

  it("keeps only status, code and message of an SDK error, never its request", () => {
    const restError = Object.assign(new Error('{"error":{"code":"Unauthorized","message":""}}'), {
      statusCode: 401,
      request: { headers: { authorization: "HMAC-SHA256 Signature=SECRET" } },
    });
    const err = serviceError(restError, "send SMS");
    assert.equal(err.message, "send SMS failed: the service answered HTTP 401 (Unauthorized)");
    assert.equal(err.statusCode, 401);
    assert.equal(err.code, "Unauthorized");
    assert.doesNotMatch(JSON.stringify(err) + err.message, /SECRET/);
  });

  it("describes a network failure by its code", () => {
    const err = serviceError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), "send email");
    assert.equal(err.message, "send email failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1");
  });
});
