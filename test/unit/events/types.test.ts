import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EventTypeSelection, KNOWN_EVENT_TYPES, allEventTypes, canonicalEventType, eventGroup, shortEventType } from "../../../nodes/lib/events/types";

describe("event types", () => {
  it("groups the ACS types as SMS, Email and Chat, and anything else as other", () => {
    assert.equal(eventGroup("Microsoft.Communication.SMSReceived"), "sms");
    assert.equal(eventGroup("microsoft.communication.emaildeliveryreportreceived"), "email");
    assert.equal(eventGroup("Microsoft.Communication.ChatMessageReceivedInThread"), "chat");
    assert.equal(eventGroup("Microsoft.Communication.CallStarted"), "other");
    assert.equal(eventGroup("Microsoft.EventGrid.SubscriptionDeletedEvent"), "other");
  });

  it("spells known types the usual way and shortens them for the status", () => {
    assert.equal(canonicalEventType("MICROSOFT.COMMUNICATION.SMSRECEIVED"), "Microsoft.Communication.SMSReceived");
    assert.equal(shortEventType("microsoft.communication.smsreceived"), "SMSReceived");
    assert.equal(shortEventType("Contoso.Thing"), "Contoso.Thing");
  });

  it("selects known types one by one and unknown ones all together through 'other'", () => {
    const selection = new EventTypeSelection(["Microsoft.Communication.SMSDeliveryReportReceived", "other"]);
    assert.equal(selection.includes("Microsoft.Communication.SMSDeliveryReportReceived"), true);
    assert.equal(selection.includes("microsoft.communication.smsdeliveryreportreceived"), true);
    assert.equal(selection.includes("Microsoft.Communication.SMSReceived"), false);
    assert.equal(selection.includes("Contoso.Thing"), true);
    const withoutOther = new EventTypeSelection(["Microsoft.Communication.SMSReceived"]);
    assert.equal(withoutOther.includes("Contoso.Thing"), false);
  });

  it("selects everything when no selection was saved", () => {
    const selection = new EventTypeSelection(undefined);
    for (const type of allEventTypes().filter((t) => t !== "other")) assert.equal(selection.includes(type), true, type);
    assert.equal(selection.includes("Contoso.Thing"), true);
  });

  it("offers the same types in the editor as the runtime knows", () => {
    const html = readFileSync(join(__dirname, "..", "..", "..", "..", "nodes", "acs-events.html"), "utf8");
    for (const group of ["sms", "email", "chat"] as const) {
      for (const type of KNOWN_EVENT_TYPES[group]) {
        assert.ok(html.includes(`'${type.replace("Microsoft.Communication.", "")}'`), `${type} is missing from the editor`);
      }
    }
    const listed = html.match(/'(SMS|Email|Chat)[A-Za-z]+'/g) ?? [];
    assert.equal(listed.length, KNOWN_EVENT_TYPES.sms.length + KNOWN_EVENT_TYPES.email.length + KNOWN_EVENT_TYPES.chat.length);
  });
});
