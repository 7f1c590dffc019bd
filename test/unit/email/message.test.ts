import assert from "node:assert/strict";
import { attachmentsFrom, contentTypeOf } from "../../../nodes/lib/email/attachments";
import { buildEmailMessage, formatBytes, headersFrom, MAX_REQUEST_BYTES, requestBytes } from "../../../nodes/lib/email/message";
import { emailDraft as draft } from "../../helpers/email-draft";

describe("email attachments (node-red-node-email shape)", function () {
  it("encodes Buffer and string content in base64 and keeps the cid of an inline image", function () {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    assert.deepEqual(
      attachmentsFrom([
        { filename: "notes.txt", content: "héllo" },
        { filename: "logo.png", content: png, cid: "logo@shop" },
        { filename: "data.bin", content: "AAEC", encoding: "base64", contentType: "application/x-custom" },
      ]),
      [
        { name: "notes.txt", contentType: "text/plain", contentInBase64: Buffer.from("héllo").toString("base64") },
        { name: "logo.png", contentType: "image/png", contentInBase64: png.toString("base64"), contentId: "logo@shop" },
        { name: "data.bin", contentType: "application/x-custom", contentInBase64: "AAEC" },
      ],
    );
  });

  it("reads a Buffer that went through JSON and a contentId in angle brackets", function () {
    const [attachment] = attachmentsFrom({ contentId: "<img1>", content: { type: "Buffer", data: [1, 2, 3] } });
    assert.deepEqual(attachment, { name: "img1", contentType: "application/octet-stream", contentInBase64: "AQID", contentId: "img1" });
  });

  it("refuses attachments without a name, without content, or from a path", function () {
    assert.throws(() => attachmentsFrom([{ content: "x" }]), /attachments\[0\]: no filename/);
    assert.throws(() => attachmentsFrom([{ filename: "a.txt" }]), /attachments\[0\] \("a.txt"\): no content/);
    assert.throws(() => attachmentsFrom([{ filename: "a.txt", path: "/tmp/a.txt" }]), /from a file path are not supported/);
    assert.throws(() => attachmentsFrom(["a.txt"]), /attachments\[0\]: "a.txt" is not an attachment/);
    assert.throws(() => attachmentsFrom([{ filename: "a.txt", content: 42 }]), /neither a Buffer nor a string/);
  });

  it("guesses the content type from the file extension", function () {
    assert.equal(contentTypeOf("Report.PDF"), "application/pdf");
    assert.equal(contentTypeOf("photo.jpeg"), "image/jpeg");
    assert.equal(contentTypeOf("README"), "application/octet-stream");
  });
});

describe("email message", function () {
  it("builds the SDK message with text, html, recipients, reply-to, headers and tracking", function () {
    const message = buildEmailMessage(
      draft({
        sender: "Shop <shop@contoso.test>",
        html: "<p>It ships today.</p>",
        cc: [{ address: "cc@example.com" }],
        replyTo: [{ address: "help@contoso.test", displayName: "Help" }],
        headers: { "X-Campaign": "spring" },
        importance: "high",
        disableTracking: true,
      }),
    );
    assert.deepEqual(message, {
      senderAddress: "shop@contoso.test",
      content: { subject: "Your order", html: "<p>It ships today.</p>", plainText: "It ships today." },
      recipients: { to: [{ address: "ana@example.com" }], cc: [{ address: "cc@example.com" }] },
      headers: { "X-Campaign": "spring", Importance: "high", "X-Priority": "1" },
      replyTo: [{ address: "help@contoso.test", displayName: "Help" }],
      disableUserEngagementTracking: true,
    });
  });

  it("sends html alone when there is no plain text", function () {
    const message = buildEmailMessage(draft({ plainText: undefined, html: "<b>Hi</b>" }));
    assert.deepEqual(message.content, { subject: "Your order", html: "<b>Hi</b>" });
  });

  it("refuses a missing sender, subject, body or recipient with the field to fix", function () {
    assert.throws(() => buildEmailMessage(draft({ sender: "" })), /^AcsError: sender: required but empty/);
    assert.throws(() => buildEmailMessage(draft({ sender: "shop@" })), /sender: "shop@" is not an email address/);
    assert.throws(() => buildEmailMessage(draft({ subject: "  " })), /subject: required but empty \(set the subject, or msg.topic\)/);
    assert.throws(() => buildEmailMessage(draft({ plainText: "", html: undefined })), /body: required but empty/);
    assert.throws(() => buildEmailMessage(draft({ to: [] })), /to: no recipient/);
  });

  it("refuses more than 50 recipients across to, cc and bcc", function () {
    const many = (n: number, domain: string) => Array.from({ length: n }, (_, i) => ({ address: `r${i}@${domain}` }));
    assert.doesNotThrow(() => buildEmailMessage(draft({ to: many(20, "a.com"), cc: many(20, "b.com"), bcc: many(10, "c.com") })));
    assert.throws(() => buildEmailMessage(draft({ to: many(20, "a.com"), cc: many(20, "b.com"), bcc: many(11, "c.com") })), /to, cc, bcc: 51 recipients, more than the 50 one email may have/);
  });

  it("counts the size after base64 encoding and names the largest attachment", function () {
    // 7.6 MB raw is about 10.1 MB in base64: over the limit although the raw bytes are not.
    const big = Buffer.alloc(Math.ceil(7.6 * 1024 * 1024), 7);
    const attachments = attachmentsFrom([
      { filename: "small.txt", content: "x" },
      { filename: "video.mp4", content: big },
    ]);
    assert.throws(
      () => buildEmailMessage(draft({ attachments })),
      /attachments: the email is 10.1 MB after base64 encoding, over the 10 MB one request may carry \(largest attachment: "video.mp4", 10.1 MB\)/,
    );
    const fits = attachmentsFrom([{ filename: "photo.jpg", content: Buffer.alloc(7 * 1024 * 1024) }]);
    const message = buildEmailMessage(draft({ attachments: fits }));
    assert.ok(requestBytes(message) < MAX_REQUEST_BYTES);
  });

  it("refuses two inline images with one cid", function () {
    const attachments = attachmentsFrom([
      { filename: "a.png", content: "a", cid: "logo" },
      { filename: "b.png", content: "b", cid: "logo" },
    ]);
    assert.throws(() => buildEmailMessage(draft({ attachments })), /the cid "logo" is used by two attachments/);
  });

  it("reads headers from an object or JSON text and refuses anything else", function () {
    assert.deepEqual(headersFrom({ "X-Count": 3, "X-Flag": true, "X-None": null }), { "X-Count": "3", "X-Flag": "true" });
    assert.deepEqual(headersFrom('{"X-Campaign":"spring"}'), { "X-Campaign": "spring" });
    assert.deepEqual(headersFrom(""), {});
    assert.throws(() => headersFrom("not json"), /headers: "not json" is not a set of headers/);
    assert.throws(() => headersFrom({ "Bad Name": "x" }), /headers: "Bad Name" is not a header name/);
    assert.throws(() => headersFrom({ "X-Obj": { a: 1 } }), /headers.X-Obj: .* is not a header value/);
  });

  it("formats sizes for people", function () {
    assert.equal(formatBytes(10 * 1024 * 1024), "10 MB");
    assert.equal(formatBytes(13_066_608), "12.5 MB");
    assert.equal(formatBytes(900 * 1024), "900 KB");
  });
});
