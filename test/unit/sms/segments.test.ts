import assert from "node:assert/strict";
import { smsSegments } from "../../../nodes/lib/sms/segments";

describe("sms segments", () => {
  it("fits 160 GSM-7 characters in one segment and splits at 153", () => {
    assert.deepEqual(smsSegments("a".repeat(160)), { encoding: "GSM-7", segments: 1, characters: 160 });
    assert.equal(smsSegments("a".repeat(161)).segments, 2);
    assert.equal(smsSegments("a".repeat(306)).segments, 2);
    assert.equal(smsSegments("a".repeat(307)).segments, 3);
  });

  it("counts GSM-7 extension characters as two septets", () => {
    assert.equal(smsSegments("€".repeat(80)).segments, 1);
    assert.equal(smsSegments("€".repeat(81)).segments, 2);
    assert.equal(smsSegments("{}".repeat(40) + "a").encoding, "GSM-7");
  });

  it("never splits an escaped character across two segments", () => {
    // 152 septets, then an extension character: it does not fit in the first part's last septet.
    assert.equal(smsSegments("a".repeat(152) + "€" + "a".repeat(10)).segments, 2);
    assert.equal(smsSegments("a".repeat(152) + "€" + "a".repeat(152)).segments, 3);
  });

  it("keeps accented Latin letters of the GSM alphabet in GSM-7", () => {
    assert.equal(smsSegments("Café à Paris, Müller, Ñandù, ß").encoding, "GSM-7");
    // ê is not in the GSM alphabet: the whole message becomes UCS-2.
    assert.equal(smsSegments("Fête").encoding, "UCS-2");
  });

  it("switches to UCS-2 for emoji and non-Latin text: 70 per segment, 67 when split", () => {
    assert.deepEqual(smsSegments("Привет".repeat(11) + "ab"), { encoding: "UCS-2", segments: 1, characters: 68 });
    assert.equal(smsSegments("ж".repeat(70)).segments, 1);
    assert.equal(smsSegments("ж".repeat(71)).segments, 2);
    assert.equal(smsSegments("ж".repeat(134)).segments, 2);
    assert.equal(smsSegments("Hello 👋").encoding, "UCS-2");
  });

  it("counts an emoji as two UTF-16 units and never splits it", () => {
    const text = "ж".repeat(66) + "👋" + "ж";
    assert.equal(text.length, 69);
    assert.equal(smsSegments(text).segments, 1);
    assert.equal(smsSegments("ж".repeat(66) + "👋" + "ж".repeat(5)).segments, 2);
  });
});
