import assert from "node:assert/strict";
import type { EventEmitter } from "node:events";
import acsConfig from "../../nodes/acs-config";
import type { AcsConfigNode } from "../../nodes/lib/node-red/config-node";
import { helper, type NodeModule } from "../helpers/node-red";
import { EventsHarness, TOPIC, cloudEvent, coreNode, eventGridEvent, post, smsDeliveryReport, type EventMsg } from "./acs-events.fixture";

const SECRET = "s3cret-for-tests-only";
const PATH = "/acs/events";
const SMS_REPORT = "Microsoft.Communication.SMSDeliveryReportReceived";
const SMS_RECEIVED = "Microsoft.Communication.SMSReceived";
const EMAIL_REPORT = "Microsoft.Communication.EmailDeliveryReportReceived";
const CHAT_RECEIVED = "Microsoft.Communication.ChatMessageReceived";

function eventsNode(props: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "events", type: "acs-events", path: PATH, wires: [["out"]], ...props };
}

/** Collects what reaches a helper node. */
function collected(id = "out"): EventMsg[] {
  const messages: EventMsg[] = [];
  helper.getNode(id).on("input", (msg: object) => messages.push(msg as EventMsg));
  return messages;
}

/** Node-RED delivers messages asynchronously: let them arrive. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

function logged(level: number, id = "events"): string[] {
  return helper
    .log()
    .args.filter(([entry]) => entry.level === level && entry.id === id)
    .map(([entry]) => String(entry.msg));
}

const WARN = 30;
const ERROR = 20;

describe("acs-events node: the webhook", function () {
  const harness = new EventsHarness();
  let functionNode: NodeModule;
  let delayNode: NodeModule;

  before(async () => {
    await harness.start();
    functionNode = coreNode("function/10-function.js");
    delayNode = coreNode("function/89-delay.js");
  });
  after(() => harness.stop());
  afterEach(() => helper.unload());

  async function load(props: Record<string, unknown> = {}, credentials: Record<string, object> = { events: { secret: SECRET } }, extra: Record<string, unknown>[] = []) {
    await harness.load([], [eventsNode(props), { id: "out", type: "helper" }, ...extra], credentials);
  }

  describe("events", () => {
    it("emits one message per event with the type, the data, the envelope and msg.acs", async () => {
      await load();
      const out = collected();
      const report = eventGridEvent(SMS_REPORT, smsDeliveryReport({ tag: "corr-42" }), "evt-1");
      const inbound = eventGridEvent(SMS_RECEIVED, { messageId: "in-1", from: "+15555550100", to: "+18005550100", message: "STOP", receivedTimestamp: new Date().toISOString() });
      const answer = await post(harness.url(PATH, SECRET), [report, inbound]);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { received: 2, emitted: 2, duplicates: 0, ignored: 0 });
      await settle();
      assert.equal(out.length, 2);
      const [delivered, received] = out;
      assert.equal(delivered.topic, SMS_REPORT);
      assert.deepEqual(delivered.payload, report.data);
      assert.deepEqual(delivered.event, { id: "evt-1", type: SMS_REPORT, source: TOPIC, subject: report.subject, time: report.eventTime, schema: "EventGrid", dataVersion: "1.0" });
      assert.equal(delivered.acs.channel, "sms");
      assert.equal(delivered.acs.status, "delivered");
      assert.equal(delivered.acs.messageId, "Outgoing_20240101_msg1");
      assert.equal(delivered.acs.from, "+18005550100");
      assert.equal(delivered.acs.to, "+15555550100");
      assert.equal(delivered.acs.correlationId, "corr-42");
      assert.equal(delivered.correlationId, "corr-42");
      assert.equal(received.acs.status, "received");
      assert.equal(received.payload.message, "STOP");
    });

    it("shows the count of events and the last type in its status", async () => {
      await load();
      const statuses: { text?: string }[] = [];
      (helper.getNode("events") as unknown as EventEmitter).on("call:status", (call: { args: [{ text?: string }] }) => statuses.push(call.args[0]));
      await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, smsDeliveryReport()), eventGridEvent(EMAIL_REPORT, { status: "Delivered" })]);
      assert.equal(statuses.at(-1)?.text, "2 events, last: EmailDeliveryReportReceived");
    });

    it("reads CloudEvents, single and batched", async () => {
      await load();
      const out = collected();
      const single = await post(harness.url(PATH, SECRET), cloudEvent(SMS_REPORT, smsDeliveryReport(), "ce-1"), { contentType: "application/cloudevents+json; charset=utf-8" });
      const batch = await post(harness.url(PATH, SECRET), [cloudEvent(SMS_RECEIVED, { messageId: "in-2" }, "ce-2"), cloudEvent(SMS_RECEIVED, { messageId: "in-3" }, "ce-3")], {
        contentType: "application/cloudevents-batch+json; charset=utf-8",
      });
      assert.equal(single.status, 200);
      assert.equal(batch.status, 200);
      await settle();
      assert.deepEqual(out.map((msg) => msg.event.id), ["ce-1", "ce-2", "ce-3"]);
      assert.equal(out[0].event.schema, "CloudEvents");
      assert.equal(out[0].event.source, TOPIC);
      assert.equal(out[0].acs.status, "delivered");
    });

    it("reads keys and values whatever their casing, as real samples differ", async () => {
      await load();
      const out = collected();
      const answer = await post(harness.url(PATH, SECRET), {
        specVersion: "1.0",
        Id: "ce-cased",
        Source: TOPIC,
        Type: "microsoft.communication.smsdeliveryreportreceived",
        Data: { MessageId: "m-cased", From: "+18005550100", To: "+15555550100", DeliveryStatus: "failed", DeliveryStatusDetails: "Handset off" },
      });
      assert.equal(answer.status, 200);
      await settle();
      assert.equal(out[0].topic, SMS_REPORT);
      assert.equal(out[0].acs.status, "failed");
      assert.equal(out[0].acs.messageId, "m-cased");
      assert.equal(out[0].acs.details, "Handset off");
    });

    it("passes event types it does not know through as other, without msg.acs fields it cannot know", async () => {
      await load({ outputMode: "perGroup", wires: [["sms"], ["email"], ["chat"], ["out"]] }, undefined, [
        { id: "sms", type: "helper" },
        { id: "email", type: "helper" },
        { id: "chat", type: "helper" },
      ]);
      const out = collected();
      const answer = await post(harness.url(PATH, SECRET), [eventGridEvent("Contoso.Orders.OrderShipped", { orderId: 7 })]);
      assert.equal(answer.status, 200);
      await settle();
      assert.equal(out.length, 1);
      assert.equal(out[0].topic, "Contoso.Orders.OrderShipped");
      assert.deepEqual(out[0].payload, { orderId: 7 });
      assert.deepEqual(out[0].acs, { operation: "event", eventType: "Contoso.Orders.OrderShipped" });
    });

    it("sends each group to its own output when asked to", async () => {
      await load({ outputMode: "perGroup", wires: [["sms"], ["email"], ["chat"], ["out"]] }, undefined, [
        { id: "sms", type: "helper" },
        { id: "email", type: "helper" },
        { id: "chat", type: "helper" },
      ]);
      const sms = collected("sms");
      const email = collected("email");
      const chat = collected("chat");
      const other = collected("out");
      await post(harness.url(PATH, SECRET), [
        eventGridEvent(SMS_REPORT, smsDeliveryReport()),
        eventGridEvent(EMAIL_REPORT, { messageId: "op", status: "Bounced" }),
        eventGridEvent(CHAT_RECEIVED, { messageId: "c1", threadId: "19:t@thread.v2" }),
        eventGridEvent("Microsoft.Communication.CallStarted", {}),
      ]);
      await settle();
      assert.deepEqual([sms.length, email.length, chat.length, other.length], [1, 1, 1, 1]);
      assert.equal(email[0].acs.status, "bounced");
      assert.equal(chat[0].acs.status, "received");
    });

    it("acknowledges event types that are not selected without emitting them", async () => {
      await load({ eventTypes: [SMS_REPORT] });
      const out = collected();
      const answer = await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_RECEIVED, {}), eventGridEvent("Contoso.Thing", {}), eventGridEvent(SMS_REPORT, smsDeliveryReport())]);
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { received: 3, emitted: 1, duplicates: 0, ignored: 2 });
      await settle();
      assert.deepEqual(out.map((msg) => msg.topic), [SMS_REPORT]);
    });

    it("emits an event id once, within a batch and across deliveries", async () => {
      await load();
      const out = collected();
      const event = eventGridEvent(SMS_REPORT, smsDeliveryReport(), "dup-1");
      const first = await post(harness.url(PATH, SECRET), [event, event]);
      const again = await post(harness.url(PATH, SECRET), [event]);
      assert.deepEqual(first.json, { received: 2, emitted: 1, duplicates: 1, ignored: 0 });
      assert.equal(again.status, 200, "a repeat is acknowledged");
      assert.deepEqual(again.json, { received: 1, emitted: 0, duplicates: 1, ignored: 0 });
      await settle();
      assert.equal(out.length, 1);
    });

    it("still knows the events it emitted after a redeploy of the node", async () => {
      await load();
      const event = eventGridEvent(SMS_REPORT, smsDeliveryReport());
      assert.deepEqual((await post(harness.url(PATH, SECRET), [event])).json, { received: 1, emitted: 1, duplicates: 0, ignored: 0 });
      await helper.setFlows([eventsNode({ name: "renamed" }), { id: "out", type: "helper" }], "full", { events: { secret: SECRET } });
      assert.deepEqual((await post(harness.url(PATH, SECRET), [event])).json, { received: 1, emitted: 0, duplicates: 1, ignored: 0 });
    });

    /** Posts one event with this id; true when it was emitted, false when it was a known repeat. */
    async function emitted(id: string): Promise<boolean> {
      const answer = (await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, smsDeliveryReport(), id)])).json as { emitted: number };
      return answer.emitted === 1;
    }

    it("lets a repeat through once it has left a custom small window", async () => {
      await load({ dedupeIds: "2", dedupeMinutes: "60" });
      const out = collected();
      for (const id of ["w-1", "w-2"]) assert.equal(await emitted(id), true);
      assert.equal(await emitted("w-1"), false, "w-1 is in the window of 2 ids");
      assert.equal(await emitted("w-3"), true); // the window is full: w-1 leaves it
      assert.equal(await emitted("w-1"), true, "w-1 left the window and reaches the flow again");
      assert.equal(await emitted("w-3"), false);
      await settle();
      assert.deepEqual(out.map((msg) => msg.event.id), ["w-1", "w-2", "w-3", "w-1"]);
    });

    it("applies a changed window on redeploy, keeping the newest ids that fit", async () => {
      await load({ dedupeIds: "10" });
      for (const id of ["r-1", "r-2", "r-3"]) assert.equal(await emitted(id), true);
      await helper.setFlows([eventsNode({ dedupeIds: "2" }), { id: "out", type: "helper" }], "full", { events: { secret: SECRET } });
      assert.equal(await emitted("r-3"), false, "the newest ids are still known");
      assert.equal(await emitted("r-2"), false);
      assert.equal(await emitted("r-1"), true, "the oldest did not fit in the smaller window");
      assert.equal(await emitted("r-2"), true, "the window now holds 2 ids: r-1 and r-3 pushed r-2 out");
    });

    it("refuses a window setting out of range at deploy, naming the field", async () => {
      await load({ dedupeIds: "0" });
      assert.ok(logged(ERROR).some((line) => line.includes('dedupeIds: "0" is not a whole number from 1 to 1000000')), logged(ERROR).join("\n"));
      await helper.unload();
      await load({ dedupeMinutes: "20000" });
      assert.ok(logged(ERROR).some((line) => line.includes('dedupeMinutes: "20000" is not a whole number from 1 to 10080')), logged(ERROR).join("\n"));
      assert.equal((await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, smsDeliveryReport())])).status, 404, "the node does not listen");
    });
  });

  describe("correlation", () => {
    const connectionString = `endpoint=https://127.0.0.1:1/;accesskey=${Buffer.from("k".repeat(32)).toString("base64")}`;

    async function loadWithConfig() {
      await harness.load([acsConfig], [{ id: "acs", type: "acs-config", authMode: "connectionString" }, eventsNode({ config: "acs" }), { id: "out", type: "helper" }], {
        acs: { connectionString },
        events: { secret: SECRET },
      });
      return (helper.getNode("acs") as unknown as AcsConfigNode).resource.correlation;
    }

    it("attaches what the send recorded: msg.acs.sent, the correlationId and the contact", async () => {
      const correlation = await loadWithConfig();
      const contact = { email: "ada@example.com", chatUserId: "8:acs:ada" };
      correlation.remember({ channel: "email", messageId: "op-1", correlationId: "order-17", to: "ada@example.com", from: "no-reply@contoso.com", sentAt: Date.now(), contact });
      const out = collected();
      await post(harness.url(PATH, SECRET), [eventGridEvent(EMAIL_REPORT, { messageId: "op-1", sender: "no-reply@contoso.com", recipient: "ada@example.com", status: "Bounced" })]);
      await settle();
      assert.equal(out[0].acs.status, "bounced");
      assert.equal(out[0].acs.correlationId, "order-17");
      assert.equal(out[0].correlationId, "order-17");
      assert.deepEqual(out[0].acs.sent?.contact, contact);
      assert.deepEqual(out[0].contact, contact);
    });

    it("prefers the SMS tag for the correlationId and still attaches the record", async () => {
      const correlation = await loadWithConfig();
      correlation.remember({ channel: "sms", messageId: "sms-1", correlationId: "stored", to: "+15555550100", sentAt: Date.now() });
      const out = collected();
      await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, smsDeliveryReport({ messageId: "sms-1", tag: "tagged" }))]);
      await settle();
      assert.equal(out[0].acs.correlationId, "tagged");
      assert.equal(out[0].acs.sent?.to, "+15555550100");
    });

    it("emits events without correlation when no connection is selected", async () => {
      await load();
      const out = collected();
      await post(harness.url(PATH, SECRET), [eventGridEvent(EMAIL_REPORT, { messageId: "op-1", status: "Delivered" })]);
      await settle();
      assert.equal(out[0].acs.status, "delivered");
      assert.equal(out[0].acs.sent, undefined);
      assert.equal(out[0].acs.correlationId, undefined);
    });
  });

  describe("security and bad input", () => {
    it("accepts the secret in the x-webhook-secret header", async () => {
      await load();
      const answer = await post(harness.url(PATH), [eventGridEvent(SMS_REPORT, smsDeliveryReport())], { headers: { "x-webhook-secret": SECRET } });
      assert.equal(answer.status, 200);
    });

    it("answers 401 to a wrong or missing secret, emits nothing and never logs the secret", async () => {
      await load();
      const out = collected();
      const body = [eventGridEvent(SMS_REPORT, smsDeliveryReport())];
      const wrong = await post(harness.url(PATH, "guess"), body);
      const missing = await post(harness.url(PATH), body);
      const wrongHeader = await post(harness.url(PATH), body, { headers: { "x-webhook-secret": `${SECRET}x` } });
      assert.deepEqual([wrong.status, missing.status, wrongHeader.status], [401, 401, 401]);
      assert.deepEqual((wrong.json as { error: { code: string } }).error.code, "unauthorized");
      await settle();
      assert.equal(out.length, 0);
      assert.equal(logged(WARN).length, 1, "one warning a minute, however many are refused");
      assert.doesNotMatch(JSON.stringify(helper.log().args), new RegExp(SECRET));
      assert.doesNotMatch(JSON.stringify(wrong.json), new RegExp(SECRET));
    });

    it("answers 401 to the OPTIONS handshake without the secret", async () => {
      await load();
      const response = await fetch(harness.url(PATH), { method: "OPTIONS", headers: { "WebHook-Request-Origin": "eventgrid.azure.net" } });
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("webhook-allowed-origin"), null);
    });

    it("reads a secret written as ${ENV_VAR} from the environment", async () => {
      process.env.ACS_EVENTS_TEST_SECRET = "from-the-environment";
      try {
        await load({}, { events: { secret: "${ACS_EVENTS_TEST_SECRET}" } });
        assert.equal((await post(harness.url(PATH, "from-the-environment"), [eventGridEvent(SMS_REPORT, {})])).status, 200);
        assert.equal((await post(harness.url(PATH, "${ACS_EVENTS_TEST_SECRET}"), [eventGridEvent(SMS_REPORT, {})])).status, 401);
      } finally {
        delete process.env.ACS_EVENTS_TEST_SECRET;
      }
    });

    it("refuses every request, and says why, when the secret is required but empty", async () => {
      await load({}, {});
      assert.equal((await post(harness.url(PATH), [eventGridEvent(SMS_REPORT, {})])).status, 401);
      assert.equal((await post(harness.url(PATH, "anything"), [eventGridEvent(SMS_REPORT, {})])).status, 401);
      assert.match(logged(ERROR).join("\n"), /secret: required but empty/);
    });

    it("accepts requests without a secret when the node does not require one", async () => {
      await load({ requireSecret: false }, {});
      assert.equal((await post(harness.url(PATH), [eventGridEvent(SMS_REPORT, {})])).status, 200);
    });

    it("answers 400 with the reason to malformed JSON, and warns", async () => {
      await load();
      const answer = await post(harness.url(PATH, SECRET), '[{"id": "e1", ');
      assert.equal(answer.status, 400);
      const error = (answer.json as { error: { code: string; message: string } }).error;
      assert.equal(error.code, "badJson");
      assert.match(error.message, /^body is not valid JSON \(.+\)$/);
      assert.match(logged(WARN)[0], /HTTP 400: body is not valid JSON/);
    });

    it("writes one warning a minute however many requests are refused, with the count, control characters escaped", async () => {
      await load();
      // The parser's message quotes the body: a NUL and a line break a sender put there.
      assert.equal((await post(harness.url(PATH, SECRET), "\u0000\r\nFORGED LOG LINE")).status, 400);
      for (let i = 0; i < 20; i++) assert.equal((await post(harness.url(PATH, "wrong"), [eventGridEvent(SMS_REPORT, {})])).status, 401);
      assert.equal(logged(WARN).length, 1);
      assert.match(logged(WARN)[0], /HTTP 400: body is not valid JSON/);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(logged(WARN)[0], /[\u0000-\u0008\u000A-\u001F]/);
    });

    it("answers 400 to a CloudEvent with an empty id", async () => {
      await load();
      const event = { specversion: "1.0", id: "", source: "/acs", type: "Microsoft.Communication.SMSReceived", data: { messageId: "m", from: "+14255550123", to: "+18005550100", message: "hi" } };
      const answer = await post(harness.url(PATH, SECRET), [event], { contentType: "application/cloudevents-batch+json" });
      assert.equal(answer.status, 400);
      assert.match((answer.json as { error: { message: string } }).error.message, /id is empty/);
    });

    it("answers 415 to a body that is not JSON", async () => {
      await load();
      const answer = await post(harness.url(PATH, SECRET), "id=1&type=x", { contentType: "application/x-www-form-urlencoded" });
      assert.equal(answer.status, 415);
      assert.match((answer.json as { error: { message: string } }).error.message, /application\/x-www-form-urlencoded/);
    });

    it("answers 400 to JSON that is not an event or a list of events", async () => {
      await load();
      for (const body of ["42", '"text"', "[]", "[1, 2]", "null"]) {
        const answer = await post(harness.url(PATH, SECRET), body);
        assert.equal(answer.status, 400, body);
      }
    });

    it("answers 400 naming the missing field, and emits none of the batch", async () => {
      await load();
      const out = collected();
      const incomplete = eventGridEvent(SMS_REPORT, {});
      delete incomplete.eventType;
      const answer = await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, smsDeliveryReport()), incomplete]);
      assert.equal(answer.status, 400);
      assert.match((answer.json as { error: { message: string } }).error.message, /^event 2 is not a valid event: .*eventType/);
      const noId = cloudEvent(SMS_REPORT, {});
      delete noId.id;
      assert.equal((await post(harness.url(PATH, SECRET), noId)).status, 400);
      await settle();
      assert.equal(out.length, 0);
    });

    it("answers 413 to a body over the size limit", async () => {
      await load({ maxBodyKb: 4 });
      const out = collected();
      const big = [eventGridEvent(SMS_RECEIVED, { message: "x".repeat(8 * 1024) })];
      const answer = await post(harness.url(PATH, SECRET), big);
      assert.equal(answer.status, 413);
      assert.match((answer.json as { error: { message: string } }).error.message, /larger than 4 KB/);
      const fits = await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_RECEIVED, { message: "x".repeat(1024) })]);
      assert.equal(fits.status, 200);
      await settle();
      assert.equal(out.length, 1);
    });

    it("answers 413 to a chunked body that grows past the limit", async () => {
      await load({ maxBodyKb: 1 });
      const parts = ['[{"id":"e","data":"', "y".repeat(4096), '"}]'];
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
          controller.close();
        },
      });
      const response = await fetch(harness.url(PATH, SECRET), { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
      assert.equal(response.status, 413);
    });
  });

  describe("validation handshakes", () => {
    it("answers the Event Grid SubscriptionValidationEvent with its validationResponse, without emitting it", async () => {
      await load();
      const out = collected();
      const validation = eventGridEvent("Microsoft.EventGrid.SubscriptionValidationEvent", { validationCode: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", validationUrl: "https://example.invalid/validate" });
      const answer = await post(harness.url(PATH, SECRET), [validation], { headers: { "aeg-event-type": "SubscriptionValidation" } });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { validationResponse: "512d38b6-c7b8-40c8-89fe-f46f9e9622b6" });
      await settle();
      assert.equal(out.length, 0);
    });

    it("answers the CloudEvents OPTIONS request with WebHook-Allowed-Origin and WebHook-Allowed-Rate", async () => {
      await load();
      const response = await fetch(harness.url(PATH, SECRET), { method: "OPTIONS", headers: { "WebHook-Request-Origin": "eventgrid.azure.net", "WebHook-Request-Rate": "120" } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("webhook-allowed-origin"), "eventgrid.azure.net");
      assert.equal(response.headers.get("webhook-allowed-rate"), "*");
      assert.match(response.headers.get("allow") ?? "", /POST/);
    });
  });

  describe("routes", () => {
    it("serves several nodes on different paths", async () => {
      await harness.load(
        [],
        [eventsNode({ id: "a", path: "/hooks/a", wires: [["outA"]] }), eventsNode({ id: "b", path: "hooks/b", wires: [["outB"]] }), { id: "outA", type: "helper" }, { id: "outB", type: "helper" }],
        { a: { secret: "secret-a" }, b: { secret: "secret-b" } },
      );
      const a = collected("outA");
      const b = collected("outB");
      assert.equal((await post(harness.url("/hooks/a", "secret-a"), [eventGridEvent(SMS_REPORT, {})])).status, 200);
      assert.equal((await post(harness.url("/hooks/b", "secret-b"), [eventGridEvent(SMS_REPORT, {}), eventGridEvent(SMS_REPORT, {})])).status, 200);
      assert.equal((await post(harness.url("/hooks/b", "secret-a"), [eventGridEvent(SMS_REPORT, {})])).status, 401, "each path has its own secret");
      await settle();
      assert.deepEqual([a.length, b.length], [1, 2]);
    });

    it("refuses a second node on a path already in use", async () => {
      await harness.load([], [eventsNode({ id: "a" }), eventsNode({ id: "b", path: `${PATH}/` }), { id: "out", type: "helper" }], { a: { secret: SECRET }, b: { secret: SECRET } });
      const errors = [...logged(ERROR, "a"), ...logged(ERROR, "b")];
      assert.equal(errors.length, 1);
      assert.match(errors[0], /path: "\/acs\/events" is already used by another acs-events node/);
      assert.equal((await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, {})])).status, 200);
    });

    it("refuses a path holding route syntax", async () => {
      await load({ path: "/acs/:id" });
      assert.match(logged(ERROR).join("\n"), /path: "\/acs\/:id" is not a webhook path/);
    });

    it("removes its route when stopped and adds it again, once, on redeploy", async () => {
      const flow = [eventsNode(), { id: "out", type: "helper" }];
      await harness.load([], flow, { events: { secret: SECRET } });
      await helper.setFlows([eventsNode({ path: "/acs/moved" }), { id: "out", type: "helper" }], "full", { events: { secret: SECRET } });
      assert.equal((await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, {})])).status, 404, "the old path is gone");
      await helper.setFlows([eventsNode(), { id: "out", type: "helper" }], "full", { events: { secret: SECRET } });
      await helper.setFlows([eventsNode({ name: "renamed" }), { id: "out", type: "helper" }], "full", { events: { secret: SECRET } });
      const out = collected();
      assert.equal((await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, {})])).status, 200);
      await settle();
      assert.equal(out.length, 1, "one route, one message");
      await helper.unload();
      assert.equal((await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, {})])).status, 404);
      const options = await fetch(harness.url(PATH, SECRET), { method: "OPTIONS", headers: { "WebHook-Request-Origin": "eventgrid.azure.net" } });
      assert.equal(options.headers.get("webhook-allowed-origin"), null, "nothing of the node is left in front of the admin app");
    });
  });

  describe("acknowledge when the flow has finished", () => {
    const functionOf = (id: string, func: string, wires: string[][] = [["out"]]) => ({ id, type: "function", func, outputs: 1, noerr: 0, wires });

    it("answers after every node the messages reach has finished", async () => {
      await harness.load(
        [functionNode],
        [
          eventsNode({ ackMode: "afterFlow", wires: [["slow"]] }),
          functionOf("slow", "setTimeout(() => { global.set('finished', (global.get('finished') || 0) + 1); node.send(msg); node.done(); }, 150);"),
          { id: "out", type: "helper" },
        ],
        { events: { secret: SECRET } },
      );
      const slow = helper.getNode("slow") as unknown as { context(): { global: { get(key: string): unknown } } };
      const answer = await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, {}), eventGridEvent(SMS_RECEIVED, {})]);
      assert.equal(answer.status, 200);
      assert.equal(slow.context().global.get("finished"), 2, "both messages were finished with before the answer");
    });

    it("answers 500 when a node fails with the message, and emits the redelivery again", async () => {
      await harness.load(
        [functionNode],
        [
          eventsNode({ ackMode: "afterFlow", wires: [["flaky"]] }),
          functionOf("flaky", "const n = (context.get('n') || 0) + 1; context.set('n', n); if (n === 1) throw new Error('database down'); return msg;"),
          { id: "out", type: "helper" },
        ],
        { events: { secret: SECRET } },
      );
      const out = collected();
      const event = eventGridEvent(SMS_REPORT, smsDeliveryReport(), "retry-me");
      const first = await post(harness.url(PATH, SECRET), [event]);
      assert.equal(first.status, 500);
      assert.match((first.json as { error: { message: string } }).error.message, /database down/);
      const second = await post(harness.url(PATH, SECRET), [event]);
      assert.equal(second.status, 200);
      assert.deepEqual(second.json, { received: 1, emitted: 1, duplicates: 0, ignored: 0 });
      await settle();
      assert.equal(out.length, 1);
    });

    it("answers 500 when the flow takes longer than the timeout", async () => {
      await harness.load([delayNode], [eventsNode({ ackMode: "afterFlow", ackTimeout: 1, wires: [["hold"]] }), { id: "hold", type: "delay", pauseType: "delay", timeout: "20", timeoutUnits: "seconds", wires: [["out"]] }, { id: "out", type: "helper" }], {
        events: { secret: SECRET },
      });
      const answer = await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, {})]);
      assert.equal(answer.status, 500);
      assert.match((answer.json as { error: { message: string } }).error.message, /did not finish with the events within 1 s/);
    });

    it("answers at once, whatever the flow does, by default", async () => {
      await harness.load([delayNode], [eventsNode({ wires: [["hold"]] }), { id: "hold", type: "delay", pauseType: "delay", timeout: "20", timeoutUnits: "seconds", wires: [["out"]] }, { id: "out", type: "helper" }], {
        events: { secret: SECRET },
      });
      assert.equal((await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, {})])).status, 200);
    });

    it("answers 500 to requests still waiting when the node stops", async () => {
      await harness.load([delayNode], [eventsNode({ ackMode: "afterFlow", wires: [["hold"]] }), { id: "hold", type: "delay", pauseType: "delay", timeout: "20", timeoutUnits: "seconds", wires: [["out"]] }, { id: "out", type: "helper" }], {
        events: { secret: SECRET },
      });
      const pending = post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, {})]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await helper.unload();
      const answer = await pending;
      assert.equal(answer.status, 500);
      assert.match((answer.json as { error: { message: string } }).error.message, /stopped before the flow finished/);
    });
  });
});

describe("acs-events node: httpNode served on its own (Node-RED embedded without a shared root app)", function () {
  const harness = new EventsHarness("bare");
  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => helper.unload());

  beforeEach(() => harness.load([], [eventsNode(), { id: "out", type: "helper" }], { events: { secret: SECRET } }));

  it("answers the OPTIONS handshake on its own route", async () => {
    const response = await fetch(harness.url(PATH, SECRET), { method: "OPTIONS", headers: { "WebHook-Request-Origin": "eventgrid.azure.net" } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("webhook-allowed-origin"), "eventgrid.azure.net");
  });

  it("checks the secret, the size and the JSON itself", async () => {
    assert.equal((await post(harness.url(PATH, "wrong"), [eventGridEvent(SMS_REPORT, {})])).status, 401);
    assert.equal((await post(harness.url(PATH, SECRET), "[{")).status, 400);
    assert.equal((await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_RECEIVED, { message: "x".repeat(1100 * 1024) })])).status, 413);
    const out = collected();
    assert.equal((await post(harness.url(PATH, SECRET), [eventGridEvent(SMS_REPORT, smsDeliveryReport())])).status, 200);
    await settle();
    assert.equal(out.length, 1);
  });
});
