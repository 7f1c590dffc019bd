// The report scheduler and scripted outcomes: what each send turns into on Event Grid, at which
// simulated time, checked on the batches a real webhook receiver gets.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { EventGridEvent } from "@azure/eventgrid";
import { Clock } from "../../emulator/state/clock";
import { EventGridBroker } from "../../emulator/eventgrid";
import { Outcomes } from "../../emulator/state/outcomes";
import { createReportScheduler, ScenarioError } from "../../emulator/eventgrid/report-scheduler";
import type { ReportScheduler } from "../../emulator/eventgrid/report-scheduler";
import { SandboxStore } from "../../emulator/state/store";
import type { EmailRecord, OutcomeRule, SmsRecord } from "../../emulator/state/types";
import { WebhookReceiver } from "./eventgrid-webhook-receiver";

const acsNumber = "+18005550100";
const phone = "+14255550123";

function smsRecord(overrides: Partial<SmsRecord> = {}): SmsRecord {
  return {
    messageId: randomUUID(),
    from: acsNumber,
    to: phone,
    message: "Your code is 1234",
    enableDeliveryReport: true,
    sentAt: Date.now(),
    ...overrides,
  };
}

function emailRecord(to: string[], overrides: Partial<EmailRecord> = {}): EmailRecord {
  return {
    operationId: randomUUID(),
    senderAddress: "DoNotReply@contoso.azurecomm.net",
    content: { subject: "Hello", plainText: "Hi" },
    recipients: { to: to.map((address) => ({ address })), cc: [], bcc: [] },
    attachments: [],
    replyTo: [],
    headers: {},
    userEngagementTrackingDisabled: false,
    status: "Running",
    sentAt: Date.now(),
    ...overrides,
  };
}

type Data = Record<string, unknown>;

describe("Event Grid reports of the sandbox", function () {
  let receiver: WebhookReceiver;
  let clock: Clock;
  let broker: EventGridBroker;
  let store: SandboxStore;
  let outcomes: Outcomes;
  let reports: ReportScheduler;

  async function setUp(rules: OutcomeRule[] = []): Promise<void> {
    receiver = new WebhookReceiver();
    const endpoint = await receiver.start();
    // 3 simulated seconds of report latency take 3 real ms; 5 minutes take 300 ms.
    clock = new Clock(1000);
    broker = new EventGridBroker({ clock });
    store = new SandboxStore();
    outcomes = new Outcomes(rules);
    reports = createReportScheduler({ clock, outcomes, broker, store });
    await broker.subscribe({ endpoint, maxEventsPerBatch: 50 }).validated;
  }

  /** Waits for every scheduled report to be published and delivered, then parses what arrived. */
  async function delivered(): Promise<EventGridEvent<Data>[]> {
    await reports.idle();
    await broker.idle();
    return (await receiver.eventGridEvents()) as EventGridEvent<Data>[];
  }

  function ofType(events: EventGridEvent<Data>[], type: string): EventGridEvent<Data>[] {
    return events.filter((event) => event.eventType === `Microsoft.Communication.${type}`);
  }

  afterEach(async function () {
    reports.close();
    broker.close();
    clock.clearAll();
    await receiver.close();
  });

  describe("SMS", function () {
    it("publishes a Delivered report carrying the send's tag and messageId", async function () {
      await setUp();
      const record = smsRecord({ tag: "order-42" });
      reports.smsSent(record);
      const [report] = ofType(await delivered(), "SMSDeliveryReportReceived");
      assert.equal(report.subject, "/phonenumber/14255550123");
      assert.equal(report.data.messageId, record.messageId);
      assert.equal(report.data.tag, "order-42");
      assert.equal(report.data.from, acsNumber);
      assert.equal(report.data.to, phone);
      assert.equal(report.data.deliveryStatus, "Delivered");
      assert.deepEqual(
        (report.data.deliveryAttempts as Data[]).map((attempt) => [attempt.segmentsSucceeded, attempt.segmentsFailed]),
        [[1, 0]],
      );
      assert.equal(typeof report.data.receivedTimestamp, "string");
    });

    it("publishes no report when the send did not ask for one", async function () {
      await setUp();
      reports.smsSent(smsRecord({ enableDeliveryReport: false }));
      reports.smsSent(smsRecord({ tag: "wanted" }));
      const reportsReceived = ofType(await delivered(), "SMSDeliveryReportReceived");
      assert.deepEqual(
        reportsReceived.map((event) => event.data.tag),
        ["wanted"],
      );
    });

    it("reports Failed with the rule's details for a number scripted to fail", async function () {
      await setUp([{ match: "+1425555*", outcome: "failed", details: "Handset unreachable" }]);
      reports.smsSent(smsRecord());
      const [report] = ofType(await delivered(), "SMSDeliveryReportReceived");
      assert.equal(report.data.deliveryStatus, "Failed");
      assert.equal(report.data.deliveryStatusDetails, "Handset unreachable");
    });

    it("reports a late delivery after the phone was off, with the failed first attempt", async function () {
      await setUp([{ match: phone, outcome: "late", delayMs: 5 * 60_000 }]);
      reports.smsSent(smsRecord());
      const [report] = ofType(await delivered(), "SMSDeliveryReportReceived");
      assert.equal(report.data.deliveryStatus, "Delivered");
      const attempts = report.data.deliveryAttempts as { timestamp: string; segmentsSucceeded: number }[];
      assert.deepEqual(
        attempts.map((attempt) => attempt.segmentsSucceeded),
        [0, 1],
      );
      const offFor = Date.parse(attempts[1].timestamp) - Date.parse(attempts[0].timestamp);
      assert.ok(offFor >= 4 * 60_000, `the phone was off for ${offFor} simulated ms`);
    });

    it("reports optedOut as Failed: Sender blocked for given recipient", async function () {
      await setUp([{ match: phone, outcome: "optedOut" }]);
      reports.smsSent(smsRecord());
      const [report] = ofType(await delivered(), "SMSDeliveryReportReceived");
      assert.equal(report.data.deliveryStatus, "Failed");
      assert.equal(report.data.deliveryStatusDetails, "Sender blocked for given recipient");
    });

    it("publishes an inbound STOP as SMSReceived, opts the phone out, and START opts it back in", async function () {
      await setUp();
      const stop = reports.receiveSms({ from: phone, to: acsNumber, message: " stop " });
      assert.equal(stop.optOut, "optedOut");
      assert.equal(store.isOptedOut(acsNumber, phone), true);
      reports.smsSent(smsRecord({ tag: "after-stop" }));
      let events = await delivered();
      const [received] = ofType(events, "SMSReceived");
      assert.equal(received.data.from, phone);
      assert.equal(received.data.to, acsNumber);
      assert.equal(received.data.message, " stop ");
      assert.equal(received.data.segmentCount, 1);
      assert.equal(received.subject, "/phonenumber/18005550100");
      const [blocked] = ofType(events, "SMSDeliveryReportReceived");
      assert.equal(blocked.data.deliveryStatus, "Failed");
      assert.equal(blocked.data.deliveryStatusDetails, "Sender blocked for given recipient");

      assert.equal(reports.receiveSms({ from: phone, to: acsNumber, message: "START" }).optOut, "optedIn");
      reports.smsSent(smsRecord({ tag: "after-start" }));
      events = await delivered();
      const afterStart = ofType(events, "SMSDeliveryReportReceived").find((event) => event.data.tag === "after-start");
      assert.equal(afterStart?.data.deliveryStatus, "Delivered");
      assert.equal(ofType(events, "SMSReceived").length, 2);
    });

    for (const keyword of ["UNSUBSCRIBE", "Cancel", "end", "QUIT", "STOPALL"]) {
      it(`treats ${keyword} as an opt-out keyword`, async function () {
        await setUp();
        reports.receiveSms({ from: phone, to: acsNumber, message: keyword });
        assert.equal(store.isOptedOut(acsNumber, phone), true);
      });
    }

    it("does not opt out on a message that merely contains STOP", async function () {
      await setUp();
      assert.equal(reports.receiveSms({ from: phone, to: acsNumber, message: "please don't stop" }).optOut, undefined);
      assert.equal(store.isOptedOut(acsNumber, phone), false);
    });

    it("refuses an inbound SMS from something that is not a phone number", async function () {
      await setUp();
      assert.throws(() => reports.receiveSms({ from: "alice", to: acsNumber, message: "hi" }), ScenarioError);
    });
  });

  describe("email", function () {
    it("publishes one delivery report per recipient with the operation id as messageId", async function () {
      await setUp([{ match: "*@bounce.test", outcome: "bounced" }]);
      const record = emailRecord(["ann@contoso.com", "bob@bounce.test"], {
        recipients: { to: [{ address: "ann@contoso.com" }], cc: [{ address: "bob@bounce.test" }], bcc: [{ address: "ANN@contoso.com" }] },
      });
      reports.emailAccepted(record);
      const events = ofType(await delivered(), "EmailDeliveryReportReceived");
      assert.equal(events.length, 2, "a recipient listed twice gets one report");
      const byRecipient = new Map(events.map((event) => [event.data.recipient, event]));
      const ann = byRecipient.get("ann@contoso.com");
      const bob = byRecipient.get("bob@bounce.test");
      assert.equal(ann?.data.status, "Delivered");
      assert.equal(bob?.data.status, "Bounced");
      for (const event of events) {
        assert.equal(event.data.messageId, record.operationId);
        assert.equal(event.data.sender, record.senderAddress);
        assert.equal(event.subject, `sender/${record.senderAddress}/message/${record.operationId}`);
        assert.equal(typeof (event.data.deliveryStatusDetails as Data).statusMessage, "string");
      }
    });

    for (const [outcome, status] of [
      ["suppressed", "Suppressed"],
      ["quarantined", "Quarantined"],
      ["spam", "FilteredSpam"],
      ["failed", "Failed"],
    ]) {
      it(`reports ${status} for a recipient scripted as ${outcome}`, async function () {
        await setUp([{ match: "x@example.com", outcome }]);
        reports.emailAccepted(emailRecord(["x@example.com"]));
        const [event] = ofType(await delivered(), "EmailDeliveryReportReceived");
        assert.equal(event.data.status, status);
      });
    }

    it("publishes an engagement click for a delivered recipient, and refuses one for a bounced recipient", async function () {
      await setUp([{ match: "*@bounce.test", outcome: "bounced" }]);
      const record = emailRecord(["ann@contoso.com", "bob@bounce.test"]);
      store.emails.set(record.operationId, record);
      reports.emailAccepted(record);
      await delivered();
      reports.engageEmail({ operationId: record.operationId, recipient: "ann@contoso.com", engagement: "click", engagementContext: "https://contoso.com/offer" });
      assert.throws(
        () => reports.engageEmail({ operationId: record.operationId, recipient: "bob@bounce.test", engagement: "view" }),
        (error: unknown) => error instanceof ScenarioError && error.status === 409,
      );
      const [click] = ofType(await delivered(), "EmailEngagementTrackingReportReceived");
      assert.equal(click.data.engagementType, "click");
      assert.equal(click.data.engagementContext, "https://contoso.com/offer");
      assert.equal(click.data.recipient, "ann@contoso.com");
      assert.equal(click.data.messageId, record.operationId);
    });

    it("refuses engagement when the email disabled engagement tracking", async function () {
      await setUp();
      const record = emailRecord(["ann@contoso.com"], { userEngagementTrackingDisabled: true });
      store.emails.set(record.operationId, record);
      reports.emailAccepted(record);
      assert.throws(
        () => reports.engageEmail({ messageId: record.operationId, recipient: "ann@contoso.com", engagement: "view" }),
        /engagement tracking disabled/,
      );
    });
  });

  describe("chat", function () {
    const threadId = "19:sandboxthread@thread.v2";
    const alice = "8:acs:resource_alice";
    const bob = "8:acs:resource_bob";
    const carol = "8:acs:resource_carol";

    it("publishes ChatMessageReceivedInThread and one ChatMessageReceived per recipient, not to the sender", async function () {
      await setUp();
      const composed = Date.now();
      reports.chatMessageSent(
        { threadId, messageId: "1700000000000", senderId: alice, senderDisplayName: "Alice", type: "text", content: "hi", sentAt: composed },
        [{ id: alice }, { id: bob }, { id: carol }],
      );
      const events = await delivered();
      const [inThread] = ofType(events, "ChatMessageReceivedInThread");
      assert.equal(inThread.subject, `thread/${threadId}/sender/${alice}`);
      assert.equal(inThread.data.messageBody, "hi");
      const perUser = ofType(events, "ChatMessageReceived");
      assert.deepEqual(perUser.map((event) => (event.data.recipientCommunicationIdentifier as Data).rawId).sort(), [bob, carol]);
      for (const event of perUser) {
        assert.equal(event.subject, `thread/${threadId}/sender/${alice}/recipient/${(event.data.recipientCommunicationIdentifier as Data).rawId as string}`);
        assert.equal(event.data.messageId, "1700000000000");
        assert.equal(event.data.senderDisplayName, "Alice");
        assert.deepEqual(event.data.senderCommunicationIdentifier, { rawId: alice, kind: "communicationUser", communicationUser: { id: alice } });
        assert.equal(event.data.composeTime, new Date(composed).toISOString());
      }
    });

    it("publishes thread created (with user), participant added and removed, and thread deleted", async function () {
      await setUp();
      reports.chatThreadCreated(threadId, "Support", alice, [{ id: alice, displayName: "Alice" }, { id: bob }]);
      reports.chatParticipantsAdded(threadId, alice, [{ id: carol, displayName: "Carol" }]);
      reports.chatParticipantRemoved(threadId, alice, { id: bob });
      reports.chatThreadDeleted(threadId, alice);
      const events = await delivered();
      const [created] = ofType(events, "ChatThreadCreated");
      assert.equal(created.subject, `thread/${threadId}/createdBy/${alice}`);
      assert.deepEqual(created.data.properties, { topic: "Support" });
      assert.equal((created.data.participants as unknown[]).length, 2);
      const withUser = ofType(events, "ChatThreadCreatedWithUser");
      assert.deepEqual(
        withUser.map((event) => (event.data.recipientCommunicationIdentifier as Data).rawId),
        [bob],
      );
      const [added] = ofType(events, "ChatThreadParticipantAdded");
      assert.equal(((added.data.participantAdded as Data).participantCommunicationIdentifier as Data).rawId, carol);
      assert.equal((added.data.addedByCommunicationIdentifier as Data).rawId, alice);
      const [removed] = ofType(events, "ChatThreadParticipantRemoved");
      assert.equal(((removed.data.participantRemoved as Data).participantCommunicationIdentifier as Data).rawId, bob);
      const [deleted] = ofType(events, "ChatThreadDeleted");
      assert.equal(deleted.subject, `thread/${threadId}/deletedBy/${alice}`);
      assert.equal(deleted.data.threadId, threadId);
    });
  });

  describe("scripted outcomes", function () {
    it("lets the first matching rule win, with * wildcards and case-insensitive addresses", function () {
      const rules = new Outcomes([
        { match: "vip@contoso.com", outcome: "delivered" },
        { match: "*@CONTOSO.com", outcome: "bounced" },
        { match: "+1555*", outcome: "failed" },
      ]);
      assert.equal(rules.email("vip@contoso.com").outcome, "delivered");
      assert.equal(rules.email("Someone@contoso.com").outcome, "bounced");
      assert.equal(rules.email("someone@fabrikam.com").outcome, "delivered");
      assert.equal(rules.sms("+15550001111").outcome, "failed");
      assert.equal(rules.sms("+14255550123").outcome, "delivered");
    });

    it("skips rules whose outcome or channel does not apply to the recipient's channel", function () {
      const rules = new Outcomes([
        { match: "*", outcome: "bounced" },
        { match: "*", outcome: "failed", channel: "email" },
      ]);
      assert.equal(rules.sms("+14255550123").outcome, "delivered");
      assert.equal(rules.email("a@b.com").outcome, "bounced");
    });

    it("rejects an unknown outcome and keeps the previous rules", function () {
      const rules = new Outcomes([{ match: "*", outcome: "failed" }]);
      assert.throws(() => rules.setRules([{ match: "*", outcome: "exploded" }]), /rules\[0\]\.outcome: "exploded" is not one of/);
      assert.equal(rules.sms("+14255550123").outcome, "failed");
    });
  });
});
