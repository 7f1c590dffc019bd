import assert from "node:assert/strict";
import { EventGridDeserializer } from "@azure/eventgrid";
import { AcsError } from "../../../nodes/lib/core/errors";
import { MAX_EVENT_DEPTH, deeperThan, parseEvents } from "../../../nodes/lib/events/parse";

const TOPIC = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs";
const SMS_REPORT = "Microsoft.Communication.SMSDeliveryReportReceived";

function gridEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "e1",
    topic: TOPIC,
    subject: "/phonenumber/15555550100",
    eventType: SMS_REPORT,
    eventTime: "2024-05-01T10:00:00.000Z",
    dataVersion: "1.0",
    metadataVersion: "1",
    data: { messageId: "m1" },
    ...overrides,
  };
}

function cloudEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { specversion: "1.0", id: "c1", source: TOPIC, type: SMS_REPORT, time: "2024-05-01T10:00:00.000Z", subject: "s", data: { messageId: "m1" }, ...overrides };
}

async function rejection(body: unknown): Promise<AcsError> {
  try {
    await parseEvents(body);
  } catch (err) {
    assert.ok(err instanceof AcsError, `expected an AcsError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected the body to be refused");
}

describe("parseEvents", () => {
  it("reads an Event Grid schema batch into events with the envelope and the data", async () => {
    const events = await parseEvents(JSON.stringify([gridEvent(), gridEvent({ id: "e2" })]));
    assert.equal(events.length, 2);
    assert.deepEqual(events[0], {
      schema: "EventGrid",
      id: "e1",
      type: SMS_REPORT,
      source: TOPIC,
      subject: "/phonenumber/15555550100",
      time: "2024-05-01T10:00:00.000Z",
      dataVersion: "1.0",
      data: { messageId: "m1" },
    });
    assert.equal(events[1].id, "e2");
  });

  it("reads well-formed Event Grid events into the same fields as @azure/eventgrid's deserializer gives", async () => {
    const events = [
      gridEvent(),
      gridEvent({ id: "e2", eventTime: "2024-05-01T12:00:00.1234567+02:00", data: { MessageId: "m2", nested: { list: [1, null, "x"] }, empty: null } }),
      gridEvent({ id: "e3", eventTime: "not a time", data: {} }),
      gridEvent({ id: "e4", eventType: "Contoso.Items.ItemSold", extra: "kept out" }),
    ];
    const parsed = await parseEvents(JSON.stringify(events));
    const reference = await new EventGridDeserializer().deserializeEventGridEvents(JSON.parse(JSON.stringify(events)) as Record<string, unknown>);
    assert.equal(parsed.length, reference.length);
    reference.forEach((event, index) => {
      const time = Number.isNaN(event.eventTime.getTime()) ? events[index].eventTime : event.eventTime.toISOString();
      assert.deepEqual(parsed[index], {
        schema: "EventGrid",
        id: event.id,
        type: event.eventType,
        source: event.topic,
        subject: event.subject,
        time,
        dataVersion: event.dataVersion,
        data: event.data,
      });
    });
  });

  it("leaves events of another shape to the deserializer, which reads or refuses them as before", async () => {
    const [listData] = await parseEvents([gridEvent({ data: ["a", "b"] })]);
    const [reference] = await new EventGridDeserializer().deserializeEventGridEvents([gridEvent({ data: ["a", "b"] })] as unknown as Record<string, unknown>);
    assert.deepEqual(listData.data, reference.data);
    const emptyId = await rejection([gridEvent({ id: " " })]);
    assert.match(emptyId.message, /event 1 is not a valid event: its id is empty/);
    const noTopic = gridEvent();
    delete noTopic.topic;
    assert.match((await rejection([noTopic])).message, /event 1 is not a valid event: .*topic/);
  });

  it("reads a single CloudEvent and a CloudEvents batch", async () => {
    const [single] = await parseEvents(JSON.stringify(cloudEvent()));
    assert.equal(single.schema, "CloudEvents");
    assert.equal(single.source, TOPIC);
    assert.equal(single.type, SMS_REPORT);
    assert.deepEqual(single.data, { messageId: "m1" });
    const batch = await parseEvents([cloudEvent(), cloudEvent({ id: "c2" })]);
    assert.deepEqual(batch.map((event) => event.id), ["c1", "c2"]);
  });

  it("accepts envelope keys in any casing, including specVersion", async () => {
    const [cloud] = await parseEvents({ specVersion: "1.0", ID: "c9", Source: TOPIC, Type: SMS_REPORT, Data: { x: 1 } });
    assert.equal(cloud.schema, "CloudEvents");
    assert.equal(cloud.id, "c9");
    assert.deepEqual(cloud.data, { x: 1 });
    const [grid] = await parseEvents([{ Id: "g9", Topic: TOPIC, Subject: "s", EventType: SMS_REPORT, EventTime: "2024-05-01T10:00:00Z", DataVersion: "1.0", MetadataVersion: "1", Data: {} }]);
    assert.equal(grid.schema, "EventGrid");
    assert.equal(grid.id, "g9");
  });

  it("gives a known event type its usual spelling", async () => {
    const [event] = await parseEvents([gridEvent({ eventType: "microsoft.communication.smsdeliveryreportreceived" })]);
    assert.equal(event.type, SMS_REPORT);
  });

  it("keeps an unknown event type as it came", async () => {
    const [event] = await parseEvents([gridEvent({ eventType: "Contoso.Items.ItemSold" })]);
    assert.equal(event.type, "Contoso.Items.ItemSold");
  });

  it("decodes data_base64 of a CloudEvent into a Buffer", async () => {
    const [event] = await parseEvents(cloudEvent({ data: undefined, data_base64: Buffer.from("hello").toString("base64") }));
    assert.ok(Buffer.isBuffer(event.data));
    assert.equal((event.data as Buffer).toString(), "hello");
  });

  it("keeps a time it cannot read as the text that was sent", async () => {
    const [grid] = await parseEvents([gridEvent({ eventTime: "yesterday" })]);
    assert.equal(grid.time, "yesterday");
    const [cloud] = await parseEvents(cloudEvent({ time: "2024-05-01T12:00:00+02:00" }));
    assert.equal(cloud.time, "2024-05-01T10:00:00.000Z", "a valid time is given in UTC");
  });

  it("refuses malformed JSON with the parser's reason", async () => {
    const err = await rejection('[{"id": "e1",');
    assert.equal(err.key, "acs-events.errors.badJson");
    assert.match(err.message, /^body is not valid JSON \(.+\)$/);
  });

  it("refuses an empty list and a body that is not an object", async () => {
    assert.equal((await rejection("[]")).key, "acs-events.errors.noEvents");
    assert.equal((await rejection("42")).key, "acs-events.errors.notEvents");
    assert.equal((await rejection('"hello"')).key, "acs-events.errors.notEvents");
  });

  it("names the event and the missing field when a required field is absent", async () => {
    const noType = gridEvent();
    delete noType.eventType;
    const err = await rejection([gridEvent(), noType]);
    assert.equal(err.key, "acs-events.errors.badEvent");
    assert.match(err.message, /^event 2 is not a valid event: .*eventType/);
  });

  it("refuses a list holding something other than events", async () => {
    const err = await rejection([gridEvent(), "text"]);
    assert.equal(err.key, "acs-events.errors.badEvent");
    assert.match(err.message, /event 2/);
  });

  it("refuses an Event Grid event with the wrong metadataVersion and a CloudEvent with another specversion", async () => {
    assert.equal((await rejection([gridEvent({ metadataVersion: "2" })])).key, "acs-events.errors.badEvent");
    assert.equal((await rejection(cloudEvent({ specversion: "0.3" }))).key, "acs-events.errors.badEvent");
  });

  it("refuses an event whose data nests deeper than any ACS event, at any depth without overflowing", async () => {
    const nested = (depth: number) => JSON.parse(`${"[".repeat(depth)}1${"]".repeat(depth)}`) as unknown;
    assert.equal((await parseEvents([gridEvent({ data: { a: { b: [{ c: 1 }] } } })])).length, 1);
    for (const depth of [MAX_EVENT_DEPTH + 1, 20_000]) {
      const err = await rejection([gridEvent(), gridEvent({ data: nested(depth) })]);
      assert.match(err.message, /^event 2 is not a valid event: nested deeper than 32 levels$/);
    }
  });

  it("measures depth without recursion", () => {
    assert.equal(deeperThan({ a: [1, { b: 2 }] }, 3), false);
    assert.equal(deeperThan({ a: [1, { b: {} }] }, 3), true);
    assert.equal(deeperThan(JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`), 10), true);
    assert.equal(deeperThan("text", 0), false);
  });
});
