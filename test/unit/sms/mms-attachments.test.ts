import assert from "node:assert/strict";
import { AcsError } from "../../../nodes/lib/core/errors";
import { mmsAttachments, MMS_MAX_TOTAL_BYTES } from "../../../nodes/lib/sms/mms-attachments";

const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

function errorOf(run: () => unknown): AcsError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof AcsError);
    return err;
  }
  assert.fail("expected an error");
}

describe("mms attachments", () => {
  it("turns node-red-node-email attachments into base64 with their media type", () => {
    assert.deepEqual(mmsAttachments([{ filename: "map.png", content: png, contentType: "image/png" }]), [{ mimeType: "image/png", content: png.toString("base64") }]);
  });

  it("takes the type from the file name when contentType is missing", () => {
    assert.equal(mmsAttachments([{ filename: "photo.JPG", content: png }])[0].mimeType, "image/jpeg");
  });

  it("accepts base64 strings, JSON-serialised Buffers and a single attachment object", () => {
    assert.equal(mmsAttachments({ filename: "a.gif", content: png.toString("base64"), encoding: "base64" })[0].content, png.toString("base64"));
    assert.equal(mmsAttachments([{ filename: "a.gif", content: png.toJSON() }])[0].content, png.toString("base64"));
  });

  it("is empty when there are no attachments", () => {
    assert.deepEqual(mmsAttachments(undefined), []);
    assert.deepEqual(mmsAttachments([]), []);
  });

  it("refuses more than 10 attachments", () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ filename: `${i}.png`, content: png }));
    const err = errorOf(() => mmsAttachments(many));
    assert.equal(err.key, "acs-sms.errors.tooManyAttachments");
    assert.match(err.message, /^attachments: 11 attachments, over the MMS limit of 10/);
  });

  it("refuses a media type MMS cannot carry, naming the attachment", () => {
    const err = errorOf(() => mmsAttachments([{ filename: "ok.png", content: png }, { filename: "doc.pdf", content: png, contentType: "application/pdf" }]));
    assert.match(err.message, /^attachments\[1\]: "application\/pdf" is not a media type MMS can carry/);
  });

  it("refuses an attachment without content", () => {
    assert.equal(errorOf(() => mmsAttachments([{ filename: "empty.png", content: Buffer.alloc(0) }])).key, "acs-sms.errors.attachmentEmpty");
    assert.equal(errorOf(() => mmsAttachments([{ filename: "remote.png", path: "/etc/passwd" }])).key, "acs-sms.errors.attachmentEmpty");
  });

  it("refuses attachments over 1 MB in total", () => {
    const half = Buffer.alloc(MMS_MAX_TOTAL_BYTES / 2 + 1, 1);
    const err = errorOf(() => mmsAttachments([{ filename: "a.png", content: half }, { filename: "b.png", content: half }]));
    assert.equal(err.key, "acs-sms.errors.attachmentsTooLarge");
    assert.match(err.message, /over the MMS limit of 1048576 bytes/);
  });
});
