import assert from "node:assert/strict";
import { AcsError } from "../../../nodes/lib/core/errors";
import { MAX_RECIPIENTS_PER_MSG, parseRecipients, parseRegion, parseSender, toE164 } from "../../../nodes/lib/sms/phone-numbers";

async function rejectionKey(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof AcsError, `expected an AcsError, got ${String(err)}`);
    return err.key;
  }
  assert.fail("expected an error");
}

function errorKey(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof AcsError, `expected an AcsError, got ${String(err)}`);
    return err.key;
  }
  assert.fail("expected an error");
}

describe("phone numbers", () => {
  it("normalises international numbers written with spaces, dashes and brackets to E.164", () => {
    assert.equal(toE164("+1 (425) 555-0123", "to"), "+14255550123");
    assert.equal(toE164("+44 (0)7911 123456", "to"), "+447911123456");
  });

  it("accepts national numbers when a region is set", () => {
    assert.equal(toE164("(425) 555-0123", "to", parseRegion("us")), "+14255550123");
    assert.equal(toE164("06 12 34 56 78", "to", parseRegion("FR")), "+33612345678");
  });

  it("refuses a national number without a region, naming the field and the value", () => {
    assert.throws(() => toE164("(425) 555-0123", "to"), /^AcsError: to: "\(425\) 555-0123" is not a phone number \(expected E\.164/);
  });

  it("refuses numbers that are too short", () => {
    assert.throws(() => toE164("+1 425 555", "to"), /to: "\+1 425 555" is not a phone number/);
  });

  it("refuses a trunk prefix after the country code instead of silently dropping a digit", () => {
    assert.throws(() => toE164("+112345678901", "to"), /"\+112345678901" is not a phone number/);
    assert.throws(() => toE164("+44 07911 123456", "to"), /is not a phone number/);
  });

  it("names the region in the error when one is set", () => {
    assert.throws(() => toE164("12", "to", parseRegion("GB")), /a national number of region GB/);
  });

  it("refuses an unknown region code", () => {
    assert.equal(errorKey(() => parseRegion("XX")), "acs-sms.errors.badRegion");
    assert.equal(errorKey(() => parseRegion("USA")), "acs-sms.errors.badRegion");
    assert.equal(parseRegion(" "), undefined);
  });

  it("splits recipient lists on commas, semicolons and new lines and keeps their order", async () => {
    assert.deepEqual(await parseRecipients("+14255550123, +14255550124;+14255550125\n+14255550126"), [
      "+14255550123",
      "+14255550124",
      "+14255550125",
      "+14255550126",
    ]);
  });

  it("accepts arrays, including list strings inside them, and sends each number once", async () => {
    assert.deepEqual(await parseRecipients(["+14255550123", "+1 425 555 0124, +14255550123"]), ["+14255550123", "+14255550124"]);
  });

  it("refuses an empty recipient list", async () => {
    assert.equal(await rejectionKey(() => parseRecipients("")), "acs-sms.errors.noRecipients");
    assert.equal(await rejectionKey(() => parseRecipients(undefined)), "acs-sms.errors.noRecipients");
    assert.equal(await rejectionKey(() => parseRecipients([" , ;"])), "acs-sms.errors.noRecipients");
  });

  it("refuses recipients that are not text or numbers", async () => {
    assert.equal(await rejectionKey(() => parseRecipients({ phone: "+14255550123" })), "acs-sms.errors.notRecipientList");
    assert.equal(await rejectionKey(() => parseRecipients([{ phone: "+14255550123" }])), "acs-sms.errors.notRecipientList");
  });

  it("refuses more recipients than a msg may carry, before parsing them", async () => {
    const tooMany = Array.from({ length: MAX_RECIPIENTS_PER_MSG + 1 }, () => "not even a number");
    await assert.rejects(parseRecipients(tooMany), /^AcsError: to: 100001 recipients, over the limit of 100000 recipients per message/);
    await assert.rejects(parseRecipients("+14255550123,".repeat(300_000)), /to: a list of 3900000 characters, over the limit of 100000/);
  });

  it("names the bad entry of a list", async () => {
    await assert.rejects(parseRecipients("+14255550123, 555"), /to: "555" is not a phone number/);
  });

  it("tells senders apart: phone number, short code, alphanumeric id", () => {
    assert.deepEqual(parseSender("+1 800 555 0100"), { value: "+18005550100", kind: "phoneNumber" });
    assert.deepEqual(parseSender("12345"), { value: "12345", kind: "shortCode" });
    assert.deepEqual(parseSender("123 456"), { value: "123456", kind: "shortCode" });
    assert.deepEqual(parseSender("Contoso"), { value: "Contoso", kind: "alphanumeric" });
    assert.deepEqual(parseSender("Contoso 24"), { value: "Contoso 24", kind: "alphanumeric" });
  });

  it("refuses senders that are none of those", () => {
    for (const bad of ["Contoso Ltd.", "ContosoShop1", "1234", "+1 425 555", "Contöso"]) {
      assert.equal(errorKey(() => parseSender(bad)), "acs-sms.errors.badSender", bad);
    }
    assert.throws(() => parseSender("Contoso Ltd."), /from: "Contoso Ltd\." is not a sender \(expected a phone number/);
    assert.equal(errorKey(() => parseSender("")), "acs-config.errors.required");
    assert.equal(errorKey(() => parseSender(undefined)), "acs-config.errors.required");
  });
});
