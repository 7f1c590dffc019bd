// MMS through the private-preview /telco-messaging API. No SDK covers it, so these tests sign their
// requests with HMAC as the SDKs do.

import assert from "node:assert/strict";
import { type RawResponse, type Sandbox, serviceSandboxPerSuite, signedRequest } from "./service-fixture";

const PATH = "/telco-messaging?api-version=2023-05-14-privatepreview";
const FROM = "+18005550100";
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").toString("base64");

function send(sandbox: Sandbox, body: unknown, accessKey?: string): Promise<RawResponse> {
  return signedRequest(sandbox, "POST", PATH, body, accessKey === undefined ? {} : { accessKey });
}

describe("sandbox MMS", function () {
  let sandbox: Sandbox;

  serviceSandboxPerSuite((started) => (sandbox = started), { quotas: { sms: { tollFree: null } } });
  beforeEach(function () {
    sandbox.control.reset();
  });

  it("sends a picture to two numbers: 202 with per-recipient results, recorded with its attachment", async function () {
    const response = await send(sandbox, {
      from: FROM,
      recipients: [{ to: "+14255550123" }, { to: "+112345678901" }],
      message: "Your receipt",
      attachments: [{ mimeType: "image/png", content: PNG }]
    });
    assert.equal(response.status, 202);
    const { value } = response.json() as { value: { to: string; httpStatusCode: number; successful: boolean; messageId?: string }[] };
    assert.deepEqual(value.map((v) => [v.to, v.httpStatusCode, v.successful]), [
      ["+14255550123", 202, true],
      ["+112345678901", 400, false]
    ]);
    const [mms] = sandbox.control.sentMms();
    assert.equal(mms.messageId, value[0].messageId);
    assert.deepEqual(mms.attachments, [{ mimeType: "image/png", content: PNG }]);
  });

  it("accepts 1000 characters and refuses 1001", async function () {
    const ok = await send(sandbox, { from: FROM, recipients: [{ to: "+14255550123" }], message: "x".repeat(1000) });
    assert.equal(ok.status, 202);
    const tooLong = await send(sandbox, { from: FROM, recipients: [{ to: "+14255550123" }], message: "x".repeat(1001) });
    assert.equal(tooLong.status, 400);
    assert.ok("Message" in (tooLong.json() as object));
  });

  it("refuses 101 recipients", async function () {
    const recipients = Array.from({ length: 101 }, (_, i) => ({ to: `+1425555${String(1000 + i)}` }));
    const response = await send(sandbox, { from: FROM, recipients, message: "hi" });
    assert.equal(response.status, 400);
    assert.equal(sandbox.control.sentMms().length, 0);
  });

  it("accepts 10 attachments and refuses 11", async function () {
    const attachments = (n: number): { mimeType: string; content: string }[] => Array.from({ length: n }, () => ({ mimeType: "image/png", content: PNG }));
    const ok = await send(sandbox, { from: FROM, recipients: [{ to: "+14255550123" }], attachments: attachments(10) });
    assert.equal(ok.status, 202);
    const tooMany = await send(sandbox, { from: FROM, recipients: [{ to: "+14255550123" }], attachments: attachments(11) });
    assert.equal(tooMany.status, 400);
  });

  it("refuses an attachment type outside the allow-list", async function () {
    const response = await send(sandbox, {
      from: FROM,
      recipients: [{ to: "+14255550123" }],
      attachments: [{ mimeType: "application/x-msdownload", content: PNG }]
    });
    assert.equal(response.status, 400);
    assert.match(response.text, /Unsupported attachment type/);
  });

  it("refuses attachments above 1 MB in total", async function () {
    const half = Buffer.alloc(600 * 1024, 1).toString("base64");
    const response = await send(sandbox, {
      from: FROM,
      recipients: [{ to: "+14255550123" }],
      attachments: [
        { mimeType: "image/jpeg", content: half },
        { mimeType: "image/jpeg", content: half }
      ]
    });
    assert.equal(response.status, 400);
    assert.match(response.text, /maximum total size/);
  });

  it("answers a wrong key with 401", async function () {
    const response = await send(sandbox, { from: FROM, recipients: [{ to: "+14255550123" }], message: "hi" }, Buffer.from("wrong").toString("base64"));
    assert.equal(response.status, 401);
    assert.deepEqual(response.json(), { error: { code: "Unauthorized", message: "" } });
  });
});
