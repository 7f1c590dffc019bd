import assert from "node:assert/strict";
import type { AcsSmsDeliveryReportReceivedEventData } from "@azure/eventgrid";
import { sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { WebhookReceiver } from "../emulator/eventgrid-webhook-receiver";
import { until } from "./acs-events-pull.fixture";
import { calls, configNode, FROM, loadSmsFlow, nextError, numbers, outputs, send, type AcsMsg } from "./acs-sms.fixture";

describe("acs-sms node", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));
  beforeEach(() => {
    sandbox.control.reset();
  });

  it("sends one SMS and reports it queued with its messageId, segments and correlation id", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Your parcel arrives today.", to: "+1 (425) 555-0123", correlationId: "order-42", contact: { email: "ann@example.com" } });
    const [msg] = await received;
    assert.equal(msg.payload, "Your parcel arrives today.", "the incoming msg is passed on");
    assert.deepEqual({ ...msg.acs, messageId: undefined }, {
      channel: "sms",
      operation: "send",
      status: "queued",
      to: "+14255550123",
      from: FROM,
      correlationId: "order-42",
      httpStatusCode: 202,
      segments: 1,
      encoding: "GSM-7",
      messageId: undefined,
    });
    const [record] = sandbox.control.sentSms();
    assert.equal(sandbox.control.sentSms().length, 1);
    assert.equal(msg.acs.messageId, record.messageId);
    assert.deepEqual({ from: record.from, to: record.to, message: record.message, tag: record.tag, report: record.enableDeliveryReport }, {
      from: FROM,
      to: "+14255550123",
      message: "Your parcel arrives today.",
      tag: "order-42",
      report: true,
    });
  });

  it("remembers each send in the correlation store, with the msg's contact details", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: "+14255550123", correlationId: "case-7", contact: { email: "ann@example.com" } });
    const [msg] = await received;
    const record = await configNode().resource.correlation.find(String(msg.acs.messageId));
    assert.deepEqual({ ...record, sentAt: undefined }, {
      channel: "sms",
      messageId: msg.acs.messageId,
      correlationId: "case-7",
      to: "+14255550123",
      from: FROM,
      contact: { email: "ann@example.com" },
      sentAt: undefined,
    });
  });

  it("generates a correlation id when the msg has none and sends it as the tag", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: "+14255550123" });
    const [msg] = await received;
    assert.match(String(msg.acs.correlationId), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(sandbox.control.sentSms()[0].tag, msg.acs.correlationId);
  });

  it("delivers the correlation id in the delivery report's tag", async () => {
    const receiver = new WebhookReceiver();
    try {
      const endpoint = await receiver.start();
      await sandbox.control.subscribe({ endpoint, includedEventTypes: ["Microsoft.Communication.SMSDeliveryReportReceived"] });
      const { sms, out } = await loadSmsFlow(sandbox);
      const received = outputs(sms, out, 1);
      send(sms, { payload: "Hi", to: "+14255550123", correlationId: "ticket-9" });
      const [msg] = await received;
      await receiver.waitForNotifications(1);
      const [event] = await receiver.eventGridEvents();
      const report = event.data as AcsSmsDeliveryReportReceivedEventData;
      assert.equal(report.tag, "ticket-9");
      assert.equal(report.messageId, msg.acs.messageId);
      assert.equal(report.deliveryStatus, "Delivered");
    } finally {
      for (const subscription of sandbox.control.subscriptions()) sandbox.control.unsubscribe(subscription.id);
      await receiver.close();
    }
  });

  it("asks for no delivery report when that option is off", async () => {
    const { sms, out } = await loadSmsFlow(sandbox, { sms: { deliveryReport: false } });
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: "+14255550123" });
    await received;
    assert.equal(sandbox.control.sentSms()[0].enableDeliveryReport, false);
  });

  it("sends one message per recipient: the incoming msg for the first, clones for the others", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 3);
    const original = { payload: "Meeting moved to 3 pm", to: "+14255550101; +14255550102\n+14255550103", topic: "meeting" };
    send(sms, original);
    const messages = await received;
    assert.deepEqual(messages.map((m) => m.acs.to), ["+14255550101", "+14255550102", "+14255550103"]);
    assert.equal(new Set(messages.map((m) => m.acs.messageId)).size, 3);
    assert.equal(new Set(messages).size, 3, "three distinct msg objects");
    assert.ok(messages.every((m) => m.topic === "meeting" && m.acs.correlationId === messages[0].acs.correlationId));
    assert.equal(messages[0]._msgid, messages[1]._msgid, "clones keep the msg id");
  });

  it("splits 250 recipients into three requests and keeps their order", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const recipients = numbers(250);
    const requestsBefore = sandbox.control.counters().requests;
    const received = outputs(sms, out, 250);
    send(sms, { payload: "Service notice", to: recipients });
    const messages = await received;
    assert.deepEqual(messages.map((m) => m.acs.to), recipients);
    assert.ok(messages.every((m) => m.acs.status === "queued"));
    assert.equal(sandbox.control.counters().requests - requestsBefore, 3);
    assert.deepEqual(sandbox.control.counters().throttled, {});
    const sent = sandbox.control.sentSms();
    assert.equal(sent.length, 250);
    assert.deepEqual(new Set(sent.map((r) => r.to)), new Set(recipients));
    const idsByNumber = new Map(sent.map((r) => [r.to, r.messageId]));
    assert.ok(messages.every((m) => idsByNumber.get(String(m.acs.to)) === m.acs.messageId), "each result carries its own recipient's messageId");
  });

  it("can output one message carrying every result, in input order", async () => {
    const { sms, out } = await loadSmsFlow(sandbox, { sms: { outputMode: "single" } });
    const recipients = numbers(120, 500);
    const received = outputs(sms, out, 1);
    const original = { payload: "Hi", to: recipients.join(",") };
    send(sms, original);
    const [msg] = await received;
    assert.equal(msg.acs.status, "queued");
    assert.equal(msg.acs.failed, 0);
    assert.deepEqual(msg.acs.to, recipients);
    assert.deepEqual(msg.acs.results?.map((r) => r.to), recipients);
    assert.ok(msg.acs.results?.every((r) => r.status === "queued" && typeof r.messageId === "string"));
  });

  it("reports UCS-2 and the number of segments for long non-GSM text", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Привет! ".repeat(10), to: "+14255550123" });
    const [msg] = await received;
    assert.equal(msg.acs.encoding, "UCS-2");
    assert.equal(msg.acs.segments, 2);
  });

  it("warns once per deploy about messages over 320 characters", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const warnings = calls<string>(sms, "warn");
    const received = outputs(sms, out, 2);
    send(sms, { payload: "a".repeat(321), to: "+14255550123" });
    send(sms, { payload: "b".repeat(400), to: "+14255550124" });
    await received;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /message: 321 characters \(3 GSM-7 segments\).*keep messages shorter/);
  });

  it("shows what is in flight and queued while sending, a few times a second at most, and clears the status when idle", async () => {
    // One SMS every 250 ms: the five take about a second, and change the counts three times each.
    const { sms, out } = await loadSmsFlow(sandbox, { config: { smsPerMinute: "240", smsMaxInFlight: "1" } });
    const statuses = calls<Record<string, unknown>>(sms, "status");
    const received = outputs(sms, out, 5);
    for (const to of numbers(5)) send(sms, { payload: "Hi", to });
    await received;
    await until("the status cleared", () => Object.keys(statuses.at(-1) ?? { busy: true }).length === 0);
    assert.ok(statuses.some((s) => /^sending [01], queued [1-4]$/.test(String(s.text))), JSON.stringify(statuses));
    assert.ok(statuses.length < 15, `the counts were drawn on every change: ${JSON.stringify(statuses)}`);
  });

  describe("refuses invalid input before sending anything", () => {
    const cases: { name: string; sms?: Record<string, unknown>; msg: Record<string, unknown>; error: RegExp }[] = [
      { name: "a recipient that is not a phone number", msg: { payload: "Hi", to: "+1 425 555" }, error: /^to: "\+1 425 555" is not a phone number \(expected E\.164/ },
      { name: "one bad number among good ones", msg: { payload: "Hi", to: ["+14255550123", "call me"] }, error: /^to: "call me" is not a phone number/ },
      { name: "no recipient", msg: { payload: "Hi" }, error: /^to: no recipient/ },
      { name: "a recipient object", msg: { payload: "Hi", to: { phone: "+14255550123" } }, error: /^to: \{"phone":"\+14255550123"\} is not a phone number or list/ },
      { name: "a national number without a region", msg: { payload: "Hi", to: "(425) 555-0123" }, error: /^to: "\(425\) 555-0123" is not a phone number .*set the region/ },
      { name: "an unknown region", sms: { defaultRegion: "XX" }, msg: { payload: "Hi", to: "+14255550123" }, error: /^defaultRegion: "XX" is not a region code/ },
      { name: "a sender that is no number, short code or sender id", sms: { from: "Contoso Ltd." }, msg: { payload: "Hi", to: "+14255550123" }, error: /^from: "Contoso Ltd\." is not a sender/ },
      { name: "an empty sender", sms: { from: "" }, msg: { payload: "Hi", to: "+14255550123" }, error: /^from: required but empty/ },
      { name: "an empty message", msg: { payload: "", to: "+14255550123" }, error: /^message: empty/ },
      { name: "a missing message", msg: { to: "+14255550123" }, error: /^message: empty/ },
      { name: "a message over 2048 characters", msg: { payload: "x".repeat(2049), to: "+14255550123" }, error: /^message: "x+\.\.\." has 2049 characters, over the limit of 2048/ },
      { name: "a correlation id (the SMS tag) over 256 characters", msg: { payload: "Hi", to: "+14255550123", correlationId: "c".repeat(5000) }, error: /^correlationId: "c+\.\.\." has 5000 characters, over the limit of 256 for the SMS tag/ },
    ];
    for (const testCase of cases) {
      it(testCase.name, async () => {
        const { sms } = await loadSmsFlow(sandbox, { sms: testCase.sms });
        const failure = nextError(sms);
        send(sms, testCase.msg);
        const { error, msg } = await failure;
        assert.match(error.message, testCase.error);
        assert.equal(msg.payload, testCase.msg.payload, "the Catch node gets the msg");
        assert.equal(sandbox.control.counters().requests, 0, "nothing reached the service");
      });
    }

    it("turns the node's ring red with a short reason", async () => {
      const { sms } = await loadSmsFlow(sandbox);
      const statuses = calls<Record<string, unknown>>(sms, "status");
      const failure = nextError(sms);
      send(sms, { payload: "Hi", to: "nobody" });
      await failure;
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(statuses.at(-1), { fill: "red", shape: "ring", text: 'to: "nobody" is not a phone number' });
    });

    it("names a missing connection", async () => {
      const { sms } = await loadSmsFlow(sandbox, { sms: { config: "" } });
      const failure = nextError(sms);
      send(sms, { payload: "Hi", to: "+14255550123" });
      assert.match((await failure).error.message, /^config: no ACS connection selected/);
    });
  });

  it("fails the message through done(err) when the service refuses the whole request", async () => {
    const wrongKey = Buffer.from("a-key-the-sandbox-does-not-know!").toString("base64");
    const { sms } = await loadSmsFlow(sandbox, { accessKey: wrongKey });
    const failure = nextError(sms);
    send(sms, { payload: "Hi", to: "+14255550123" });
    const { error, msg } = await failure;
    assert.match(error.message, /^send SMS failed: the service answered HTTP 401 \(/);
    assert.equal(msg.payload, "Hi");
    assert.doesNotMatch(error.message + JSON.stringify(msg), new RegExp(wrongKey.slice(0, 16)));
    assert.equal(sandbox.control.sentSms().length, 0);
  });

  it("keeps the access key out of errors and msgs", async () => {
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: "+14255550123" });
    const [msg] = await received;
    assert.doesNotMatch(JSON.stringify(msg as AcsMsg), new RegExp(sandbox.accessKey.slice(0, 16).replace(/[+/]/g, "\\$&")));
  });
});
