import assert from "node:assert/strict";
import { normaliseEvent } from "../../../nodes/lib/events/normalise";
import type { ParsedEvent } from "../../../nodes/lib/events/parse";

const PREFIX = "Microsoft.Communication.";

function event(type: string, data: unknown): ParsedEvent {
  return { schema: "EventGrid", id: "e1", type: PREFIX + type, source: "acs", data };
}

describe("normaliseEvent", () => {
  it("maps an SMS delivery report to channel, status, parties and tag", () => {
    const fields = normaliseEvent(
      event("SMSDeliveryReportReceived", { messageId: "m1", from: "+18005550100", to: "+15555550100", deliveryStatus: "Delivered", deliveryStatusDetails: "No error.", tag: "corr-1" }),
    );
    assert.deepEqual(fields, {
      channel: "sms",
      messageId: "m1",
      from: "+18005550100",
      to: "+15555550100",
      tag: "corr-1",
      details: "No error.",
      serviceStatus: "Delivered",
      status: "delivered",
    });
  });

  it("reads keys and values whatever their casing", () => {
    const fields = normaliseEvent(event("SMSDeliveryReportReceived", { MessageId: "m2", From: "+1800", To: "+1555", DeliveryStatus: "failed", Tag: "t" }));
    assert.equal(fields.messageId, "m2");
    assert.equal(fields.from, "+1800");
    assert.equal(fields.status, "failed");
    assert.equal(fields.serviceStatus, "failed");
    assert.equal(fields.tag, "t");
  });

  it("marks an inbound SMS as received", () => {
    const fields = normaliseEvent(event("SMSReceived", { messageId: "in1", from: "+1555", to: "+1800", message: "hi" }));
    assert.deepEqual(fields, { channel: "sms", messageId: "in1", from: "+1555", to: "+1800", status: "received" });
  });

  const emailStatuses: [string, string][] = [
    ["Delivered", "delivered"],
    ["Expanded", "delivered"],
    ["Failed", "failed"],
    ["Bounced", "bounced"],
    ["Suppressed", "suppressed"],
    ["FilteredSpam", "spam"],
    ["Quarantined", "quarantined"],
  ];
  for (const [service, status] of emailStatuses) {
    it(`maps email status ${service} to ${status}`, () => {
      const fields = normaliseEvent(
        event("EmailDeliveryReportReceived", { sender: "no-reply@contoso.com", recipient: "a@b.com", messageId: "op1", status: service, deliveryStatusDetails: { statusMessage: "why" } }),
      );
      assert.equal(fields.status, status);
      assert.equal(fields.serviceStatus, service);
      assert.equal(fields.channel, "email");
      assert.equal(fields.from, "no-reply@contoso.com");
      assert.equal(fields.to, "a@b.com");
      assert.equal(fields.details, "why");
    });
  }

  it("maps engagement view to opened and click to clicked, under either field name", () => {
    const view = normaliseEvent(event("EmailEngagementTrackingReportReceived", { sender: "s@c.com", recipient: "a@b.com", messageId: "op1", engagementType: "view" }));
    assert.equal(view.status, "opened");
    const click = normaliseEvent(event("EmailEngagementTrackingReportReceived", { sender: "s@c.com", recipient: "a@b.com", messageId: "op1", engagement: "Click" }));
    assert.equal(click.status, "clicked");
    assert.equal(click.messageId, "op1");
  });

  it("marks a chat message as received, with sender, recipient and thread", () => {
    const fields = normaliseEvent(
      event("ChatMessageReceived", {
        messageId: "cm1",
        threadId: "19:t@thread.v2",
        senderCommunicationIdentifier: { rawId: "8:acs:u1" },
        recipientCommunicationIdentifier: { rawId: "8:acs:u2" },
        messageBody: "hello",
      }),
    );
    assert.deepEqual(fields, { channel: "chat", messageId: "cm1", from: "8:acs:u1", to: "8:acs:u2", threadId: "19:t@thread.v2", status: "received" });
  });

  it("gives other chat events their channel and thread without a status", () => {
    const fields = normaliseEvent(event("ChatThreadCreated", { threadId: "19:t@thread.v2" }));
    assert.equal(fields.channel, "chat");
    assert.equal(fields.threadId, "19:t@thread.v2");
    assert.equal(fields.status, undefined);
  });

  it("keeps an unknown status word lower-cased rather than guessing", () => {
    assert.equal(normaliseEvent(event("SMSDeliveryReportReceived", { deliveryStatus: "Pending" })).status, "pending");
  });

  it("returns no fields for an event type it does not know, or data that is not an object", () => {
    assert.deepEqual(normaliseEvent({ schema: "EventGrid", id: "x", type: "Contoso.Thing", source: "s", data: { messageId: "m" } }), {});
    assert.deepEqual(normaliseEvent(event("SMSReceived", "text")), { channel: "sms", status: "received" });
  });
});
