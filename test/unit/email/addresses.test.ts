import assert from "node:assert/strict";
import { formatAddresses, isEmailAddress, parseAddresses, parseSingleAddress, splitAddressList } from "../../../nodes/lib/email/addresses";
import { AcsError } from "../../../nodes/lib/core/errors";

describe("email addresses", function () {
  it("accepts ordinary and unusual but valid addresses", function () {
    for (const address of ["ana@example.com", "first.last+tag@sub.example.co.uk", "o'neil@example.org", "user@xn--bcher-kva.example", "jürgen@müller.de"]) {
      assert.equal(isEmailAddress(address), true, address);
    }
  });

  it("rejects texts that are not addresses", function () {
    for (const text of ["ana", "ana@", "@example.com", "ana@example", "ana@@example.com", "ana @example.com", "ana..b@example.com", "ana@-example.com", "ana@example.123", `${"a".repeat(65)}@example.com`]) {
      assert.equal(isEmailAddress(text), false, text);
    }
  });

  it("splits a text on commas, semicolons and line breaks, but not inside quotes or angle brackets", function () {
    assert.deepEqual(splitAddressList('a@x.com, "Doe, Jane" <jane@y.org>;b@z.net\nc@w.io;'), ["a@x.com", '"Doe, Jane" <jane@y.org>', "b@z.net", "c@w.io"]);
  });

  it("parses display names written as Name <address>, quoted or not", function () {
    assert.deepEqual(parseAddresses("to", 'Ana Lima <ana@example.com>, "Doe, Jane" <jane@example.org>, bob@example.net'), [
      { address: "ana@example.com", displayName: "Ana Lima" },
      { address: "jane@example.org", displayName: "Doe, Jane" },
      { address: "bob@example.net" },
    ]);
  });

  it("takes lists of texts and of {address, displayName}, and a single object", function () {
    assert.deepEqual(parseAddresses("cc", ["a@x.com; b@x.com", { address: "c@x.com", displayName: "C" }]), [
      { address: "a@x.com" },
      { address: "b@x.com" },
      { address: "c@x.com", displayName: "C" },
    ]);
    assert.deepEqual(parseAddresses("bcc", { address: " d@x.com " }), [{ address: "d@x.com" }]);
  });

  it("gives an empty list for empty values", function () {
    for (const value of [undefined, null, "", " , ; ", []]) assert.deepEqual(parseAddresses("to", value), []);
  });

  it("names the field, the position and the value of a bad address", function () {
    assert.throws(
      () => parseAddresses("to", ["ok@example.com", "bob@"]),
      (err: AcsError) => err instanceof AcsError && err.message === 'to[1]: "bob@" is not an email address (expected name@example.com or Name <name@example.com>)',
    );
    assert.throws(() => parseAddresses("cc", [42]), /cc\[0\]: 42 is not an address/);
    assert.throws(() => parseAddresses("bcc", { address: "x@" }), /bcc: "x@" is not an email address/);
  });

  it("wants exactly one address for a single-address field", function () {
    assert.deepEqual(parseSingleAddress("sender", "Shop <shop@example.com>"), { address: "shop@example.com", displayName: "Shop" });
    assert.equal(parseSingleAddress("sender", ""), undefined);
    assert.throws(() => parseSingleAddress("sender", "a@x.com, b@x.com"), /sender: "a@x.com, b@x.com" holds several addresses/);
  });

  it("formats bare addresses for msg.acs", function () {
    assert.equal(formatAddresses([{ address: "a@x.com", displayName: "A" }, { address: "b@x.com" }]), "a@x.com, b@x.com");
  });
});
