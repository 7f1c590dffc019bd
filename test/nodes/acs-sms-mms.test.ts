import assert from "node:assert/strict";
import { sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { configNode, loadSmsFlow, nextError, numbers, outputs, send } from "./acs-sms.fixture";

// A 1x1 transparent PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

describe("acs-sms node: MMS (preview API)", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));
  beforeEach(() => {
    sandbox.control.reset();
    sandbox.control.setFaults({});
  });

  const mmsOn = { sms: { mms: true } };

  it("sends an MMS with an image from msg.attachments", async () => {
    const { sms, out } = await loadSmsFlow(sandbox, mmsOn);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Your boarding pass", to: "+14255550123", correlationId: "trip-1", attachments: [{ filename: "pass.png", content: PNG, contentType: "image/png" }] });
    const [msg] = await received;
    assert.equal(msg.acs.status, "queued");
    assert.equal(msg.acs.mms, true);
    assert.equal(msg.acs.attachments, 1);
    assert.equal(msg.acs.segments, undefined);
    const [record] = sandbox.control.sentMms();
    assert.equal(sandbox.control.sentMms().length, 1);
    assert.equal(sandbox.control.sentSms().length, 0);
    assert.equal(msg.acs.messageId, record.messageId);
    assert.deepEqual({ to: record.to, from: record.from, message: record.message, attachments: record.attachments }, {
      to: "+14255550123",
      from: "+18005550100",
      message: "Your boarding pass",
      attachments: [{ mimeType: "image/png", content: PNG.toString("base64") }],
    });
    assert.equal((await configNode().resource.correlation.find(record.messageId))?.correlationId, "trip-1");
  });

  it("sends an image without text", async () => {
    const { sms, out } = await loadSmsFlow(sandbox, mmsOn);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "", to: "+14255550123", attachments: [{ filename: "map.png", content: PNG }] });
    assert.equal((await received)[0].acs.status, "queued");
    assert.equal(sandbox.control.sentMms()[0].message, "");
  });

  it("sends plain SMS when MMS is off, whatever msg.attachments holds", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: "+14255550123", attachments: [{ filename: "map.png", content: PNG }] });
    await received;
    assert.equal(sandbox.control.sentSms().length, 1);
    assert.equal(sandbox.control.sentMms().length, 0);
  });

  it("splits 150 MMS recipients into two requests in order", async () => {
    const { sms, out } = await loadSmsFlow(sandbox, mmsOn);
    const recipients = numbers(150);
    const received = outputs(sms, out, 150);
    send(sms, { payload: "Hi", to: recipients, attachments: [{ filename: "a.png", content: PNG }] });
    const messages = await received;
    assert.deepEqual(messages.map((m) => m.acs.to), recipients);
    assert.equal(sandbox.control.sentMms().length, 150);
    assert.equal(sandbox.control.counters().requests, 2);
  });

  it("retries a lost MMS answer without sending twice", async () => {
    sandbox.control.setFaults({ dropConnections: { count: 1, channels: ["mms"] } });
    const { sms, out } = await loadSmsFlow(sandbox, mmsOn);
    const received = outputs(sms, out, 2);
    send(sms, { payload: "Hi", to: numbers(2), attachments: [{ filename: "a.png", content: PNG }] });
    const messages = await received;
    assert.equal(sandbox.control.counters().droppedConnections, 1);
    assert.equal(sandbox.control.sentMms().length, 2);
    assert.deepEqual(messages.map((m) => m.acs.status), ["queued", "queued"]);
    assert.deepEqual(new Set(messages.map((m) => m.acs.messageId)), new Set(sandbox.control.sentMms().map((r) => r.messageId)));
  });

  it("fails the msg with the service's reason when the whole MMS request is refused", async () => {
    const wrongKey = Buffer.from("a-key-the-sandbox-does-not-know!").toString("base64");
    const { sms } = await loadSmsFlow(sandbox, { ...mmsOn, accessKey: wrongKey });
    const failure = nextError(sms);
    send(sms, { payload: "Hi", to: "+14255550123", attachments: [{ filename: "a.png", content: PNG }] });
    const { error } = await failure;
    assert.match(error.message, /^send MMS failed: the service answered HTTP 401 \(Unauthorized\)/);
    assert.doesNotMatch(error.message, new RegExp(wrongKey.slice(0, 16)));
  });

  describe("refuses attachments over the MMS limits before sending", () => {
    const cases: { name: string; payload?: string; attachments: unknown; error: RegExp }[] = [
      {
        name: "more than 10 attachments",
        attachments: Array.from({ length: 11 }, (_, i) => ({ filename: `${i}.png`, content: PNG })),
        error: /^attachments: 11 attachments, over the MMS limit of 10/,
      },
      {
        name: "a document",
        attachments: [{ filename: "terms.pdf", content: PNG, contentType: "application/pdf" }],
        error: /^attachments\[0\]: "application\/pdf" is not a media type MMS can carry/,
      },
      {
        name: "more than 1 MB in total",
        attachments: [{ filename: "big.jpg", content: Buffer.alloc(1024 * 1024 + 1, 7) }],
        error: /^attachments: 1048577 bytes in total, over the MMS limit of 1048576 bytes/,
      },
      {
        name: "an attachment without content",
        attachments: [{ filename: "empty.png", content: Buffer.alloc(0) }],
        error: /^attachments\[0\]: "empty\.png" has no content/,
      },
      {
        name: "a text over 1000 characters",
        payload: "x".repeat(1001),
        attachments: [{ filename: "a.png", content: PNG }],
        error: /^message: "x+\.\.\." has 1001 characters, over the limit of 1000/,
      },
    ];
    for (const testCase of cases) {
      it(testCase.name, async () => {
        const { sms } = await loadSmsFlow(sandbox, mmsOn);
        const failure = nextError(sms);
        send(sms, { payload: testCase.payload ?? "Hi", to: "+14255550123", attachments: testCase.attachments });
        assert.match((await failure).error.message, testCase.error);
        assert.equal(sandbox.control.counters().requests, 0);
      });
    }
  });
});
