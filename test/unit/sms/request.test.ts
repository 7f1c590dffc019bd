import assert from "node:assert/strict";
import { prepareSms } from "../../../nodes/lib/sms/request";

const png = Buffer.from("89504e470d0a1a0a", "hex");

describe("sms request checks", () => {
  it("prepares an SMS with its sender, recipients and segments", async () => {
    const sms = await prepareSms({ from: "+1 800 555 0100", to: "+14255550123", message: "Hello", mms: false });
    assert.deepEqual(sms, { from: { value: "+18005550100", kind: "phoneNumber" }, to: ["+14255550123"], message: "Hello", segments: { encoding: "GSM-7", segments: 1, characters: 5 } });
  });

  it("uses the region for national recipients and senders", async () => {
    const sms = await prepareSms({ from: "0800 123 4567", to: "07911 123456", message: "Hi", defaultRegion: "GB", mms: false });
    assert.equal(sms.from.value, "+448001234567");
    assert.deepEqual(sms.to, ["+447911123456"]);
  });

  it("refuses an empty message", async () => {
    await assert.rejects(prepareSms({ from: "12345", to: "+14255550123", message: "  ", mms: false }), /^AcsError: message: empty/);
    await assert.rejects(prepareSms({ from: "12345", to: "+14255550123", mms: false }), /message: empty/);
  });

  it("refuses a message over 2048 characters, naming its length", async () => {
    await assert.rejects(prepareSms({ from: "12345", to: "+14255550123", message: "x".repeat(2049), mms: false }), /message: "x+\.\.\." has 2049 characters, over the limit of 2048/);
    await assert.doesNotReject(prepareSms({ from: "12345", to: "+14255550123", message: "x".repeat(2048), mms: false }));
  });

  it("sends as MMS only when MMS is on and there are attachments", async () => {
    const attachments = [{ filename: "a.png", content: png }];
    assert.equal((await prepareSms({ from: "12345", to: "+14255550123", message: "Hi", mms: false, attachments })).attachments, undefined);
    assert.equal((await prepareSms({ from: "12345", to: "+14255550123", message: "Hi", mms: true, attachments: [] })).attachments, undefined);
    const mms = await prepareSms({ from: "12345", to: "+14255550123", message: "", mms: true, attachments });
    assert.equal(mms.attachments?.length, 1);
    assert.equal(mms.segments, undefined);
  });

  it("limits an MMS text to 1000 characters", async () => {
    const attachments = [{ filename: "a.png", content: png }];
    await assert.rejects(prepareSms({ from: "12345", to: "+14255550123", message: "x".repeat(1001), mms: true, attachments }), /over the limit of 1000/);
  });

  it("checks the region before anything else", async () => {
    await assert.rejects(prepareSms({ from: "bad sender!", to: "nope", message: "", defaultRegion: "ZZ", mms: false }), /defaultRegion: "ZZ" is not a region code/);
  });
});
