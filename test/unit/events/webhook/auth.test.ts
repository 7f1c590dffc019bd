import assert from "node:assert/strict";
import { presentedSecret, secretMatches } from "../../../../nodes/lib/events/webhook/auth";

describe("webhook secret", () => {
  it("takes the secret from ?code= first, then from the x-webhook-secret header", () => {
    assert.equal(presentedSecret(new URL("http://h/p?code=abc"), { "x-webhook-secret": "hdr" }), "abc");
    assert.equal(presentedSecret(new URL("http://h/p"), { "x-webhook-secret": "hdr" }), "hdr");
    assert.equal(presentedSecret(new URL("http://h/p?code="), {}), undefined);
    assert.equal(presentedSecret(new URL("http://h/p?other=1"), {}), undefined);
  });

  it("decodes a URL-encoded secret", () => {
    assert.equal(presentedSecret(new URL("http://h/p?code=a%2Bb%26c"), {}), "a+b&c");
  });

  it("matches only the exact secret", () => {
    assert.equal(secretMatches("s3cret", "s3cret"), true);
    assert.equal(secretMatches("s3cret", "s3cre"), false);
    assert.equal(secretMatches("s3cret", "s3cret "), false);
    assert.equal(secretMatches("s3cret", "S3CRET"), false);
    assert.equal(secretMatches("s3cret", "a much longer guess than the secret itself"), false);
  });

  it("matches against each secret in turn, whichever was checked last", () => {
    assert.equal(secretMatches("first", "first"), true);
    assert.equal(secretMatches("second", "first"), false);
    assert.equal(secretMatches("second", "second"), true);
    assert.equal(secretMatches("first", "second"), false);
  });

  it("never matches when either side is missing or empty", () => {
    assert.equal(secretMatches(undefined, "x"), false);
    assert.equal(secretMatches("", ""), false);
    assert.equal(secretMatches("x", undefined), false);
  });
});
