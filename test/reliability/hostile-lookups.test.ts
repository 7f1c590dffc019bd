// Hostile input, lookup tables: the names every plain object inherits (`__proto__`, `constructor`,
// `prototype`, `toString`, `hasOwnProperty`) driven through each table keyed by outside data. None
// may find an inherited value: a status stays the text it was, an unknown extension gets no type
// from Object.prototype, and a key named `__proto__` stays an ordinary key.
import assert from "node:assert/strict";
import { parseMetadata, parseOperation } from "../../nodes/lib/chat/validation";
import { attachmentsFrom, contentTypeOf } from "../../nodes/lib/email/attachments";
import { headersFrom } from "../../nodes/lib/email/message";
import { normaliseEvent } from "../../nodes/lib/events/normalise";
import { parseEvents } from "../../nodes/lib/events/parse";
import { canonicalEventType, eventGroup, EventTypeSelection, shortEventType } from "../../nodes/lib/events/types";
import { mmsAttachments } from "../../nodes/lib/sms/mms-attachments";

const INHERITED = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];
const RESOURCE = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/communicationServices/acs";

function deliveryReport(status: string): string {
  return JSON.stringify([
    {
      id: `report-${status}`,
      topic: RESOURCE,
      subject: "phonenumber/15555555555",
      eventType: "Microsoft.Communication.SMSDeliveryReportReceived",
      eventTime: "2026-01-01T00:00:00Z",
      dataVersion: "1.0",
      metadataVersion: "1",
      data: { messageId: "m-1", from: "+18005550100", to: "+14255550123", deliveryStatus: status, deliveryStatusDetails: "ok", receivedTimestamp: "2026-01-01T00:00:00Z" },
    },
  ]);
}

describe("hostile input: inherited names through every lookup table", () => {
  it("keeps a delivery status of an inherited name a string: msg.acs.status is the word, lower case", async () => {
    for (const word of INHERITED) {
      const [event] = await parseEvents(deliveryReport(word));
      const fields = normaliseEvent(event);
      assert.equal(typeof fields.status, "string", `status for "${word}"`);
      assert.equal(fields.status, word.toLowerCase());
      assert.equal(fields.serviceStatus, word);
    }
  });

  it("gives an email engagement of an inherited name its own word as status", async () => {
    for (const word of INHERITED) {
      const body = JSON.stringify({
        specversion: "1.0",
        id: `click-${word}`,
        source: RESOURCE,
        type: "Microsoft.Communication.EmailEngagementTrackingReportReceived",
        data: { sender: "a@contoso.test", recipient: "b@contoso.test", messageId: "m", engagementType: word },
      });
      const [event] = await parseEvents(body);
      assert.equal(normaliseEvent(event).status, word.toLowerCase());
    }
  });

  it("treats event types of inherited names as other types", () => {
    const selection = new EventTypeSelection(["Microsoft.Communication.SMSReceived"]);
    for (const word of INHERITED) {
      assert.equal(canonicalEventType(word), word);
      assert.equal(shortEventType(word), word);
      assert.equal(eventGroup(word), "other");
      assert.equal(selection.includes(word), false);
    }
  });

  it("keeps an event key named __proto__ an ordinary key: it lends the event no fields", async () => {
    // "SpecVersion" makes the parser respell the envelope, the path that copies every key.
    const body = `{"SpecVersion":"1.0","id":"e-1","source":"${RESOURCE}","type":"Microsoft.Communication.SMSReceived","__proto__":{"subject":"injected","time":"2000-01-01T00:00:00Z"},"constructor":"x","data":{"messageId":"m","from":"+14255550123","to":"+18005550100","message":"hi"}}`;
    const [event] = await parseEvents(body);
    assert.equal(event.subject, undefined);
    assert.equal(event.time, undefined);
  });

  it("gives a file whose extension is an inherited name the generic email content type", () => {
    for (const word of INHERITED) {
      assert.equal(contentTypeOf(`report.${word}`), "application/octet-stream");
      const [attachment] = attachmentsFrom([{ filename: `report.${word}`, content: "hello" }]);
      assert.equal(attachment.contentType, "application/octet-stream");
    }
  });

  it("refuses an MMS file whose extension is an inherited name, naming the file", () => {
    for (const word of INHERITED) {
      assert.throws(() => mmsAttachments([{ filename: `photo.${word}`, content: Buffer.from("x") }]), new RegExp(`attachments\\[0\\]: "photo\\.${word}" is not a media type MMS can carry`));
    }
  });

  it("refuses chat operations of inherited names", () => {
    for (const word of INHERITED) {
      assert.throws(() => parseOperation(word), /operation: ".*" is not a chat operation|unknown/i);
    }
  });

  it("keeps email header and chat metadata names of inherited words as ordinary names", () => {
    const given = `{${INHERITED.map((word) => `"${word}":"v-${word}"`).join(",")}}`;
    for (const parsed of [headersFrom(given), parseMetadata(given) ?? {}]) {
      assert.deepEqual(Object.keys(parsed).sort(), [...INHERITED].sort());
      for (const word of INHERITED) assert.equal(Object.getOwnPropertyDescriptor(parsed, word)?.value, `v-${word}`);
      assert.equal(JSON.parse(JSON.stringify(parsed)).__proto__, "v-__proto__");
    }
  });
});
