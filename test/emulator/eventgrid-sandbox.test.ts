// End to end: sends through the unmodified Azure SDKs against the running sandbox, the other side
// played through the control API over HTTPS, and the events checked as a webhook receives them
// (both delivery schemas, parsed by @azure/eventgrid's EventGridDeserializer).
import assert from "node:assert/strict";
import * as https from "node:https";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { EmailClient } from "@azure/communication-email";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SmsClient } from "@azure/communication-sms";
import { isSystemEvent } from "@azure/eventgrid";
import type { CloudEvent, EventGridEvent } from "@azure/eventgrid";
import { startSandbox } from "../../emulator";
import { suiteSandbox } from "../helpers/sandbox";
import type { Sandbox } from "../../emulator";
import { WebhookReceiver, until } from "./eventgrid-webhook-receiver";

const acsNumber = "+18005550100";
const phone = "+14255550123";
const sender = "DoNotReply@contoso.azurecomm.net";

type Data = Record<string, unknown>;

interface ControlAnswer {
  status: number;
  body: unknown;
}

/** A control API call over HTTPS, trusting the sandbox CA. */
function control(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<ControlAnswer> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, sandbox.endpoint),
      { method, ca: sandbox.ca, headers: text === undefined ? {} : { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: raw === "" ? undefined : (JSON.parse(raw) as unknown) });
        });
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

describe("Event Grid delivery from the running sandbox", function () {
  let sandbox: Sandbox;
  let eventGridReceiver: WebhookReceiver;
  let cloudEventsReceiver: WebhookReceiver;
  const tlsOptions = (): { ca: string } => ({ ca: sandbox.ca });

  // The scripted report latency (3 s) and Event Grid's retry delays take milliseconds.
  const options = {
    timeScale: 1000,
    rules: [
      { match: "*@bounce.test", outcome: "bounced" as const },
      { match: "+1206555*", outcome: "failed" as const, details: "Handset unreachable" },
    ],
  };
  suiteSandbox(async (started) => {
    sandbox = started;
    eventGridReceiver = new WebhookReceiver();
    cloudEventsReceiver = new WebhookReceiver();
    const created = await control(sandbox, "POST", "/_sandbox/eventgrid/subscriptions", {
      endpoint: await eventGridReceiver.start(),
      name: "eventgrid-schema",
      maxEventsPerBatch: 20,
    });
    assert.equal(created.status, 201);
    await sandbox.control.subscribe({ endpoint: await cloudEventsReceiver.start(), schema: "CloudEventSchemaV1_0", maxEventsPerBatch: 20 });
  }, () => startSandbox(options));
  after(async function () {
    await eventGridReceiver.close();
    await cloudEventsReceiver.close();
  });

  /** Every event both receivers got so far, once every scheduled report went out. */
  async function settle(): Promise<{ eventGrid: EventGridEvent<Data>[]; cloud: CloudEvent<Data>[] }> {
    await sandbox.control.eventsSettled();
    return {
      eventGrid: (await eventGridReceiver.eventGridEvents()) as EventGridEvent<Data>[],
      cloud: (await cloudEventsReceiver.cloudEvents()) as CloudEvent<Data>[],
    };
  }

  function smsClient(): SmsClient {
    return new SmsClient(sandbox.connectionString, { tlsOptions: tlsOptions() });
  }

  it("delivers the SMS delivery report with the send's tag in both schemas", async function () {
    const [result] = await smsClient().send(
      { from: acsNumber, to: [phone], message: "Your code is 1234" },
      { enableDeliveryReport: true, tag: "order-42" },
    );
    assert.equal(result.successful, true);
    const { eventGrid, cloud } = await settle();
    const report = eventGrid.find((event) => event.data.messageId === result.messageId);
    assert.ok(report, "an Event Grid schema report for the message");
    assert.ok(isSystemEvent("Microsoft.Communication.SMSDeliveryReportReceived", report));
    assert.equal(report.data.tag, "order-42");
    assert.equal(report.data.deliveryStatus, "Delivered");
    assert.equal(report.data.to, phone);
    const cloudReport = cloud.find((event) => event.type === "Microsoft.Communication.SMSDeliveryReportReceived" && event.data?.messageId === result.messageId);
    assert.equal(cloudReport?.data?.tag, "order-42");
    assert.equal(cloudReport?.source, report.topic);
  });

  it("reports Failed for a number scripted to fail", async function () {
    const [result] = await smsClient().send({ from: acsNumber, to: ["+12065550100"], message: "hi" }, { enableDeliveryReport: true });
    const { eventGrid } = await settle();
    const report = eventGrid.find((event) => event.data.messageId === result.messageId);
    assert.equal(report?.data.deliveryStatus, "Failed");
    assert.equal(report?.data.deliveryStatusDetails, "Handset unreachable");
  });

  it("publishes an inbound STOP as SMSReceived and reports the next send as blocked, until START", async function () {
    const inbound = await control(sandbox, "POST", "/_sandbox/sms/inbound", { from: "+14255550199", to: acsNumber, message: "STOP" });
    assert.equal(inbound.status, 202);
    const [blocked] = await smsClient().send({ from: acsNumber, to: ["+14255550199"], message: "offer" }, { enableDeliveryReport: true });
    let { eventGrid } = await settle();
    const received = eventGrid.find((event) => event.eventType === "Microsoft.Communication.SMSReceived" && event.data.from === "+14255550199");
    assert.equal(received?.data.message, "STOP");
    const blockedReport = eventGrid.find((event) => event.data.messageId === blocked.messageId);
    assert.equal(blockedReport?.data.deliveryStatus, "Failed");
    assert.equal(blockedReport?.data.deliveryStatusDetails, "Sender blocked for given recipient");
    const optOuts = await control(sandbox, "GET", `/_sandbox/sms/optouts?from=${encodeURIComponent(acsNumber)}`);
    assert.deepEqual((optOuts.body as { value: unknown[] }).value, [{ from: acsNumber, to: "+14255550199" }]);

    await control(sandbox, "POST", "/_sandbox/sms/inbound", { from: "+14255550199", to: acsNumber, message: "START" });
    const [allowed] = await smsClient().send({ from: acsNumber, to: ["+14255550199"], message: "offer" }, { enableDeliveryReport: true });
    ({ eventGrid } = await settle());
    assert.equal(eventGrid.find((event) => event.data.messageId === allowed.messageId)?.data.deliveryStatus, "Delivered");
  });

  it("reports each email recipient (delivered and bounced) and a click on the delivered one", async function () {
    const client = new EmailClient(sandbox.connectionString, { tlsOptions: tlsOptions() });
    const poller = await client.beginSend(
      {
        senderAddress: sender,
        content: { subject: "Welcome", html: "<a href='https://contoso.com/start'>Start</a>" },
        recipients: { to: [{ address: "ann@contoso.com" }, { address: "bob@bounce.test" }] },
      },
      { updateIntervalInMs: 10 },
    );
    const result = await poller.pollUntilDone();
    assert.equal(result.status, "Succeeded");
    let { eventGrid } = await settle();
    const reports = eventGrid.filter((event) => event.eventType === "Microsoft.Communication.EmailDeliveryReportReceived" && event.data.messageId === result.id);
    assert.deepEqual(
      reports.map((event) => [event.data.recipient, event.data.status]).sort(),
      [
        ["ann@contoso.com", "Delivered"],
        ["bob@bounce.test", "Bounced"],
      ],
    );

    const click = await control(sandbox, "POST", "/_sandbox/email/engagement", {
      operationId: result.id,
      recipient: "ann@contoso.com",
      engagement: "click",
      engagementContext: "https://contoso.com/start",
    });
    assert.equal(click.status, 202);
    const refused = await control(sandbox, "POST", "/_sandbox/email/engagement", { operationId: result.id, recipient: "bob@bounce.test", engagement: "view" });
    assert.equal(refused.status, 409);
    ({ eventGrid } = await settle());
    const engagement = eventGrid.find((event) => event.eventType === "Microsoft.Communication.EmailEngagementTrackingReportReceived" && event.data.messageId === result.id);
    assert.ok(engagement && isSystemEvent("Microsoft.Communication.EmailEngagementTrackingReportReceived", engagement));
    assert.equal(engagement.data.engagementType, "click");
    assert.equal(engagement.data.recipient, "ann@contoso.com");
  });

  it("publishes chat events per recipient, and a read receipt added through the control API is listed by the SDK", async function () {
    const identity = new CommunicationIdentityClient(sandbox.connectionString, { tlsOptions: tlsOptions() });
    const alice = await identity.createUserAndToken(["chat"]);
    const bob = await identity.createUserAndToken(["chat"]);
    const aliceChat = new ChatClient(sandbox.endpoint, new AzureCommunicationTokenCredential(alice.token), { tlsOptions: tlsOptions() });
    const created = await aliceChat.createChatThread(
      { topic: "Delivery" },
      { participants: [{ id: alice.user, displayName: "Alice" }, { id: bob.user, displayName: "Bob" }] },
    );
    const threadId = created.chatThread?.id ?? "";
    const thread = aliceChat.getChatThreadClient(threadId);
    const { id: messageId } = await thread.sendMessage({ content: "Your parcel is on its way" }, { senderDisplayName: "Alice" });

    const read = await control(sandbox, "POST", "/_sandbox/chat/read", { threadId, userId: bob.user.communicationUserId, messageId });
    assert.equal(read.status, 204);
    const receipts = [];
    for await (const receipt of thread.listReadReceipts()) receipts.push(receipt);
    assert.deepEqual(
      receipts.map((receipt) => [receipt.chatMessageId, (receipt.sender as { communicationUserId: string }).communicationUserId]),
      [[messageId, bob.user.communicationUserId]],
    );
    await aliceChat.deleteChatThread(threadId);

    const { eventGrid } = await settle();
    const ofThread = eventGrid.filter((event) => event.data.threadId === threadId);
    const types = ofThread.map((event) => event.eventType.replace("Microsoft.Communication.", ""));
    for (const type of ["ChatThreadCreated", "ChatThreadCreatedWithUser", "ChatMessageReceivedInThread", "ChatMessageReceived", "ChatThreadDeleted"]) {
      assert.ok(types.includes(type), `${type} among ${types.join(", ")}`);
    }
    const perUser = ofThread.filter((event) => event.eventType === "Microsoft.Communication.ChatMessageReceived");
    assert.equal(perUser.length, 1, "only Bob receives the message; the sender gets no event");
    const [message] = perUser;
    assert.ok(isSystemEvent("Microsoft.Communication.ChatMessageReceived", message));
    assert.equal(message.data.messageId, messageId);
    assert.equal(message.data.messageBody, "Your parcel is on its way");
    assert.equal(message.data.recipientCommunicationIdentifier.rawId, bob.user.communicationUserId);
    assert.equal(message.subject, `thread/${threadId}/sender/${alice.user.communicationUserId}/recipient/${bob.user.communicationUserId}`);
  });

  it("retries a delivery the webhook answered 500 and lists the attempts through the control API", async function () {
    const flaky = new WebhookReceiver();
    try {
      flaky.respond = (_request, index) => ({ status: index === 0 ? 500 : 200 });
      const created = await control(sandbox, "POST", "/_sandbox/eventgrid/subscriptions", {
        endpoint: await flaky.start(),
        includedEventTypes: ["Microsoft.Communication.SMSReceived"],
      });
      const id = (created.body as { id: string }).id;
      await control(sandbox, "POST", "/_sandbox/sms/inbound", { from: phone, to: acsNumber, message: "hello" });
      await flaky.waitForNotifications(2);
      const log = await control(sandbox, "GET", `/_sandbox/eventgrid/deliveries?subscriptionId=${id}`);
      const attempts = (log.body as { value: { kind: string; status: number }[] }).value.filter((entry) => entry.kind === "notification");
      assert.deepEqual(
        attempts.map((entry) => entry.status),
        [500, 200],
      );
      const [first, second] = await flaky.eventGridEvents();
      assert.equal(first.id, second.id, "the retry carries the same event");
      assert.equal((await control(sandbox, "DELETE", `/_sandbox/eventgrid/subscriptions/${id}`)).status, 204);
    } finally {
      await flaky.close();
    }
  });

  it("dead-letters a delivery answered 400 and lists it through the control API", async function () {
    const refusing = new WebhookReceiver();
    try {
      refusing.respond = () => ({ status: 400 });
      const created = await control(sandbox, "POST", "/_sandbox/eventgrid/subscriptions", {
        endpoint: await refusing.start(),
        schema: "CloudEventSchemaV1_0",
        includedEventTypes: ["Microsoft.Communication.SMSReceived"],
      });
      const id = (created.body as { id: string }).id;
      await control(sandbox, "POST", "/_sandbox/sms/inbound", { from: phone, to: acsNumber, message: "hello again" });
      await refusing.waitForNotifications(1);
      await sandbox.control.eventsSettled();
      const deadLetters = await control(sandbox, "GET", `/_sandbox/eventgrid/deadletters?subscriptionId=${id}`);
      const [entry] = (deadLetters.body as { value: { lastHttpStatusCode: number; event: { data: Data } }[] }).value;
      assert.equal(entry.lastHttpStatusCode, 400);
      assert.equal(entry.event.data.message, "hello again");
      assert.equal(refusing.notifications().length, 1);
      await control(sandbox, "DELETE", `/_sandbox/eventgrid/subscriptions/${id}`);
    } finally {
      await refusing.close();
    }
  });

  it("answers a subscription whose endpoint fails the handshake with 400 and keeps no subscription", async function () {
    const refusing = new WebhookReceiver();
    try {
      refusing.handshake = () => ({ status: 404 });
      const before = sandbox.control.subscriptions().length;
      const created = await control(sandbox, "POST", "/_sandbox/eventgrid/subscriptions", { endpoint: await refusing.start() });
      assert.equal(created.status, 400);
      assert.equal((created.body as { error: { code: string } }).error.code, "WebhookValidationFailed");
      assert.equal(sandbox.control.subscriptions().length, before);
    } finally {
      await refusing.close();
    }
  });

  it("refuses malformed control requests with the reason", async function () {
    const badRules = await control(sandbox, "PUT", "/_sandbox/rules", { rules: [{ match: "*", outcome: "lost" }] });
    assert.equal(badRules.status, 400);
    assert.match((badRules.body as { error: { message: string } }).error.message, /"lost" is not one of/);
    assert.equal((await control(sandbox, "POST", "/_sandbox/sms/inbound", { from: "nobody", to: acsNumber, message: "x" })).status, 400);
    assert.equal((await control(sandbox, "GET", "/_sandbox/nothing-here")).status, 404);
    assert.equal((await control(sandbox, "DELETE", "/_sandbox/counters")).status, 405);
  });

  it("completes a handshake through the validationUrl when the endpoint answers without the code", async function () {
    const manual = new WebhookReceiver();
    try {
      manual.handshake = () => ({ status: 200 });
      const subscribed = sandbox.control.subscribe({ endpoint: await manual.start(), includedEventTypes: ["Microsoft.Communication.SMSReceived"] });
      await manual.waitFor(() => manual.handshakes().length === 1, "the handshake");
      const [validation] = JSON.parse(manual.handshakes()[0].body) as { data: { validationUrl: string } }[];
      const validationUrl = new URL(validation.data.validationUrl);
      assert.equal(validationUrl.origin, new URL(sandbox.endpoint).origin);
      await until(() => sandbox.control.subscriptions().some((s) => s.provisioningState === "AwaitingManualAction"), "manual validation");
      const answer = await control(sandbox, "GET", validationUrl.pathname + validationUrl.search);
      assert.equal(answer.status, 200);
      const info = await subscribed;
      assert.equal(info.provisioningState, "Succeeded");
      await control(sandbox, "POST", "/_sandbox/sms/inbound", { from: phone, to: acsNumber, message: "validated" });
      await manual.waitForNotifications(1);
      sandbox.control.unsubscribe(info.id);
    } finally {
      await manual.close();
    }
  });

  it("counts what was sent and delivered, and reset forgets it but keeps the subscriptions", async function () {
    await smsClient().send({ from: acsNumber, to: [phone], message: "count me" }, { enableDeliveryReport: true, tag: "count-me" });
    assert.equal((await control(sandbox, "POST", "/_sandbox/settle")).status, 204);
    assert.equal(sandbox.control.counters().pendingReports, 0);
    const counters = (await control(sandbox, "GET", "/_sandbox/counters")).body as Record<string, number>;
    assert.ok(counters.sms >= 1, `sms ${counters.sms}`);
    assert.ok(counters.eventsDelivered > 0);
    const sms = (await control(sandbox, "GET", "/_sandbox/sms")).body as { value: { tag?: string }[] };
    assert.ok(sms.value.some((record) => record.tag === "count-me"));
    assert.equal((await control(sandbox, "POST", "/_sandbox/reset")).status, 204);
    const after = (await control(sandbox, "GET", "/_sandbox/counters")).body as Record<string, number>;
    assert.equal(after.sms, 0);
    assert.equal(after.eventsDelivered, 0);
    assert.equal(sandbox.control.subscriptions().length, 2);
  });
});
