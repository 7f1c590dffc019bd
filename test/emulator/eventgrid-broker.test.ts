// The Event Grid broker against a real webhook receiver on 127.0.0.1: handshakes of both schemas,
// filters, batching, headers, retries, dead letters, duplicates, TLS with a CA, and clean shutdown.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { generate } from "selfsigned";
import { Clock } from "../../emulator/state/clock";
import { EventGridBroker, defaultTopic } from "../../emulator/eventgrid";
import type { EventGridEventShape, SubscriptionOptions } from "../../emulator/eventgrid";
import { WebhookReceiver, until } from "./eventgrid-webhook-receiver";

function sampleEvent(eventType = "Microsoft.Communication.SMSReceived", subject = "/phonenumber/18005550100"): EventGridEventShape {
  return {
    id: randomUUID(),
    topic: defaultTopic,
    subject,
    eventType,
    eventTime: new Date().toISOString(),
    dataVersion: "1.0",
    metadataVersion: "1",
    data: { messageId: randomUUID(), from: "+14255550123", to: "+18005550100", message: "hello", segmentCount: 1 },
  };
}

describe("Event Grid broker", function () {
  let receiver: WebhookReceiver;
  let broker: EventGridBroker;
  let endpoint: string;

  beforeEach(async function () {
    receiver = new WebhookReceiver();
    endpoint = await receiver.start();
    // 10 s of Event Grid's retry schedule take 1 real ms.
    broker = new EventGridBroker({ clock: new Clock(10_000) });
  });

  afterEach(async function () {
    broker.close();
    await receiver.close();
  });

  async function subscribe(options: Partial<SubscriptionOptions> = {}): Promise<string> {
    const handle = broker.subscribe({ endpoint, ...options });
    await handle.validated;
    return handle.id;
  }

  it("validates an Event Grid schema endpoint by echoing the validation code before delivering", async function () {
    await subscribe({ name: "orders" });
    const [handshake] = receiver.handshakes();
    assert.equal(handshake.method, "POST");
    assert.equal(handshake.headers["aeg-event-type"], "SubscriptionValidation");
    const [validation] = JSON.parse(handshake.body) as EventGridEventShape<{ validationCode: string; validationUrl: string }>[];
    assert.equal(validation.eventType, "Microsoft.EventGrid.SubscriptionValidationEvent");
    assert.match(validation.data.validationUrl, /\/_sandbox\/eventgrid\/validate\?id=/);
    assert.equal(receiver.notifications().length, 0);
  });

  it("delivers Event Grid schema batches with Event Grid's headers, readable by EventGridDeserializer", async function () {
    await subscribe({ name: "orders" });
    const event = sampleEvent();
    broker.publish([event]);
    await receiver.waitForNotifications(1);
    const [request] = receiver.notifications();
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers["aeg-subscription-name"], "ORDERS");
    assert.equal(request.headers["aeg-delivery-count"], "0");
    assert.equal(request.headers["aeg-metadata-version"], "1");
    assert.equal(request.headers["aeg-data-version"], "1.0");
    const [parsed] = await receiver.eventGridEvents();
    assert.equal(parsed.id, event.id);
    assert.equal(parsed.eventType, event.eventType);
    assert.equal(parsed.topic, defaultTopic);
    assert.deepEqual(parsed.data, event.data);
  });

  it("validates a CloudEvents endpoint with the OPTIONS handshake and delivers one event in structured mode", async function () {
    await subscribe({ schema: "CloudEventSchemaV1_0" });
    const [handshake] = receiver.handshakes();
    assert.equal(handshake.method, "OPTIONS");
    assert.equal(handshake.headers["webhook-request-origin"], "eventgrid.azure.net");
    const event = sampleEvent();
    broker.publish([event]);
    await receiver.waitForNotifications(1);
    const [request] = receiver.notifications();
    assert.match(String(request.headers["content-type"]), /^application\/cloudevents\+json/);
    const raw = JSON.parse(request.body) as { specversion?: string };
    assert.equal(Array.isArray(raw), false);
    assert.equal(raw.specversion, "1.0");
    const [parsed] = await receiver.cloudEvents();
    assert.equal(parsed.id, event.id);
    assert.equal(parsed.type, event.eventType);
    assert.equal(parsed.source, defaultTopic);
    assert.equal(parsed.subject, event.subject);
  });

  it("batches CloudEvents up to maxEventsPerBatch as application/cloudevents-batch+json", async function () {
    await subscribe({ schema: "CloudEventSchemaV1_0", maxEventsPerBatch: 3 });
    const events = Array.from({ length: 5 }, () => sampleEvent());
    broker.publish(events);
    await receiver.waitForNotifications(2);
    await broker.idle();
    const sizes = receiver.notifications().map((request) => (JSON.parse(request.body) as unknown[]).length);
    assert.deepEqual(sizes.sort(), [2, 3]);
    for (const request of receiver.notifications()) assert.match(String(request.headers["content-type"]), /^application\/cloudevents-batch\+json/);
    const ids = (await receiver.cloudEvents()).map((event) => event.id).sort();
    assert.deepEqual(ids, events.map((event) => event.id).sort());
  });

  it("delivers one event per request by default", async function () {
    await subscribe();
    broker.publish([sampleEvent(), sampleEvent(), sampleEvent()]);
    await receiver.waitForNotifications(3);
    await broker.idle();
    assert.equal(receiver.notifications().length, 3);
    for (const request of receiver.notifications()) assert.equal((JSON.parse(request.body) as unknown[]).length, 1);
  });

  it("delivers only the included event types and subjects", async function () {
    await subscribe({ includedEventTypes: ["Microsoft.Communication.SMSDeliveryReportReceived"], subjectBeginsWith: "/phonenumber/1425" });
    const wanted = sampleEvent("Microsoft.Communication.SMSDeliveryReportReceived", "/phonenumber/14255550123");
    broker.publish([
      sampleEvent("Microsoft.Communication.SMSReceived", "/phonenumber/14255550123"),
      sampleEvent("Microsoft.Communication.SMSDeliveryReportReceived", "/phonenumber/12065550100"),
      wanted,
    ]);
    await receiver.waitForNotifications(1);
    await broker.idle();
    const delivered = await receiver.eventGridEvents();
    assert.deepEqual(
      delivered.map((event) => event.id),
      [wanted.id],
    );
  });

  it("retries after a 500 on Event Grid's schedule and counts the attempts in aeg-delivery-count", async function () {
    const id = await subscribe();
    receiver.respond = (_request, index) => ({ status: index < 2 ? 500 : 200 });
    broker.publish([sampleEvent()]);
    await receiver.waitForNotifications(3);
    await broker.idle();
    assert.deepEqual(
      receiver.notifications().map((request) => request.headers["aeg-delivery-count"]),
      ["0", "1", "2"],
    );
    assert.deepEqual(
      broker.deliveries(id).filter((entry) => entry.kind === "notification").map((entry) => [entry.status, entry.outcome]),
      [
        [500, "retry"],
        [500, "retry"],
        [200, "delivered"],
      ],
    );
    assert.equal(broker.deadLetters().length, 0);
  });

  it("dead-letters on a 400 without retrying", async function () {
    const id = await subscribe();
    receiver.respond = () => ({ status: 400 });
    const event = sampleEvent();
    broker.publish([event]);
    await receiver.waitForNotifications(1);
    await broker.idle();
    assert.equal(receiver.notifications().length, 1);
    const [deadLetter] = broker.deadLetters(id);
    assert.equal(deadLetter.event.id, event.id);
    assert.equal(deadLetter.deadLetterReason, "NonRetriableHttpStatus");
    assert.equal(deadLetter.lastHttpStatusCode, 400);
    assert.equal(deadLetter.deliveryAttempts, 1);
  });

  for (const status of [401, 403, 413]) {
    it(`does not retry a ${status}`, async function () {
      await subscribe();
      receiver.respond = () => ({ status });
      broker.publish([sampleEvent()]);
      await receiver.waitForNotifications(1);
      await broker.idle();
      assert.equal(receiver.notifications().length, 1);
      assert.equal(broker.deadLetters()[0].lastHttpStatusCode, status);
    });
  }

  it("dead-letters after maxDeliveryAttempts failed attempts", async function () {
    await subscribe({ maxDeliveryAttempts: 3 });
    receiver.respond = () => ({ status: 503 });
    broker.publish([sampleEvent()]);
    await receiver.waitForNotifications(3);
    await broker.idle();
    assert.equal(receiver.notifications().length, 3);
    const [deadLetter] = broker.deadLetters();
    assert.equal(deadLetter.deadLetterReason, "MaxDeliveryAttemptsExceeded");
    assert.equal(deadLetter.deliveryAttempts, 3);
  });

  it("dead-letters when the next retry would fall after the event's time to live", async function () {
    // After 4 failures the next retry waits 10 minutes, past a 5 minute time to live.
    await subscribe({ eventTimeToLiveInMinutes: 5 });
    receiver.respond = () => ({ status: 500 });
    broker.publish([sampleEvent()]);
    await receiver.waitForNotifications(4);
    await broker.idle();
    assert.equal(receiver.notifications().length, 4);
    assert.equal(broker.deadLetters()[0].deadLetterReason, "TimeToLiveExceeded");
  });

  it("delivers duplicates of the same event id when asked, for at-least-once testing", async function () {
    await subscribe({ duplicates: { count: 2 } });
    const event = sampleEvent();
    broker.publish([event]);
    await receiver.waitForNotifications(3);
    await broker.idle();
    const ids = (await receiver.eventGridEvents()).map((parsed) => parsed.id);
    assert.deepEqual(ids, [event.id, event.id, event.id]);
    assert.equal(broker.deliveries().filter((entry) => entry.duplicate).length, 2);
  });

  it("delivers one duplicate of each batch with rate 1", async function () {
    await subscribe({ duplicates: { rate: 1 } });
    broker.publish([sampleEvent()]);
    await receiver.waitForNotifications(2);
    await broker.idle();
    assert.equal(receiver.notifications().length, 2);
  });

  it("rejects validated and delivers nothing when the endpoint refuses the handshake", async function () {
    receiver.handshake = () => ({ status: 403 });
    const handle = broker.subscribe({ endpoint });
    await assert.rejects(handle.validated, /validation handshake failed/);
    broker.publish([sampleEvent()]);
    await broker.idle();
    assert.equal(receiver.notifications().length, 0);
    assert.equal(broker.getSubscription(handle.id)?.provisioningState, "Failed");
  });

  it("rejects a handshake answer carrying the wrong validation code", async function () {
    receiver.handshake = () => ({ status: 200, body: JSON.stringify({ validationResponse: "not-the-code" }) });
    await assert.rejects(broker.subscribe({ endpoint }).validated, /does not match/);
  });

  it("rejects a CloudEvents endpoint that does not allow the origin", async function () {
    receiver.handshake = () => ({ status: 200 });
    await assert.rejects(broker.subscribe({ endpoint, schema: "CloudEventSchemaV1_0" }).validated, /WebHook-Allowed-Origin/);
  });

  it("waits for the validationUrl when the endpoint answers the handshake without the code", async function () {
    receiver.handshake = () => ({ status: 200 });
    const handle = broker.subscribe({ endpoint });
    await receiver.waitFor(() => receiver.handshakes().length === 1, "the handshake");
    const [validation] = JSON.parse(receiver.handshakes()[0].body) as EventGridEventShape<{ validationCode: string; validationUrl: string }>[];
    await until(() => broker.getSubscription(handle.id)?.provisioningState === "AwaitingManualAction", "manual validation");
    broker.publish([sampleEvent()]);
    assert.equal(broker.validateManually(handle.id, "wrong"), false);
    const code = new URL(validation.data.validationUrl).searchParams.get("code") ?? "";
    assert.equal(broker.validateManually(handle.id, code), true);
    await handle.validated;
    await receiver.waitForNotifications(1);
  });

  it("stops delivering to a deleted subscription", async function () {
    const id = await subscribe();
    assert.equal(broker.unsubscribe(id), true);
    broker.publish([sampleEvent()]);
    await broker.idle();
    assert.equal(receiver.notifications().length, 0);
    assert.deepEqual(broker.listSubscriptions(), []);
  });

  it("refuses plain http to a host other than loopback", function () {
    assert.throws(() => broker.subscribe({ endpoint: "http://example.com/api/events" }), /https, or http on a loopback host/);
    assert.throws(() => broker.subscribe({ endpoint, maxEventsPerBatch: 0 }), /maxEventsPerBatch/);
  });

  it("delivers to an https endpoint whose certificate it trusts through the ca option", async function () {
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    const tlsReceiver = new WebhookReceiver();
    try {
      const secureEndpoint = await tlsReceiver.start({ key: pems.private, cert: pems.cert });
      await broker.subscribe({ endpoint: secureEndpoint, ca: pems.cert }).validated;
      broker.publish([sampleEvent()]);
      await tlsReceiver.waitForNotifications(1);
      // Without the CA the handshake cannot even connect.
      await assert.rejects(broker.subscribe({ endpoint: secureEndpoint }).validated, /certificate/);
    } finally {
      await tlsReceiver.close();
    }
  });

  it("aborts a request in flight on close and refuses new subscriptions afterwards", async function () {
    await subscribe();
    receiver.respond = () => ({ status: 200, hang: true });
    broker.publish([sampleEvent()]);
    await receiver.waitForNotifications(1);
    broker.close();
    await broker.idle();
    await until(() => broker.deliveries().some((entry) => entry.outcome === "aborted"), "the aborted attempt");
    assert.throws(() => broker.subscribe({ endpoint }), /closed/);
  });
});
